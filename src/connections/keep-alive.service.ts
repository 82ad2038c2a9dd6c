import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AppError, ErrorCode } from '../common/app-error';
import { Clock } from '../common/clock';
import { tokensConfig, type TokensConfig } from '../config/tokens.config';
import { ConnectionStore } from './connection.store';
import { TokenService } from './token.service';

const BATCH = 100;

/**
 * Airtable refresh tokens die after 60 days unused. This job refreshes the connections whose refresh
 * token nears its end, one at a time and paced, so a user who comes back after months is still connected.
 */
@Injectable()
export class KeepAliveService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(KeepAliveService.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly store: ConnectionStore,
    private readonly tokens: TokenService,
    private readonly clock: Clock,
    @Inject(tokensConfig.KEY) private readonly config: TokensConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.runOnce(), this.config.keepAliveIntervalMs).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** One pass; returns how many connections were refreshed. Overlapping calls share one pass. */
  runOnce(): Promise<number> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<number> {
    const due = await this.store.dueForKeepAlive(this.clock.now() + this.config.keepAliveWindowMs, BATCH);
    let refreshed = 0;
    for (const id of due) {
      const connection = await this.store.get(id);
      if (!connection?.tokens) continue;
      try {
        await this.tokens.refresh(id, connection.tokens.accessToken);
        refreshed++;
      } catch (error) {
        // A revoked grant is now marked reauth_required; anything else is tried again next pass.
        if (!(error instanceof AppError && error.code === ErrorCode.ReauthRequired)) {
          this.logger.warn(`Keep-alive refresh failed: ${error instanceof AppError ? error.code : 'unexpected error'}`);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, this.config.keepAlivePaceMs));
    }
    return refreshed;
  }
}
