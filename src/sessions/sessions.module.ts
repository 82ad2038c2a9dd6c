import { Module } from '@nestjs/common';
import { MemorySessionStore } from './memory-session.store';
import { SessionGuard } from './session.guard';
import { SessionService } from './session.service';
import { SessionStore } from './session.store';

@Module({
  providers: [{ provide: SessionStore, useClass: MemorySessionStore }, SessionService, SessionGuard],
  exports: [SessionService, SessionGuard],
})
export class SessionsModule {}
