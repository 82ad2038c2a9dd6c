import { Inject, Injectable } from '@nestjs/common';
import { AppError, ErrorCode } from '../common/app-error';
import { airtableConfig, type AirtableConfig } from '../config/airtable.config';
import { upstreamFetch } from './upstream-fetch';

export interface AirtableUser {
  id: string;
  email?: string;
  scopes: string[];
}

/** Airtable's Web API. The bearer token only ever travels in the Authorization header. */
@Injectable()
export class AirtableApiClient {
  constructor(@Inject(airtableConfig.KEY) private readonly config: AirtableConfig) {}

  async whoami(accessToken: string): Promise<AirtableUser> {
    const body = await this.get('/v0/meta/whoami', accessToken);
    const { id, email, scopes } = body;
    if (typeof id !== 'string' || !Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string')) {
      throw invalidResponse();
    }
    return { id, scopes, ...(typeof email === 'string' ? { email } : {}) };
  }

  private async get(path: string, accessToken: string): Promise<Record<string, unknown>> {
    const response = await upstreamFetch(
      new URL(path, this.config.apiUrl),
      { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' } },
      this.config,
    );
    if (response.status !== 200) throw statusError(response.status);
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      throw invalidResponse();
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidResponse();
    return body as Record<string, unknown>;
  }
}

function statusError(status: number): AppError {
  if (status === 401) return new AppError(ErrorCode.Unauthenticated, 'Airtable no longer accepts this connection. Please connect again.');
  return new AppError(ErrorCode.UpstreamError, `Airtable answered with status ${status}.`);
}

function invalidResponse(): AppError {
  return new AppError(ErrorCode.UpstreamError, 'Airtable sent an invalid response.');
}
