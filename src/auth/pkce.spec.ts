import * as oauth from 'oauth4webapi';
import { randomToken } from '../common/random';
import { s256CodeChallenge } from './pkce';

describe('s256CodeChallenge', () => {
  it('matches the RFC 7636 appendix B example', () => {
    expect(s256CodeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('agrees with oauth4webapi for fresh verifiers', async () => {
    for (let i = 0; i < 20; i++) {
      const verifier = randomToken();
      expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(s256CodeChallenge(verifier)).toBe(await oauth.calculatePKCECodeChallenge(verifier));
    }
  });
});
