import type { Response } from 'supertest';

/** The Set-Cookie line for `name` in a response, or undefined. */
export function setCookie(res: Response, name: string): string | undefined {
  const header = res.headers['set-cookie'] as unknown as string[] | undefined;
  return header?.find((line) => line.startsWith(`${name}=`));
}

export function cookieValue(line: string | undefined): string | undefined {
  return line?.split(';')[0].split('=').slice(1).join('=');
}
