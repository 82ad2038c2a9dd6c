import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The file's text, or undefined when there is none yet; any other failure is the caller's start error. */
export async function readDataFile(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Held while a sandbox uses the data file: release it when done. */
export interface DataFileLock {
  release(): Promise<void>;
}

/**
 * Claims `${file}.lock` for this process, so that a second sandbox never reads the file and then overwrites
 * the first one's saves. A lock left by a process that no longer runs (a kill -9) is taken over.
 */
export async function lockDataFile(file: string): Promise<DataFileLock> {
  const lock = `${file}.lock`;
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  for (let attempt = 1; ; attempt++) {
    try {
      const handle = await open(lock, 'wx', 0o600);
      try {
        await handle.writeFile(`${process.pid}\n`);
      } finally {
        await handle.close();
      }
      return { release: () => releaseLock(lock) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await lockHolder(lock);
    if (holder === 'gone' && attempt < 5) continue;
    if (holder === 'gone' || holder === 'unknown') {
      // Most likely its writer has not written its pid yet; a crash at that very moment needs the file removed by hand.
      throw new Error(`The sandbox's data file ${file} is in use by another process: its lock file ${lock} holds no process id (remove it if no sandbox uses the data file).`);
    }
    if (isRunning(holder) || attempt >= 3) {
      throw new Error(`The sandbox's data file ${file} is in use by process ${holder} (lock file ${lock}): stop that sandbox, or use another data file.`);
    }
    await rm(lock, { force: true });
  }
}

/** The pid written in the lock file. */
async function lockHolder(lock: string): Promise<number | 'gone' | 'unknown'> {
  let text: string;
  try {
    text = await readFile(lock, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
  return /^[1-9]\d*\s*$/.test(text) ? Number(text) : 'unknown';
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Leaves alone a lock that is no longer this process's, e.g. one another sandbox took over after it was removed by hand. */
async function releaseLock(lock: string): Promise<void> {
  if ((await lockHolder(lock)) === process.pid) await rm(lock, { force: true });
}

/**
 * A temporary file in the same folder, then a rename: a reader (or a crash) sees the old file or the new one,
 * never half of one. Owner-only, since the file holds live tokens.
 */
export async function writeDataFile(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    const handle = await open(temporary, 'w', 0o600);
    try {
      await handle.writeFile(text);
      // Without it, a power cut after the rename can leave the new name pointing at an empty file.
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Saves soon after a change: the first change starts a short wait, changes during it ride along, and at most
 * one write is in flight (a change during a write is saved by the next one).
 */
export class DataFileWriter {
  private timer?: NodeJS.Timeout;
  private writing?: Promise<void>;
  private dirty = false;

  constructor(
    private readonly file: string,
    private readonly text: () => string,
    private readonly onError: (error: Error) => void,
    private readonly delayMs = 150,
  ) {}

  changed(): void {
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.write().catch(this.onError);
    }, this.delayMs);
    this.timer.unref();
  }

  /** Writes what is unsaved now, after any write in flight; rejects when the write fails. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.write();
  }

  private async write(): Promise<void> {
    while (this.writing) await this.writing.catch(() => undefined);
    if (!this.dirty) return;
    this.dirty = false;
    const writing = writeDataFile(this.file, this.text()).catch((error: Error) => {
      this.dirty = true;
      throw new Error(`The sandbox could not save its data file ${this.file}: ${error.message}`);
    });
    this.writing = writing.finally(() => (this.writing = undefined));
    await this.writing;
  }
}
