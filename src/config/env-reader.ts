import { ConfigError } from './config-error';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** Variables by name, as the process got them (and a `.env` file added). */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Reads environment variables and collects every problem, so a bad start names all of them at once
 * instead of one per restart.
 */
export class EnvReader {
  private readonly problems: string[] = [];

  constructor(private readonly env: Environment) {}

  /** The first of `names` that is set (later names are accepted aliases). */
  string(names: string | string[], fallback?: string): string {
    const list = Array.isArray(names) ? names : [names];
    for (const name of list) {
      const value = this.env[name]?.trim();
      if (value) return value;
    }
    if (fallback === undefined) {
      this.problems.push(`${list[0]} is required`);
      return '';
    }
    return fallback;
  }

  integer(name: string, fallback: number, min = 1): number {
    const raw = this.env[name]?.trim();
    if (!raw) return fallback;
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value < min) {
      this.problems.push(`${name} must be a whole number >= ${min} (got "${raw}")`);
      return fallback;
    }
    return value;
  }

  boolean(name: string, fallback: boolean): boolean {
    const raw = this.env[name]?.trim().toLowerCase();
    if (!raw) return fallback;
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    this.problems.push(`${name} must be true or false (got "${raw}")`);
    return fallback;
  }

  /** An absolute URL; http:// only for loopback hosts (the local sandbox), https:// otherwise. */
  url(name: string, fallback: string): URL {
    const raw = this.string(name, fallback);
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      this.problems.push(`${name} must be an absolute URL (got "${raw}")`);
      return new URL(fallback);
    }
    const secure = url.protocol === 'https:';
    const localHttp = url.protocol === 'http:' && isLoopbackHost(url.hostname);
    if (!secure && !localHttp) {
      this.problems.push(`${name} must use https:// (http:// only for localhost), got "${raw}"`);
    }
    return url;
  }

  problem(message: string): void {
    this.problems.push(message);
  }

  /** Throws one error that lists every problem found, whatever namespace it is in. */
  assertValid(): void {
    if (this.problems.length > 0) {
      throw new ConfigError(`The service cannot start with this configuration:\n  - ${this.problems.join('\n  - ')}`);
    }
  }
}
