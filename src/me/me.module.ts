import { Module } from '@nestjs/common';
import { AirtableModule } from '../airtable/airtable.module';
import { ConnectionsModule } from '../connections/connections.module';
import { SessionsModule } from '../sessions/sessions.module';
import { MeController } from './me.controller';

@Module({
  imports: [AirtableModule, ConnectionsModule, SessionsModule],
  controllers: [MeController],
})
export class MeModule {}
