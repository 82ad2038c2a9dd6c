import { Inject, Injectable } from '@nestjs/common';
import { AirtableRecordsClient } from '../airtable/airtable-records.client';
import { AppError, ErrorCode } from '../common/app-error';
import { ERRORS } from '../common/error-codes';
import { recordsConfig, type RecordsConfig } from '../config/records.config';
import type { StoredConnection } from '../connections/connection.store';
import { TokenService } from '../connections/token.service';
import { fingerprint } from './fingerprint';
import { type HeldKey, type IdempotencyScope, IdempotencyStore, type WriteOutcome, type WriteProgress } from './idempotency.store';
import { requireScope, WRITE_SCOPE } from './record-scope';
import type { WriteRequest } from './write-request';

/** Where a write goes: the base paces it, the table receives it. */
export interface WriteTarget {
  baseId: string;
  table: string;
}

type Chunk = { records: unknown[]; createdRecords?: string[]; updatedRecords?: string[] };
type Sender = (token: string, items: unknown[]) => Promise<Chunk>;

/**
 * Writes any number of records as Airtable takes them: in order, in chunks of at most 10, each
 * chunk waiting for its base's turn. A failed chunk stops the write, and the error says what was
 * written and from which index on nothing was. With an Idempotency-Key the first answer is kept
 * and replayed, and progress is saved after every chunk, so a write cut short by a crash resumes
 * where it stopped instead of starting again.
 */
@Injectable()
export class RecordWriterService {
  constructor(
    private readonly client: AirtableRecordsClient,
    private readonly tokens: TokenService,
    private readonly idempotency: IdempotencyStore,
    @Inject(recordsConfig.KEY) private readonly config: RecordsConfig,
  ) {}

  write(stored: StoredConnection, target: WriteTarget, request: WriteRequest, key?: string): Promise<Record<string, unknown>> {
    const { baseId, table } = target;
    const send: Sender = (token, records) =>
      this.client.writeRecords(token, baseId, table, request.method, { ...request.options, records });
    return this.run(stored, request.records, send, key === undefined ? undefined : { key, request: [target, request] });
  }

  delete(stored: StoredConnection, target: WriteTarget, recordIds: string[], key?: string): Promise<Record<string, unknown>> {
    const send: Sender = async (token, ids) => ({ records: await this.client.deleteRecords(token, target.baseId, target.table, ids as string[]) });
    return this.run(stored, recordIds, send, key === undefined ? undefined : { key, request: [target, 'DELETE', recordIds] });
  }

  private async run(
    stored: StoredConnection, items: unknown[], send: Sender, idempotent?: { key: string; request: unknown },
  ): Promise<Record<string, unknown>> {
    requireScope(stored, WRITE_SCOPE);
    if (!idempotent) return this.send(stored, items, send, { next: 0, records: [] });
    const scope: IdempotencyScope = { connectionId: stored.connection.id, key: idempotent.key };
    const claim = await this.idempotency.claim(scope, fingerprint(idempotent.request), this.config.idempotencyLeaseMs, this.config.idempotencyTtlMs);
    switch (claim.kind) {
      case 'finished':
        return replay(claim.outcome);
      case 'mismatch':
        throw new AppError(ErrorCode.IdempotencyKeyReused);
      case 'running':
        throw new AppError(ErrorCode.IdempotencyKeyInUse, { retryAfterSeconds: 1 });
    }
    const held = claim.key;
    const start = claim.progress ?? { next: 0, records: [] };
    let body: Record<string, unknown>;
    try {
      body = await this.send(stored, items, send, start, held);
    } catch (error) {
      // Written in part: that answer is the outcome. Nothing written: a retry may start afresh. If the
      // store cannot take either, the lease runs out and a retry resumes from the last saved progress.
      const partial = error instanceof AppError && error.details?.notWrittenFrom !== undefined;
      const settled = !partial
        ? this.idempotency.release(held)
        : RETRYABLE.has((error as AppError).code)
          ? // Cut short by something that passes (a 429, Airtable or the store down): a retry with the key resumes.
            this.idempotency.saveProgress(held, progressOf(error as AppError), 0)
          : this.idempotency.finish(held, failure(error as AppError));
      await settled.catch(() => undefined);
      throw error;
    }
    await this.idempotency.finish(held, { ok: true, body });
    return body;
  }

  private async send(
    stored: StoredConnection, items: unknown[], send: Sender, start: WriteProgress, held?: HeldKey,
  ): Promise<Record<string, unknown>> {
    let progress = start;
    const { chunkSize } = this.config;
    while (progress.next < items.length) {
      const chunk = items.slice(progress.next, progress.next + chunkSize);
      try {
        const written = await this.tokens.withAccessToken(stored, (token) => send(token, chunk));
        progress = advance(progress, written, chunk.length);
        // Stops at once if the store fails: every chunk written is one its progress knows of, bar this one.
        if (held) await this.idempotency.saveProgress(held, progress, this.config.idempotencyLeaseMs);
      } catch (error) {
        throw cutShort(error, progress, items.length);
      }
    }
    return answer(progress);
  }
}

function advance(progress: WriteProgress, written: Chunk, sent: number): WriteProgress {
  const merged: WriteProgress = { next: progress.next + sent, records: [...progress.records, ...written.records] };
  if (written.createdRecords) merged.createdRecords = [...(progress.createdRecords ?? []), ...written.createdRecords];
  if (written.updatedRecords) merged.updatedRecords = [...(progress.updatedRecords ?? []), ...written.updatedRecords];
  return merged;
}

function answer({ records, createdRecords, updatedRecords }: WriteProgress): Record<string, unknown> {
  return { records, ...(createdRecords ? { createdRecords } : {}), ...(updatedRecords ? { updatedRecords } : {}) };
}

/** The chunk's own error when nothing was written yet; otherwise the same code with what was. */
function cutShort(error: unknown, progress: WriteProgress, total: number): unknown {
  if (progress.next === 0) return error;
  const cause = error instanceof AppError ? error : new AppError(ErrorCode.Internal, { cause: error });
  return new AppError(cause.code, {
    cause: error,
    message: `${cause.message} ${progress.next} of ${total} records were written; none from index ${progress.next} on.`,
    retryAfterSeconds: cause.retryAfterSeconds,
    details: { ...cause.details, written: answer(progress), notWrittenFrom: progress.next },
  });
}

const RETRYABLE = new Set<ErrorCode>([
  ErrorCode.RateLimited,
  ErrorCode.UpstreamTimeout,
  ErrorCode.UpstreamUnavailable,
  ErrorCode.UpstreamError,
  ErrorCode.RefreshUnavailable,
  ErrorCode.StoreUnavailable,
]);

function progressOf(error: AppError): WriteProgress {
  const written = error.details!.written as Record<string, unknown>;
  return { ...(written as Omit<WriteProgress, 'next'>), next: error.details!.notWrittenFrom as number };
}

function failure(error: AppError): WriteOutcome {
  return { ok: false, code: error.code, message: error.message, details: error.details, retryAfterSeconds: error.retryAfterSeconds };
}

function replay(outcome: WriteOutcome): Record<string, unknown> {
  if (outcome.ok) return outcome.body;
  throw new AppError(outcome.code, {
    message: outcome.message ?? ERRORS[outcome.code].message, details: outcome.details, retryAfterSeconds: outcome.retryAfterSeconds,
  });
}
