import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
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

/**
 * A temporary file in the same folder, then a rename: a reader (or a crash) sees the old file or the new one,
 * never half of one. Owner-only, since the file holds live tokens.
 */
export async function writeDataFile(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    await writeFile(temporary, text, { mode: 0o600 });
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
