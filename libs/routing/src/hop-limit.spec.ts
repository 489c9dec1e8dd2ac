import { checkForward, DEFAULT_MAX_HOPS, forwardTrail } from '@linker/routing';

describe('hop limit and loop check', () => {
  it('defaults to 16 hops', () => {
    expect(DEFAULT_MAX_HOPS).toBe(16);
  });

  it('lets a fresh envelope go to a domain it has not crossed', () => {
    expect(checkForward({ hops: 0, path: ['domain-01'] }, 'domain-02')).toEqual({ ok: true });
  });

  it('allows the 16th hop and refuses the 17th, naming the path', () => {
    const path = Array.from({ length: 16 }, (_, i) => `d${i}`);
    expect(checkForward({ hops: 15, path }, 'next')).toEqual({ ok: true });
    const refused = checkForward({ hops: 16, path: [...path, 'd16'] }, 'next');
    expect(refused).toMatchObject({ ok: false, reason: 'hop-limit' });
    expect(refused.ok === false && refused.message).toContain('d0 → d1 → d2');
  });

  it('takes a configured limit', () => {
    expect(checkForward({ hops: 2, path: ['a', 'b', 'c'] }, 'd', 3)).toEqual({ ok: true });
    expect(checkForward({ hops: 3, path: ['a', 'b', 'c', 'd'] }, 'e', 3)).toMatchObject({ ok: false, reason: 'hop-limit' });
  });

  it('reports a loop when the next hop is already on the path, the origin included', () => {
    expect(checkForward({ hops: 1, path: ['domain-01', 'domain-02'] }, 'domain-01')).toEqual({
      ok: false,
      reason: 'loop',
      message: 'next hop domain-01 is already on the path domain-01 → domain-02',
    });
    expect(checkForward({ hops: 2, path: ['a', 'b', 'c'] }, 'b')).toMatchObject({ ok: false, reason: 'loop' });
  });

  it('reports the hop limit before a loop', () => {
    expect(checkForward({ hops: 1, path: ['a', 'b'] }, 'a', 1)).toMatchObject({ ok: false, reason: 'hop-limit' });
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a limit of %p', (limit) => {
    expect(() => checkForward({ hops: 0, path: ['a'] }, 'b', limit)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('forwardTrail adds one hop and appends the next hop, keeping the other fields and leaving the input alone', () => {
    const envelope = { id: 'm1', hops: 1, path: ['domain-01', 'domain-02'] };
    const forwarded = forwardTrail(envelope, 'domain-03');
    expect(forwarded).toEqual({ id: 'm1', hops: 2, path: ['domain-01', 'domain-02', 'domain-03'] });
    expect(envelope).toEqual({ id: 'm1', hops: 1, path: ['domain-01', 'domain-02'] });
    // Forwarding on from there back to a crossed domain is a loop.
    expect(checkForward(forwarded, 'domain-02')).toMatchObject({ ok: false, reason: 'loop' });
  });
});
