import type { IncomingHttpHeaders } from 'node:http';

export interface SandboxRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface SandboxResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): SandboxResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) };
}

export function htmlPage(status: number, body: string): SandboxResponse {
  return { status, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }, body };
}

export function redirectTo(target: string, params: Record<string, string>): SandboxResponse {
  const url = new URL(target);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return { status: 302, headers: { location: url.toString(), 'cache-control': 'no-store' } };
}

/** The single value of a parameter, or `repeated` when it was sent more than once. */
export function single(params: URLSearchParams, name: string): string | undefined | typeof REPEATED {
  const values = params.getAll(name);
  if (values.length > 1) return REPEATED;
  return values[0];
}

export const REPEATED = Symbol('repeated');
