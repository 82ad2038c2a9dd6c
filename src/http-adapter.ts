import type { AbstractHttpAdapter } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { EnvReader } from './config/env-reader';

/** "false", "true", a hop count, or addresses/subnets/names ("loopback", "10.0.0.0/8,127.0.0.1"). */
function parseTrustProxy(raw: string): boolean | number | string {
  if (raw === 'false' || raw === 'true') return raw === 'true';
  return /^\d+$/.test(raw) ? Number(raw) : raw;
}

/**
 * The HTTP adapter, chosen before the application exists: Express by default, Fastify with
 * HTTP_ADAPTER=fastify. TRUST_PROXY (whose X-Forwarded-For names the client) is given to either.
 */
export function createHttpAdapter(env: NodeJS.ProcessEnv = process.env): AbstractHttpAdapter {
  const reader = new EnvReader(env);
  const kind = reader.string('HTTP_ADAPTER', 'express');
  const trustProxy = parseTrustProxy(reader.string('TRUST_PROXY', 'false'));
  if (kind !== 'express' && kind !== 'fastify') reader.problem(`HTTP_ADAPTER must be express or fastify (got "${kind}")`);
  reader.done('HTTP');
  // On shutdown, close kept-alive connections too instead of waiting for clients to drop them.
  if (kind === 'fastify') return new FastifyAdapter({ trustProxy, forceCloseConnections: true });
  const express = new ExpressAdapter();
  express.set('trust proxy', trustProxy);
  // Pages and JSON here are per user and sent with no-store, so an ETag is never used; Express would
  // hash every body for one (Fastify sends none, so both adapters answer alike).
  express.set('etag', false);
  return express;
}
