const MAX_LENGTH = 2048;
const PROBE_ORIGIN = 'http://return-to.invalid';

/**
 * Keeps a post-login destination only if it is a path on this site ("/bases/app123?x=1"). Anything
 * that could leave the site (`//host`, `/\host`, schemes, their percent-encoded forms, control
 * characters) becomes "/". The path is checked as sent and again after URL normalisation, which
 * resolves dot segments: "/.//host" and "/a/%2e%2e//host" only turn into "//host" there.
 */
export function safeReturnTo(raw: string | undefined): string {
  if (!raw || raw.length > MAX_LENGTH || !/^\/[\x21-\x7e]*$/.test(raw)) return '/';
  const url = new URL(raw, PROBE_ORIGIN);
  if (url.origin !== PROBE_ORIGIN) return '/';
  const normalised = url.pathname + url.search + url.hash;
  return isSafePath(raw) && isSafePath(normalised) ? normalised : '/';
}

function isSafePath(path: string): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return false;
  }
  return [path, decoded].every(
    // The control characters in the pattern are the point: a return path must not contain any.
    // eslint-disable-next-line no-control-regex
    (candidate) => candidate.startsWith('/') && !candidate.startsWith('//') && !candidate.includes('\\') && !/[\x00-\x1f\x7f]/.test(candidate),
  );
}
