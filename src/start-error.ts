import { ConfigError } from './config/config-error';

/** A start that cannot go on says why in plain words and exits; unexpected errors keep their stack. */
export function exitOnStartError(error: unknown): never {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
