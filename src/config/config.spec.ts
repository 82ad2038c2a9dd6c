import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, processEnvironment } from './config';
import { ConfigError } from './config-error';

const VALID = { AIRTABLE_CLIENT_ID: 'id', SESSION_SECRET: 's'.repeat(32), TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64url') };

describe('loadConfig', () => {
  it('names every bad or missing variable of every namespace in one plain error', () => {
    const env = {
      HTTP_ADAPTER: 'koa',
      PORT: 'eighty',
      AIRTABLE_TOKEN_URL: 'http://airtable.example/token',
      AIRTABLE_API_URL: 'not a url',
      AIRTABLE_TIMEOUT_MS: 'soon',
      AUTH_RATE_LIMIT_PER_MINUTE: '0',
      TOKEN_ENCRYPTION_KEY: 'short',
      DATABASE_URL: 'mysql://db',
      REDIS_URL: 'localhost:6379',
      LOG_LEVEL: 'loud',
      WEBHOOKS_PUBLIC_URL: 'https://service.example/prefix',
    };
    let error: unknown;
    try {
      loadConfig(env);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const lines = (error as Error).message.split('\n').slice(1).map((line) => line.replace(/^\s+- /, ''));
    expect(lines).toEqual([
      'SESSION_SECRET is required',
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
      'HTTP_ADAPTER must be express or fastify (got "koa")',
      'PORT must be a whole number >= 0 (got "eighty")',
      'AIRTABLE_CLIENT_ID is required',
      'AIRTABLE_TOKEN_URL must use https:// (http:// only for localhost), got "http://airtable.example/token"',
      'AIRTABLE_API_URL must be an absolute URL (got "not a url")',
      'AIRTABLE_TIMEOUT_MS must be a whole number >= 1 (got "soon")',
      'WEBHOOKS_PUBLIC_URL must be an origin only (scheme, host and port), with no path or query',
      'AUTH_RATE_LIMIT_PER_MINUTE must be a whole number >= 1 (got "0")',
      'TOKEN_ENCRYPTION_KEY key 1 must be 32 bytes (base64, base64url or 64 hex digits)',
      'DATABASE_URL must start with postgres:// or postgresql://',
      'REDIS_URL must start with redis:// or rediss://',
    ]);
  });

  it('accepts the seed example names and http:// on loopback only', () => {
    const config = loadConfig({ ...VALID, AIRTABLE_CLIENT_ID: '', CLIENT_ID: 'seed-id', CLIENT_SECRET: 's', AIRTABLE_TOKEN_URL: 'http://127.0.0.1:9/token' });
    expect(config.airtable.clientId).toBe('seed-id');
    expect(config.airtable.clientSecret).toBe('s');
    expect(config.airtable.issuer).toBe('https://airtable.com');
    expect(config.airtable.tokenUrl.href).toBe('http://127.0.0.1:9/token');
  });

  it('reads only the environment it is given', () => {
    process.env.AIRTABLE_CLIENT_ID = 'from-the-process';
    try {
      expect(loadConfig(VALID).airtable.clientId).toBe('id');
    } finally {
      delete process.env.AIRTABLE_CLIENT_ID;
    }
  });

  it('listens on every interface, but on loopback only in sandbox mode unless HOST says otherwise', () => {
    expect(loadConfig(VALID).http.host).toBe('::');
    expect(loadConfig({ ...VALID, AIRTABLE_SANDBOX: 'true' }).http.host).toBe('127.0.0.1');
    expect(loadConfig({ ...VALID, AIRTABLE_SANDBOX: 'true', HOST: '0.0.0.0' }).http.host).toBe('0.0.0.0');
  });
});

describe('processEnvironment', () => {
  it('lays the process environment over a .env file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'env-')), '.env');
    writeFileSync(file, 'ONLY_IN_FILE=file\nPATH=from-file\n');
    const env = processEnvironment(file);
    expect(env.ONLY_IN_FILE).toBe('file');
    expect(env.PATH).toBe(process.env.PATH);
    expect(processEnvironment(join(tmpdir(), 'no-such-dir', '.env')).PATH).toBe(process.env.PATH);
  });
});
