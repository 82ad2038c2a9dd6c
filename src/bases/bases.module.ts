import { Module } from '@nestjs/common';
import { AirtableModule } from '../airtable/airtable.module';
import { ConnectionsModule } from '../connections/connections.module';
import { AccessModule } from '../access/access.module';
import { BasesController } from './bases.controller';
import { BasesService } from './bases.service';

@Module({
  imports: [AirtableModule, ConnectionsModule, AccessModule],
  controllers: [BasesController],
  providers: [BasesService],
  exports: [BasesService],
})
export class BasesModule {}
