import { Module } from '@nestjs/common';
import { EventsService } from './events.service';
import { OutboxDispatcher } from './outbox-dispatcher.service';

/** Signed events about connections, through the durable outbox (EVENTS_URL, EVENTS_SECRET). */
@Module({
  providers: [EventsService, OutboxDispatcher],
  exports: [EventsService, OutboxDispatcher],
})
export class EventsModule {}
