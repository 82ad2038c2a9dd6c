import { Module } from '@nestjs/common';
import { BasesModule } from '../bases/bases.module';
import { RecordsModule } from '../records/records.module';
import { SessionsModule } from '../sessions/sessions.module';
import { PagesController } from './pages.controller';

@Module({
  imports: [SessionsModule, BasesModule, RecordsModule],
  controllers: [PagesController],
})
export class PagesModule {}
