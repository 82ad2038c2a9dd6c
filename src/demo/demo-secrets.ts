import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomToken } from '../common/random';

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
    mkdirSync(dir, { recursive: true, mode: 0o700 });
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
  try {
    const text = readFileSync(file, 'utf8');
    // A file copied in with looser permissions is tightened, as it holds the keys to every stored token.
    chmodSync(file, 0o600);
    return JSON.parse(text) as StoredSecrets;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
}
