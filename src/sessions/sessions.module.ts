import { Module } from '@nestjs/common';
import { MemorySessionStore } from './memory-session.store';
import { SessionService } from './session.service';
import { SessionStore } from './session.store';

@Module({
  providers: [{ provide: SessionStore, useClass: MemorySessionStore }, SessionService],
  exports: [SessionService],
})
export class SessionsModule {}
