import type { AbstractHttpAdapter } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { bodyDepthError, MAX_BODY_DEPTH } from './common/body-depth';
import type { HttpConfig } from './config/http.config';

/**
 * Options every application gets with its adapter. The raw JSON body is kept (`req.rawBody`): a
 * webhook notification's MAC is over its exact bytes. Express takes it from the parser above, Fastify
 * from this option.
 */
export const APP_OPTIONS = { rawBody: true } as const;

/**
 * The HTTP adapter, chosen before the application exists: Express by default, Fastify with
 * HTTP_ADAPTER=fastify. TRUST_PROXY (whose X-Forwarded-For names the client) is given to either, and
 * either refuses a body nested too deep as soon as it is parsed, before any guard, pipe or handler.
 */
export function createHttpAdapter({ adapter, trustProxy, maxBodyBytes }: HttpConfig): AbstractHttpAdapter {
  if (adapter === 'fastify') {
    // On shutdown, close kept-alive connections too instead of waiting for clients to drop them.
    const fastify = new FastifyAdapter({ trustProxy, forceCloseConnections: true, bodyLimit: maxBodyBytes });
    fastify.getInstance().addHook('preValidation', (req, _reply, done) => done(bodyDepthError(req.body)));
    return fastify;
  }
  const express = new ExpressAdapter();
  // Registered before Nest's defaults, which it then leaves out: the same limit as Fastify's, the raw body kept.
  express.useBodyParser('json', true, { limit: maxBodyBytes });
  express.useBodyParser('urlencoded', false, { limit: maxBodyBytes, extended: true, depth: MAX_BODY_DEPTH });
  express.use((req: { body?: unknown }, _res: unknown, next: (error?: unknown) => void) => next(bodyDepthError(req.body)));
  express.set('trust proxy', trustProxy);
  // Pages and JSON here are per user and sent with no-store, so an ETag is never used; Express would
  // hash every body for one (Fastify sends none, so both adapters answer alike).
  express.set('etag', false);
  return express;
}
