import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type Database from 'better-sqlite3';
import { tokensConfig, type TokensConfig } from '../config/tokens.config';
import { DATABASE, openDatabase } from './database';

/** The embedded SQLite database that keeps connections and sessions across restarts. */
@Module({
  providers: [{ provide: DATABASE, inject: [tokensConfig.KEY], useFactory: (config: TokensConfig) => openDatabase(config.databasePath) }],
  exports: [DATABASE],
})
export class StorageModule implements OnApplicationShutdown {
  constructor(@Inject(DATABASE) private readonly db: Database.Database) {}

  onApplicationShutdown(): void {
    this.db.close();
  }
}
