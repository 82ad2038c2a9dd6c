import { Module } from '@nestjs/common';
import { AirtableModule } from '../airtable/airtable.module';
import { KeepAliveService } from './keep-alive.service';
import { TokenService } from './token.service';

@Module({
  imports: [AirtableModule],
  providers: [TokenService, KeepAliveService],
  exports: [TokenService],
})
export class ConnectionsModule {}
