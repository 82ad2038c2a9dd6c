import { Body, Controller, Get, type INestApplication, type LoggerService, Param, Post } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import request, { type Response } from 'supertest';
import { testConfig } from '../../test/support/config';
import { createHttpAdapter } from '../http-adapter';
import { AppError, ErrorCode } from './app-error';
import { AppErrorFilter } from './app-error.filter';
import { withinTime } from '../storage/store-unavailable';
import { ERRORS } from './error-codes';

const CUSTOM_MESSAGE = 'Use <b>this</b> & "that" instead.';
const ESCAPED_CUSTOM_MESSAGE = 'Use &lt;b&gt;this&lt;/b&gt; &amp; &quot;that&quot; instead.';
const SECRET = 'secret token abc';
const HTML = 'text/html,application/xhtml+xml';

function asErrorCode(value: string): ErrorCode {
  const code = Object.values(ErrorCode).find((c) => c === value);
  if (!code) throw new Error(`No error code ${value}`);
  return code;
}

@Controller('fail')
class FailingController {
  @Get('code/:code')
  code(@Param('code') code: string): never {
    throw new AppError(asErrorCode(code));
  }

  @Get('custom')
  custom(): never {
    throw new AppError(ErrorCode.UpstreamRejected, { message: CUSTOM_MESSAGE });
  }

  @Get('retry-at/:where')
  retryAt(@Param('where') where: string): never {
    throw new AppError(ErrorCode.AccessDenied, { details: { retryUrl: where === 'link' ? '/connect/abc' : where === 'away' ? '//evil.example/' : 'https://evil.example/' } });
  }

  @Get('retry-later')
  retryLater(): never {
    throw new AppError(ErrorCode.RefreshUnavailable, { retryAfterSeconds: 7 });
  }

  @Get('refused-statement')
  async refusedStatement(): Promise<never> {
    const duplicate = Object.assign(new Error('duplicate key value violates unique constraint "x" (secret)'), { code: '23505' });
    return withinTime(Promise.reject(duplicate), 1_000);
  }

  @Get('unexpected')
  unexpected(): never {
    throw new Error(SECRET);
  }

  @Post('body')
  body(@Body() body: object): object {
    return body;
  }
}

interface LogEntry {
  level: string;
  message: unknown;
  params: unknown[];
}

/** Nest's logger output, kept for the assertions instead of printed. */
class CapturedLogger implements LoggerService {
  readonly entries: LogEntry[] = [];
  log = this.capture('log');
  error = this.capture('error');
  warn = this.capture('warn');
  debug = this.capture('debug');
  verbose = this.capture('verbose');
  fatal = this.capture('fatal');

  private capture(level: string) {
    return (message: unknown, ...params: unknown[]) => void this.entries.push({ level, message, params });
  }
}

function expectNoStore(res: Response): void {
  expect(res.headers['cache-control']).toBe('no-store');
}

function expectHtmlPage(res: Response, status: number): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
  expect(res.text).toMatch(/^<!doctype html>/);
  expectNoStore(res);
}

describe(`AppErrorFilter on ${process.env.HTTP_ADAPTER ?? 'express'}`, () => {
  const logs = new CapturedLogger();
  let app: INestApplication;
  let origin: string;

  beforeAll(async () => {
    const config = testConfig({ HTTP_ADAPTER: process.env.HTTP_ADAPTER ?? 'express' });
    const moduleRef = await Test.createTestingModule({
      controllers: [FailingController],
      providers: [{ provide: APP_FILTER, useClass: AppErrorFilter }],
    }).compile();
    app = moduleRef.createNestApplication(createHttpAdapter(config.http), { logger: logs });
    await app.listen(0, '127.0.0.1');
    origin = await app.getUrl();
  });

  afterAll(() => app?.close());
  beforeEach(() => logs.entries.splice(0));

  const get = (path: string, accept = 'application/json') => request(origin).get(path).set('Accept', accept);

  describe('an AppError', () => {
    it.each([
      ErrorCode.InvalidState,
      ErrorCode.AccessDenied,
      ErrorCode.BaseNotAccessible,
      ErrorCode.RateLimited,
      ErrorCode.StoreUnavailable,
      ErrorCode.UpstreamTimeout,
    ])('%s: its status and default message, as JSON', async (code) => {
      const res = await get(`/fail/code/${code}`);
      const { status, message } = ERRORS[code];
      expect(res.status).toBe(status);
      expect(res.body).toEqual({ statusCode: status, code, message });
      expect(res.headers['retry-after']).toBeUndefined();
      expectNoStore(res);
    });

    it.each([ErrorCode.Unauthenticated, ErrorCode.ReauthRequired])('%s: with where to sign in', async (code) => {
      const res = await get(`/fail/code/${code}`);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ statusCode: 401, code, message: ERRORS[code].message, loginUrl: '/auth/login' });
      expectNoStore(res);
    });

    it.each([
      [ErrorCode.Unauthenticated, 'Try again', '/auth/login'],
      [ErrorCode.ReauthRequired, 'Try again', '/auth/login'],
      // A callback's error that does not say whose login failed may be a connect link's: not to the sign-in.
      [ErrorCode.InvalidState, 'Back to the start', '/'],
      [ErrorCode.AccessDenied, 'Back to the start', '/'],
      [ErrorCode.StoreUnavailable, 'Back to the start', '/'],
    ])('%s: as a page for browsers, with the way out (%s, %s)', async (code, label, way) => {
      const res = await get(`/fail/code/${code}`, HTML);
      expectHtmlPage(res, ERRORS[code].status);
      expect(res.text).toContain(`<p>${ERRORS[code].message}</p>`);
      expect(res.text).toContain(`<code>${code}</code>`);
      expect(res.text).toContain(`<a class="button" href="${way}">${label}</a>`);
    });

    it('with the way back its thrower names (retryUrl), on the page and in the JSON', async () => {
      const page = await get('/fail/retry-at/link', HTML);
      expectHtmlPage(page, 403);
      expect(page.text).toContain('<a class="button" href="/connect/abc">Try again</a>');
      const json = await get('/fail/retry-at/link');
      expect(json.body).toEqual({ statusCode: 403, code: ErrorCode.AccessDenied, message: ERRORS[ErrorCode.AccessDenied].message, retryUrl: '/connect/abc' });
    });

    it.each(['away', 'absolute'])('never with a retryUrl that leaves this site (%s)', async (where) => {
      const page = await get(`/fail/retry-at/${where}`, HTML);
      expect(page.text).toContain('<a class="button" href="/">Back to the start</a>');
      expect(page.text).not.toContain('evil');
    });

    it('with a message of its own, escaped on the page', async () => {
      const json = await get('/fail/custom');
      expect(json.status).toBe(422);
      expect(json.body).toEqual({ statusCode: 422, code: ErrorCode.UpstreamRejected, message: CUSTOM_MESSAGE });
      expectNoStore(json);
      const page = await get('/fail/custom', HTML);
      expectHtmlPage(page, 422);
      expect(page.text).toContain(ESCAPED_CUSTOM_MESSAGE);
      expect(page.text).not.toContain('<b>');
    });

    it('with Retry-After from retryAfterSeconds', async () => {
      for (const accept of ['application/json', HTML]) {
        const res = await get('/fail/retry-later', accept);
        expect(res.status).toBe(503);
        expect(res.headers['retry-after']).toBe('7');
        expectNoStore(res);
      }
    });
  });

  describe('an unknown route', () => {
    const probe = '/probe-path/%3Cscript%3Ealert(1)%3C%2Fscript%3E?probe-query=%3Cimg%20src%3Dx%3E';
    const echo = /probe|<script|alert\(1\)|<img|%3C/i;

    it('is 404 not_found with the fixed message, nothing of the address echoed', async () => {
      const res = await get(probe);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ statusCode: 404, code: ErrorCode.NotFound, message: ERRORS[ErrorCode.NotFound].message });
      expect(res.text).not.toMatch(echo);
      expectNoStore(res);
    });

    it('is a 404 page with nothing of the address in it', async () => {
      const res = await get(probe, HTML);
      expectHtmlPage(res, 404);
      expect(res.text).toContain(`<code>${ErrorCode.NotFound}</code>`);
      expect(res.text).not.toMatch(echo);
    });
  });

  describe('a body the parser refuses', () => {
    const post = (body: string, accept = 'application/json') =>
      request(origin).post('/fail/body').set('Content-Type', 'application/json').set('Accept', accept).send(body);

    it('is 413 payload_too_large when too large', async () => {
      const large = JSON.stringify({ a: 'x'.repeat(2 * 1024 * 1024) });
      const res = await post(large);
      expect(res.status).toBe(413);
      expect(res.body).toEqual({ statusCode: 413, code: ErrorCode.PayloadTooLarge, message: ERRORS[ErrorCode.PayloadTooLarge].message });
      expectNoStore(res);
      const page = await post(large, HTML);
      expectHtmlPage(page, 413);
      expect(page.text).toContain(`<code>${ErrorCode.PayloadTooLarge}</code>`);
    });

    it('is 400 invalid_request when malformed, nothing of it echoed', async () => {
      const res = await post('{"<marker>": ');
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ statusCode: 400, code: ErrorCode.InvalidRequest, message: ERRORS[ErrorCode.InvalidRequest].message });
      expect(res.text).not.toContain('marker');
      expectNoStore(res);
    });

    it('leaves a body within the limits alone', async () => {
      const res = await post(JSON.stringify({ a: 1 }));
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ a: 1 });
    });
  });

  describe('an unexpected error', () => {
    it('is 500 internal_error, its message neither sent nor logged', async () => {
      const res = await get('/fail/unexpected');
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ statusCode: 500, code: ErrorCode.Internal, message: ERRORS[ErrorCode.Internal].message });
      expectNoStore(res);
      const page = await get('/fail/unexpected', HTML);
      expectHtmlPage(page, 500);
      expect(page.text).toContain(`<code>${ErrorCode.Internal}</code>`);
      for (const body of [res.text, page.text]) expect(body).not.toMatch(/secret|abc/);

      const errors = logs.entries.filter((entry) => entry.level === 'error');
      expect(errors).toEqual([
        { level: 'error', message: 'Unexpected Error', params: [undefined, 'Errors'] },
        { level: 'error', message: 'Unexpected Error', params: [undefined, 'Errors'] },
      ]);
      expect(JSON.stringify(logs.entries)).not.toMatch(/secret|abc/);
    });

    it('is 500 internal_error for a statement the store refused, logged with its class and code, never as an outage', async () => {
      const res = await get('/fail/refused-statement');
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ statusCode: 500, code: ErrorCode.Internal, message: ERRORS[ErrorCode.Internal].message });
      const errors = logs.entries.filter((entry) => entry.level === 'error');
      expect(errors).toEqual([{ level: 'error', message: 'Unexpected StoreQueryError (23505)', params: [undefined, 'Errors'] }]);
      expect(JSON.stringify(logs.entries) + res.text).not.toMatch(/secret|duplicate/);
    });
  });
});
