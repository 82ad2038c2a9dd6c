import { Module } from '@nestjs/common';
import { AirtableModule } from '../airtable/airtable.module';
import { ConnectionsModule } from '../connections/connections.module';
import { SessionsModule } from '../sessions/sessions.module';
import { MeController } from './me.controller';
import { MeService } from './me.service';

@Module({
  imports: [AirtableModule, ConnectionsModule, SessionsModule],
  controllers: [MeController],
  providers: [MeService],
})
export class MeModule {}
