import { ErrorCode } from '../common/app-error';
import { parseCallback } from './callback-params';

const STATE = 'S'.repeat(43);
const ISSUER = 'https://airtable.com';

describe('parseCallback', () => {
  it('reads a code response', () => {
    const parsed = parseCallback(`code=abc&state=${STATE}`, ISSUER);
    expect(parsed.kind).toBe('code');
    expect(parsed.state).toBe(STATE);
    expect(parsed.kind === 'code' && parsed.params.get('code')).toBe('abc');
  });

  it('reads an error response without keeping its description', () => {
    const parsed = parseCallback(`error=access_denied&error_description=%3Cb%3E&state=${STATE}`, ISSUER);
    expect(parsed).toEqual({ kind: 'error', state: STATE, error: 'access_denied' });
  });

  it('checks the state before the error: an error with a bad state is invalid_state', () => {
    expect(() => parseCallback('error=access_denied&state=short', ISSUER)).toThrow(
      expect.objectContaining({ code: ErrorCode.InvalidState }),
    );
  });

  it('accepts the expected iss and refuses another', () => {
    expect(parseCallback(`code=a&state=${STATE}&iss=${encodeURIComponent(ISSUER)}`, ISSUER).kind).toBe('code');
    expect(() => parseCallback(`code=a&state=${STATE}&iss=https%3A%2F%2Fevil.example`, ISSUER)).toThrow(
      expect.objectContaining({ code: ErrorCode.IssuerMismatch }),
    );
  });

  it.each([
    [`state=${STATE}`, ErrorCode.InvalidRequest],
    [`state=${STATE}&code=a&error=b`, ErrorCode.InvalidRequest],
    [`state=${STATE}&code=a%20b`, ErrorCode.InvalidRequest],
    [`state=${STATE}&code=${'a'.repeat(3000)}`, ErrorCode.InvalidRequest],
    [`state=${STATE}&code=a&code=b`, ErrorCode.InvalidRequest],
    [`state=${STATE}&iss=a&iss=b&code=a`, ErrorCode.InvalidRequest],
    [`state=${STATE}%00&code=a`, ErrorCode.InvalidState],
    [`state=${STATE.slice(1)}~&code=a`, ErrorCode.InvalidState],
  ])('refuses %s', (raw, code) => {
    expect(() => parseCallback(raw, ISSUER)).toThrow(expect.objectContaining({ code }));
  });
});
