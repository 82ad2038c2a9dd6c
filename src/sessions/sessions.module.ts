import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { StorageModule } from '../storage/storage.module';
import { SessionGuard } from './session.guard';
import { SessionService } from './session.service';
import { SessionStore } from './session.store';
import { SqliteSessionStore } from './sqlite-session.store';

@Module({
  imports: [StorageModule, ConnectionsModule],
  providers: [{ provide: SessionStore, useClass: SqliteSessionStore }, SessionService, SessionGuard],
  exports: [SessionService, SessionGuard],
})
export class SessionsModule {}
