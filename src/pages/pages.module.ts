import { Module } from '@nestjs/common';
import { BasesModule } from '../bases/bases.module';
import { SessionsModule } from '../sessions/sessions.module';
import { PagesController } from './pages.controller';

@Module({
  imports: [SessionsModule, BasesModule],
  controllers: [PagesController],
})
export class PagesModule {}
