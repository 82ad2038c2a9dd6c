import { configNamespace } from './config-namespace';

export const connectConfig = configNamespace('connect', (env) => {
  const origins = env
    .string('CONNECT_RETURN_ORIGINS', '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  for (const origin of origins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || parsed.origin !== origin || !/^https?:$/.test(parsed.protocol)) {
      env.problem(`CONNECT_RETURN_ORIGINS must list origins such as https://app.example.com (got "${origin}")`);
    }
  }
  return {
    /** Where a connect link may send the browser back to; any other returnUrl is refused. */
    returnOrigins: origins,
    /** How long a connect link can be opened. */
    linkTtlMs: env.integer('CONNECT_LINK_TTL_MINUTES', 30) * 60_000,
  };
});

export type ConnectConfig = ReturnType<typeof connectConfig>;
