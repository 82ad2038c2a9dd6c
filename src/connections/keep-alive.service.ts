import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppError, ErrorCode } from '../common/app-error';
import { Clock } from '../common/clock';
import { PeriodicJob } from '../common/periodic-job';
import { tokensConfig, type TokensConfig } from '../config/tokens.config';
import { ConnectionStore } from './connection.store';
import { TokenService } from './token.service';

const BATCH = 100;

/**
 * Airtable refresh tokens die after 60 days unused. This job refreshes the connections whose refresh
 * token nears its end, one at a time and paced, so a user who comes back after months is still connected.
 */
@Injectable()
export class KeepAliveService extends PeriodicJob<number> {
  private readonly logger = new Logger(KeepAliveService.name);

  constructor(
    private readonly store: ConnectionStore,
    private readonly tokens: TokenService,
    private readonly clock: Clock,
    @Inject(tokensConfig.KEY) private readonly config: TokensConfig,
  ) {
    super();
  }

  protected interval(): number {
    return this.config.keepAliveIntervalMs;
  }

  /** One pass; returns how many connections were refreshed. */
  protected async pass(): Promise<number> {
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
