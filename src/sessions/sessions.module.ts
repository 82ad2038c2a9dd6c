import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { SessionGuard } from './session.guard';
import { SessionService } from './session.service';

@Module({
  imports: [EventsModule],
  providers: [SessionService, SessionGuard],
  exports: [SessionService, SessionGuard],
})
export class SessionsModule {}
