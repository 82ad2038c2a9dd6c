import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { SessionsModule } from '../sessions/sessions.module';
import { ConnectionGuard } from './connection.guard';

@Module({
  imports: [SessionsModule, ApiKeysModule],
  providers: [ConnectionGuard],
  // Guards are built in the module of the controller that uses them: what they need goes along.
  exports: [ConnectionGuard, SessionsModule, ApiKeysModule],
})
export class AccessModule {}
