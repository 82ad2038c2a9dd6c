export interface DemoBannerFacts {
  serviceUrl: string;
  sandboxUrl: string;
  apiKey: string;
  dir: string;
}

/** What the person who ran `npm run demo` needs, printed after every start-up line. */
export function demoBanner({ serviceUrl, sandboxUrl, apiKey, dir }: DemoBannerFacts): string {
  return [
    '',
    '  ==========================================================',
    '   SANDBOX MODE: Airtable itself is not used.',
    `   Airtable is emulated locally at ${sandboxUrl}`,
    `   Open ${serviceUrl} and click "Connect Airtable".`,
    `   Demo API key (every scope): ${apiKey}`,
    `   Connections, keys and sandbox data are kept in ${dir}`,
    '   (delete that folder to start over). Ctrl-C stops the demo.',
    '  ==========================================================',
    '',
  ].join('\n');
}
