import { type Config, loadConfig } from '../../src/config/config';
import type { Environment } from '../../src/config/env-reader';

export const SESSION_SECRET = 'test-session-secret-0123456789abcdef';
export const ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64url');

/** What every test configuration has: test secrets, an in-memory database, no logs. */
export const TEST_ENV: Environment = {
  AIRTABLE_CLIENT_ID: 'test-client',
  SESSION_SECRET,
  TOKEN_ENCRYPTION_KEY: ENCRYPTION_KEY,
  DATABASE_PATH: ':memory:',
  LOG_LEVEL: 'silent',
};

/** The service's configuration for a test, built as at start: from an environment object, nothing global. */
export function testConfig(env: Environment = {}): Config {
  return loadConfig({ ...TEST_ENV, ...env });
}
