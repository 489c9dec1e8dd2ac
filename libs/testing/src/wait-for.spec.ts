import { waitFor, uniqueName } from '@linker/testing';

describe('waitFor', () => {
  it('returns the first truthy value', async () => {
    let calls = 0;
    const value = await waitFor('the third call', () => (++calls >= 3 ? calls : false), { intervalMs: 1 });
    expect(value).toBe(3);
  });

  it('names what it waited for, and the last error, when the deadline passes', async () => {
    await expect(
      waitFor('a broker that never answers', () => Promise.reject(new Error('ECONNREFUSED')), { timeoutMs: 30 }),
    ).rejects.toThrow(/waiting for a broker that never answers \(last error: ECONNREFUSED\)/);
  });
});

describe('uniqueName', () => {
  it('is unique and keeps the prefix', () => {
    const a = uniqueName('topic');
    expect(a).toMatch(/^topic-[a-z0-9]+-[0-9a-f]{8}$/);
    expect(uniqueName('topic')).not.toBe(a);
  });
});
