import { Module } from '@nestjs/common';
import { AirtableModule } from '../airtable/airtable.module';
import { ConnectionsModule } from '../connections/connections.module';
import { AccessModule } from '../access/access.module';
import { RecordWriterService } from './record-writer.service';
import { RecordsController } from './records.controller';
import { RecordsService } from './records.service';

@Module({
  imports: [AirtableModule, ConnectionsModule, AccessModule],
  controllers: [RecordsController],
  providers: [RecordsService, RecordWriterService],
  exports: [RecordsService],
})
export class RecordsModule {}
