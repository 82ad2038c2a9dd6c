const MAX_LENGTH = 2048;
const PROBE_ORIGIN = 'http://return-to.invalid';

/**
 * Keeps a post-login destination only if it is a path on this site ("/bases/app123?x=1"). Anything
 * that could leave the site (`//host`, `/\host`, schemes, their percent-encoded forms, control
 * characters) becomes "/".
 */
export function safeReturnTo(raw: string | undefined): string {
  if (!raw || raw.length > MAX_LENGTH || !/^\/[\x21-\x7e]*$/.test(raw)) return '/';
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return '/';
  }
  for (const candidate of [raw, decoded]) {
    if (candidate.startsWith('//') || candidate.includes('\\') || /[\x00-\x1f\x7f]/.test(candidate)) return '/';
  }
  const url = new URL(raw, PROBE_ORIGIN);
  if (url.origin !== PROBE_ORIGIN) return '/';
  return url.pathname + url.search + url.hash;
}
