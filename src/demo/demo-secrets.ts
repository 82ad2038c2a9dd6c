import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomToken } from '../common/random';
import { ConfigError } from '../config/config-error';
import { privateDemoDir } from './demo-folder';

/** What the demo generates once and keeps: its secrets and its API key. */
interface StoredSecrets {
  SESSION_SECRET?: string;
  TOKEN_ENCRYPTION_KEY?: string;
  SANDBOX_CLIENT_SECRET?: string;
  demoApiKey?: { id: string; secret: string };
}

type GeneratedName = 'SESSION_SECRET' | 'TOKEN_ENCRYPTION_KEY' | 'SANDBOX_CLIENT_SECRET';

/** `secrets.json` in the demo folder, readable by its owner only (0600, in a 0700 folder). */
export class DemoSecrets {
  private readonly file: string;
  private stored: StoredSecrets;

  constructor(dir: string) {
    privateDemoDir(dir);
    this.file = join(dir, 'secrets.json');
    this.stored = readSecrets(this.file);
  }

  /** The stored value, generated and saved the first time it is asked for. */
  generated(name: GeneratedName): string {
    const value = this.stored[name];
    if (value) return value;
    return this.save({ ...this.stored, [name]: randomToken() })[name]!;
  }

  get demoApiKey(): StoredSecrets['demoApiKey'] {
    return this.stored.demoApiKey;
  }

  set demoApiKey(key: { id: string; secret: string }) {
    this.save({ ...this.stored, demoApiKey: key });
  }

  private save(secrets: StoredSecrets): StoredSecrets {
    // Written whole and renamed over the old file, so a stop halfway never leaves half a file.
    const next = `${this.file}.${process.pid}.tmp`;
    writeFileSync(next, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
    renameSync(next, this.file);
    this.stored = secrets;
    return secrets;
  }
}

function readSecrets(file: string): StoredSecrets {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  // A file copied in with looser permissions is tightened, as it holds the keys to every stored token.
  chmodSync(file, 0o600);
  let secrets: unknown;
  try {
    secrets = JSON.parse(text);
  } catch (error) {
    throw unreadable(file, (error as Error).message);
  }
  if (typeof secrets !== 'object' || secrets === null || Array.isArray(secrets)) throw unreadable(file, 'not a JSON object');
  return secrets as StoredSecrets;
}

function unreadable(file: string, reason: string): ConfigError {
  return new ConfigError(
    `The demo cannot read ${file} (${reason}). Fix it, or delete it to start with new secrets ` +
      '(connections stored with the old ones can then no longer be used).',
  );
}
