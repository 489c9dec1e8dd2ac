import { BearerToken } from './bearer-token';

describe('BearerToken', () => {
  const token = new BearerToken('a-token-of-some-length');

  it('holds exactly "Bearer <the token>" (scheme in any case, spaces around trimmed)', () => {
    expect(token.configured).toBe(true);
    expect(token.holds('Bearer a-token-of-some-length')).toBe(true);
    expect(token.holds('  bearer a-token-of-some-length ')).toBe(true);
    expect(token.holds('Bearer a-token-of-some-lengt')).toBe(false);
    expect(token.holds('Bearer a-token-of-some-length-and-more')).toBe(false);
    expect(token.holds('Basic a-token-of-some-length')).toBe(false);
    expect(token.holds('a-token-of-some-length')).toBe(false);
    expect(token.holds(undefined)).toBe(false);
  });

  it('with no token configured (unset or empty), nothing holds it', () => {
    for (const none of [null, undefined, '']) {
      const unset = new BearerToken(none);
      expect(unset.configured).toBe(false);
      expect(unset.holds('Bearer ')).toBe(false);
      expect(unset.holds('Bearer anything')).toBe(false);
    }
  });
});
