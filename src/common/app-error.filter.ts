import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AppError } from './app-error';
import { ERRORS, ErrorCode } from './error-codes';
import type { HttpRequest } from './http-exchange';
import { html, page } from './html';
import { StoreQueryError } from '../storage/store-unavailable';

/** Errors whose way out is signing in: the JSON says where (`loginUrl`), the page links to it. */
const NEEDS_LOGIN = new Set<ErrorCode>([ErrorCode.Unauthenticated, ErrorCode.ReauthRequired]);

const LOGIN_PATH = '/auth/login';

/**
 * The one place that maps errors to HTTP: a status, a stable code and a fixed human message, as JSON,
 * or as a small HTML page for browsers (requests that accept text/html). Nothing of the request is
 * echoed, and no error response may be cached.
 */
@Catch()
export class AppErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const { httpAdapter } = this.adapterHost;
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<HttpRequest>();
    const res = ctx.getResponse<object>();
    const { code, message, status } = this.describe(exception);
    const retryAfter = exception instanceof AppError ? exception.retryAfterSeconds : undefined;
    if (retryAfter !== undefined) httpAdapter.setHeader(res, 'Retry-After', String(retryAfter));

    httpAdapter.setHeader(res, 'Cache-Control', 'no-store');
    httpAdapter.setHeader(res, 'Referrer-Policy', 'no-referrer');
    if (wantsHtml(req)) {
      httpAdapter.setHeader(res, 'Content-Type', 'text/html; charset=utf-8');
      httpAdapter.reply(res, errorPage(code, message, retryUrlOf(exception)), status);
      return;
    }
    const details = exception instanceof AppError ? exception.details : undefined;
    const body = { statusCode: status, code, message, ...details, ...(NEEDS_LOGIN.has(code) ? { loginUrl: LOGIN_PATH } : {}) };
    httpAdapter.reply(res, body, status);
  }

  private describe(exception: unknown): { code: ErrorCode; message: string; status: number } {
    if (exception instanceof AppError) return { code: exception.code, message: exception.message, status: ERRORS[exception.code].status };
    const status = clientErrorStatus(exception);
    if (status !== undefined) {
      const code = status === HttpStatus.NOT_FOUND ? ErrorCode.NotFound
        : status === HttpStatus.PAYLOAD_TOO_LARGE ? ErrorCode.PayloadTooLarge
        : ErrorCode.InvalidRequest;
      return { code, message: ERRORS[code].message, status };
    }
    // Only the class name, and a driver's error code: messages of unexpected errors can carry request
    // data or tokens.
    const driverCode = exception instanceof StoreQueryError ? ` (${exception.code})` : '';
    this.logger.error(`Unexpected ${exception instanceof Error ? exception.name : typeof exception}${driverCode}`);
    return { code: ErrorCode.Internal, message: ERRORS[ErrorCode.Internal].message, status: HttpStatus.INTERNAL_SERVER_ERROR };
  }
}

/**
 * The 4xx of a client error raised before any handler ran: Nest's own exceptions (unknown route, wrong
 * method), and the body parsers' errors, which Express's body-parser raises as http-errors
 * (`expose: true`, a `status`: too large, malformed, too deep) and Fastify with a `statusCode`.
 */
function clientErrorStatus(exception: unknown): number | undefined {
  if (exception instanceof HttpException) return exception.getStatus() < 500 ? exception.getStatus() : undefined;
  if (!(exception instanceof Error)) return undefined;
  const { status, statusCode, expose } = exception as { status?: unknown; statusCode?: unknown; expose?: unknown };
  const candidate = expose === true ? status : statusCode;
  return typeof candidate === 'number' && candidate >= 400 && candidate < 500 ? candidate : undefined;
}

function wantsHtml(req: HttpRequest): boolean {
  const accept = String(req.headers.accept ?? '');
  return accept.includes('text/html');
}

/**
 * Where the page's "Try again" goes, when the thrower knows (`details.retryUrl`, a path on this site):
 * a failed sign-in starts again at the login, a connect link's login at the link's page. Callback
 * errors that cannot tell whose login failed (an unknown state) carry none: sending a connect link's
 * person to this service's own sign-in would give them a connection that belongs to no end user.
 */
function retryUrlOf(exception: unknown): string | undefined {
  const retryUrl = exception instanceof AppError ? exception.details?.retryUrl : undefined;
  return typeof retryUrl === 'string' && /^\/(?![/\\])/.test(retryUrl) ? retryUrl : undefined;
}

function errorPage(code: ErrorCode, message: string, retryUrl: string | undefined): string {
  const retry = retryUrl ?? (NEEDS_LOGIN.has(code) ? LOGIN_PATH : undefined);
  const way = retry ? html`<a class="button" href="${retry}">Try again</a>` : html`<a class="button" href="/">Back to the start</a>`;
  return page(
    'Something went wrong',
    html`<div class="card error"><h1>Something went wrong</h1><p>${message}</p>
<p>Error code: <code>${code}</code></p><p>${way}</p></div>`,
  );
}
