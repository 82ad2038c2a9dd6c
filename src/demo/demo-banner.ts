import { resolve } from 'node:path';
import { demoDatabasePath } from './demo-folder';

/** The database the service opened: a PostgreSQL URL, else a SQLite file. */
interface DatabaseLocation {
  url?: string;
  path: string;
}

export interface DemoBannerFacts {
  serviceUrl: string;
  sandboxUrl: string;
  apiKey: string;
  dir: string;
  database: DatabaseLocation;
}

/** What the person who ran `npm run demo` needs, printed after every start-up line. */
export function demoBanner({ serviceUrl, sandboxUrl, apiKey, dir, database }: DemoBannerFacts): string {
  const inDemoFolder = !database.url && resolve(database.path) === demoDatabasePath(dir);
  const kept = inDemoFolder
    ? [
      `   Database: ${demoDatabasePath(dir)}`,
      `   Connections, keys and sandbox data are kept in ${dir}`,
      '   (delete that folder to start over). Ctrl-C stops the demo.',
    ]
    : [
      `   Database: ${databaseName(database)}, from ${database.url ? 'DATABASE_URL' : 'DATABASE_PATH'} (not the demo folder's):`,
      `   connections and keys are kept there; secrets and sandbox data in ${dir}.`,
      '   Ctrl-C stops the demo.',
    ];
  return [
    '',
    '  ==========================================================',
    '   SANDBOX MODE: Airtable itself is not used.',
    `   Airtable is emulated locally at ${sandboxUrl}`,
    `   Open ${serviceUrl} and click "Connect Airtable".`,
    `   Demo API key (every scope but credentials:read): ${apiKey}`,
    ...kept,
    '  ==========================================================',
    '',
  ].join('\n');
}

/** The database as a person may see it: a URL's protocol, host, port and database name, never its credentials or options. */
export function databaseName({ url, path }: DatabaseLocation): string {
  if (!url) return path === ':memory:' ? ':memory: (gone when the demo stops)' : resolve(path);
  try {
    const { protocol, host, pathname } = new URL(url);
    return `${protocol}//${host}${pathname}`;
  } catch {
    return 'the PostgreSQL database DATABASE_URL names';
  }
}
