import { configNamespace } from './config-namespace';

export const appConfig = configNamespace('app', (env) => {
  const config = {
    /** Set by `npm run demo` (src/demo.ts; main.ts refuses it): the pages say that no real Airtable is behind them. */
    sandbox: env.boolean('AIRTABLE_SANDBOX', false),
    /** Keys the HMAC of session ids (only hashes are stored) and, through derived keys, the login binding. */
    sessionSecret: env.string('SESSION_SECRET'),
    /** A session ends after this long without a request... */
    sessionIdleMs: env.integer('SESSION_IDLE_SECONDS', 7 * 24 * 3600) * 1000,
    /** ...and after this long in any case. */
    sessionTtlMs: env.integer('SESSION_TTL_SECONDS', 30 * 24 * 3600) * 1000,
    logLevel: env.string('LOG_LEVEL', 'info'),
  };
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(config.logLevel)) {
    env.problem('LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent');
  }
  if (config.sessionSecret && config.sessionSecret.length < 32) {
    env.problem('SESSION_SECRET must be at least 32 characters');
  }
  return config;
});

export type AppConfig = ReturnType<typeof appConfig>;
