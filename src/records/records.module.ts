import { Module } from '@nestjs/common';
import { AirtableModule } from '../airtable/airtable.module';
import { ConnectionsModule } from '../connections/connections.module';
import { SessionsModule } from '../sessions/sessions.module';
import { RecordWriterService } from './record-writer.service';
import { RecordsController } from './records.controller';
import { RecordsService } from './records.service';

@Module({
  imports: [AirtableModule, ConnectionsModule, SessionsModule],
  controllers: [RecordsController],
  providers: [RecordsService, RecordWriterService],
  exports: [RecordsService],
})
export class RecordsModule {}
