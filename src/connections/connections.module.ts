import { Module } from '@nestjs/common';
import { AirtableModule } from '../airtable/airtable.module';
import { StorageModule } from '../storage/storage.module';
import { ConnectionStore } from './connection.store';
import { KeepAliveService } from './keep-alive.service';
import { SqliteConnectionStore } from './sqlite-connection.store';
import { TokenCipher } from './token-cipher';
import { TokenService } from './token.service';

@Module({
  imports: [StorageModule, AirtableModule],
  providers: [{ provide: ConnectionStore, useClass: SqliteConnectionStore }, TokenCipher, TokenService, KeepAliveService],
  exports: [ConnectionStore, TokenService],
})
export class ConnectionsModule {}
