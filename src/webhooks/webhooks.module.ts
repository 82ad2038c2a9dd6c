import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { AirtableModule } from '../airtable/airtable.module';
import { ConnectionsModule } from '../connections/connections.module';
import { EventsModule } from '../events/events.module';
import { WebhookFetcher } from './webhook-fetcher.service';
import { WebhookNotificationsController } from './webhook-notifications.controller';
import { WebhookPings } from './webhook-pings';
import { WebhookTeardowns } from './webhook-teardowns.service';
import { WebhookUpkeep } from './webhook-upkeep.service';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

/** Airtable webhooks for connections: made, pinged, read by cursor, forwarded as events, kept alive. */
@Module({
  imports: [AirtableModule, ConnectionsModule, EventsModule, AccessModule],
  controllers: [WebhooksController, WebhookNotificationsController],
  providers: [WebhooksService, WebhookFetcher, WebhookPings, WebhookUpkeep, WebhookTeardowns],
})
export class WebhooksModule {}
