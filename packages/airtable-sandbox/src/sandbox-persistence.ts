import { type DataFileLock, DataFileWriter, lockDataFile, readDataFile } from './sandbox-data-file';
import type { SandboxRequest } from './sandbox-http';
import { parseSandboxState, restoreSandboxState, sandboxState, type StatefulSandbox } from './sandbox-state';
import type { SandboxClock } from './sandbox.options';

/** The sandbox's state kept in a data file across restarts: loaded at start, saved after changes and at close. */
export class SandboxPersistence {
  private writer?: DataFileWriter;
  private lock?: DataFileLock;

  constructor(
    private readonly sandbox: StatefulSandbox,
    private readonly file: string,
    private readonly clock: SandboxClock,
  ) {}

  /**
   * Locks the file, loads the saved state, if any, then saves at once, so that a file that cannot be written
   * fails the start. A file another running sandbox uses fails the start before anything is read.
   */
  async open(): Promise<void> {
    this.lock = await lockDataFile(this.file);
    try {
      await this.load();
      this.writer = new DataFileWriter(
        this.file,
        () => JSON.stringify(sandboxState(this.sandbox, this.clock.now())),
        (error) => console.error(error.message),
      );
      this.writer.changed();
      await this.writer.flush();
    } catch (error) {
      await this.releaseLock();
      throw error;
    }
  }

  /** GETs change nothing that is saved, except reading a webhook's payloads, which extends its life. */
  noteRequest(req: Pick<SandboxRequest, 'method' | 'path'>): void {
    if (req.method !== 'GET' || req.path.startsWith('/v0/bases/')) this.writer?.changed();
  }

  /** A change made outside a request: a test control's, or a ping's result. */
  changed(): void {
    this.writer?.changed();
  }

  /** Saves what is unsaved, then lets another sandbox use the file. */
  async close(): Promise<void> {
    try {
      this.writer?.changed();
      await this.writer?.flush();
    } finally {
      this.writer = undefined;
      await this.releaseLock();
    }
  }

  private async load(): Promise<void> {
    let text: string | undefined;
    try {
      text = await readDataFile(this.file);
    } catch (error) {
      throw new Error(`The sandbox's data file ${this.file} cannot be read: ${(error as Error).message}`);
    }
    if (text === undefined) return;
    try {
      restoreSandboxState(this.sandbox, parseSandboxState(text));
    } catch (error) {
      throw new Error(`The sandbox's data file ${this.file} cannot be used: ${(error as Error).message}. Move it away to start afresh.`);
    }
  }

  private async releaseLock(): Promise<void> {
    const lock = this.lock;
    this.lock = undefined;
    await lock?.release();
  }
}
