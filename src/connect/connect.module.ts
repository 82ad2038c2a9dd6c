import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { AuthModule } from '../auth/auth.module';
import { ConnectSessionsController } from './connect-sessions.controller';
import { ConnectController } from './connect.controller';

/** Connect links: a backend asks for one (API key), its end user opens it and connects Airtable. */
@Module({
  imports: [AuthModule, ApiKeysModule],
  controllers: [ConnectSessionsController, ConnectController],
})
export class ConnectModule {}
