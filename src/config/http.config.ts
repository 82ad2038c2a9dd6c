import { configNamespace } from './config-namespace';

/** "false", "true", a hop count, or addresses/subnets/names ("loopback", "10.0.0.0/8,127.0.0.1"). */
function parseTrustProxy(raw: string): boolean | number | string {
  if (raw === 'false' || raw === 'true') return raw === 'true';
  return /^\d+$/.test(raw) ? Number(raw) : raw;
}

export const httpConfig = configNamespace('http', (env) => {
  const adapter = env.string('HTTP_ADAPTER', 'express');
  if (adapter !== 'express' && adapter !== 'fastify') env.problem(`HTTP_ADAPTER must be express or fastify (got "${adapter}")`);
  return {
    port: env.integer('PORT', 4000, 0),
    /** Empty: the default of the mode (see loadConfig). */
    host: env.string('HOST', ''),
    adapter: adapter as 'express' | 'fastify',
    /** Whose X-Forwarded-For names the client (Express's and Fastify's `trust proxy`). */
    trustProxy: parseTrustProxy(env.string('TRUST_PROXY', 'false')),
    /** The largest JSON or form body accepted (a write of thousands of records fits in the default). */
    maxBodyBytes: env.integer('HTTP_MAX_BODY_BYTES', 1024 * 1024),
  };
});

export type HttpConfig = ReturnType<typeof httpConfig>;
