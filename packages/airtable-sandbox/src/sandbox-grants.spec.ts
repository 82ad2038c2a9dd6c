import { GrantStore } from './sandbox-grants';
import { sandboxOptions } from './sandbox.options';

const CODE = { clientId: 'app', redirectUri: 'http://localhost/cb', codeChallenge: 'c', userId: 'usr', scopes: ['data.records:read'], baseIds: [] };

describe('GrantStore', () => {
  let now: number;
  let grants: GrantStore;

  beforeEach(() => {
    now = Date.UTC(2024, 0, 1);
    grants = new GrantStore(sandboxOptions({ clock: { now: () => now }, codeTtlMs: 1_000, refreshGraceMs: 10_000 }));
  });

  it('forgets a rotated refresh token after the grace, when it answers as an unknown one does', () => {
    const grant = grants.createGrant(grants.takeCode(grants.issueCode(CODE))!);
    const old = grant.refreshToken;
    expect(grants.refresh(old, 'app').kind).toBe('rotated');
    now += 10_000;
    expect(grants.refresh(old, 'app')).toEqual({ kind: 'duplicate' });
    expect(grants.snapshot().rotated.map(([token]) => token)).toEqual([old]);
    now += 1;
    expect(grants.snapshot().rotated).toEqual([]);
    expect(grants.refresh(old, 'app')).toEqual({ kind: 'invalid' });
    expect(grants.refresh('unknown', 'app')).toEqual({ kind: 'invalid' });
    expect(grants.refresh(grant.refreshToken, 'app').kind).toBe('rotated');
  });

  it('forgets codes once they expire', () => {
    const kept = grants.issueCode(CODE);
    now += 500;
    grants.issueCode(CODE);
    now += 500;
    expect(grants.snapshot().codes.map(([value]) => value)).not.toContain(kept);
    expect(grants.snapshot().codes).toHaveLength(1);
  });
});
