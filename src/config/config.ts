import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { airtableConfig } from './airtable.config';
import { appConfig } from './app.config';
import { authConfig } from './auth.config';
import { connectConfig } from './connect.config';
import { databaseConfig } from './database.config';
import { eventsConfig } from './events.config';
import { type Environment, EnvReader } from './env-reader';
import { httpConfig } from './http.config';
import { recordsConfig } from './records.config';
import { redisConfig } from './redis.config';
import { tokensConfig } from './tokens.config';
import { webhooksConfig, type WebhooksConfig } from './webhooks.config';

/** Every namespace, in the order its problems are listed. */
export const CONFIG_NAMESPACES = [
  appConfig, httpConfig, airtableConfig, authConfig, connectConfig, eventsConfig, webhooksConfig, tokensConfig, recordsConfig, databaseConfig,
  redisConfig,
] as const;

export interface Config {
  app: ReturnType<typeof appConfig>;
  http: ReturnType<typeof httpConfig>;
  airtable: ReturnType<typeof airtableConfig>;
  auth: ReturnType<typeof authConfig>;
  connect: ReturnType<typeof connectConfig>;
  events: ReturnType<typeof eventsConfig>;
  webhooks: WebhooksConfig;
  tokens: ReturnType<typeof tokensConfig>;
  records: ReturnType<typeof recordsConfig>;
  database: ReturnType<typeof databaseConfig>;
  redis: ReturnType<typeof redisConfig>;
}

/**
 * The whole configuration, built once from `env` and validated: a bad start names every bad variable of
 * every namespace in one ConfigError. Nothing reads process.env after this.
 */
export function loadConfig(env: Environment): Config {
  const reader = new EnvReader(env);
  const app = appConfig(reader);
  const http = httpConfig(reader);
  const airtable = airtableConfig(reader);
  const webhooks = webhooksConfig(reader);
  const config: Config = {
    app,
    // "::" accepts IPv4 and IPv6 on every interface. With generated secrets and an emulated Airtable,
    // sandbox mode is reachable from this machine only unless HOST says otherwise.
    http: { ...http, host: http.host || (app.sandbox ? '127.0.0.1' : '::') },
    airtable,
    auth: authConfig(reader),
    connect: connectConfig(reader),
    events: eventsConfig(reader),
    webhooks: { ...webhooks, publicUrl: webhooks.publicUrl ?? airtable.redirectUri.origin },
    tokens: tokensConfig(reader),
    records: recordsConfig(reader),
    database: databaseConfig(reader),
    redis: redisConfig(reader),
  };
  reader.assertValid();
  return config;
}

/** The process's environment over the variables of a `.env` file, if there is one (as dotenv does). */
export function processEnvironment(envFile = '.env'): Environment {
  let fromFile: Environment = {};
  try {
    fromFile = parseEnv(readFileSync(envFile, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return { ...fromFile, ...process.env };
}
