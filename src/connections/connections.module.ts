import { Module } from '@nestjs/common';
import { AirtableModule } from '../airtable/airtable.module';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { EventsModule } from '../events/events.module';
import { ConnectionsController } from './connections.controller';
import { KeepAliveService } from './keep-alive.service';
import { TokenService } from './token.service';

@Module({
  imports: [AirtableModule, ApiKeysModule, EventsModule],
  controllers: [ConnectionsController],
  providers: [TokenService, KeepAliveService],
  exports: [TokenService],
})
export class ConnectionsModule {}
