import { DataFileWriter, readDataFile } from './sandbox-data-file';
import type { SandboxRequest } from './sandbox-http';
import { parseSandboxState, restoreSandboxState, sandboxState, type StatefulSandbox } from './sandbox-state';
import type { SandboxClock } from './sandbox.options';

/** The sandbox's state kept in a data file across restarts: loaded at start, saved after changes and at close. */
export class SandboxPersistence {
  private writer?: DataFileWriter;

  constructor(
    private readonly sandbox: StatefulSandbox,
    private readonly file: string,
    private readonly clock: SandboxClock,
  ) {}

  /** Loads the saved state, if any, then saves at once, so that a file that cannot be written fails the start. */
  async open(): Promise<void> {
    let text: string | undefined;
    try {
      text = await readDataFile(this.file);
    } catch (error) {
      throw new Error(`The sandbox's data file ${this.file} cannot be read: ${(error as Error).message}`);
    }
    if (text !== undefined) {
      try {
        restoreSandboxState(this.sandbox, parseSandboxState(text));
      } catch (error) {
        throw new Error(`The sandbox's data file ${this.file} cannot be used: ${(error as Error).message}. Move it away to start afresh.`);
      }
    }
    this.writer = new DataFileWriter(
      this.file,
      () => JSON.stringify(sandboxState(this.sandbox, this.clock.now())),
      (error) => console.error(error.message),
    );
    this.writer.changed();
    await this.writer.flush();
  }

  /** GETs change nothing that is saved, except reading a webhook's payloads, which extends its life. */
  noteRequest(req: Pick<SandboxRequest, 'method' | 'path'>): void {
    if (req.method !== 'GET' || req.path.startsWith('/v0/bases/')) this.writer?.changed();
  }

  /** Saves what is unsaved, e.g. a test control's change made since the last request. */
  async close(): Promise<void> {
    this.writer?.changed();
    await this.writer?.flush();
  }
}
