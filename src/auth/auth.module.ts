import { Module } from '@nestjs/common';
import { AirtableModule } from '../airtable/airtable.module';
import { AppCacheModule } from '../cache/cache.module';
import { ConnectionsModule } from '../connections/connections.module';
import { SessionsModule } from '../sessions/sessions.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { PendingAuthStore } from './pending-auth.store';

@Module({
  imports: [AppCacheModule, AirtableModule, ConnectionsModule, SessionsModule],
  controllers: [AuthController],
  providers: [AuthService, PendingAuthStore],
})
export class AuthModule {}
