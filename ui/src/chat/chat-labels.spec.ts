import { addressOf, fetchCount, homeHint, isMasterUser, presenceList, threadTitle } from './chat-labels';

const ENDPOINTS = [
  { domain: 'domain-01', url: 'ws://127.0.0.1:8089/ws' },
  { domain: 'domain-02', url: 'ws://127.0.0.1:8090/ws' },
];

describe('homeHint', () => {
  it('offers the connector of the home domain when the form names another one', () => {
    const home = { kind: 'domain' as const, domain: 'domain-02' };
    expect(homeHint(home, ENDPOINTS, ENDPOINTS[0].url)).toEqual({ kind: 'elsewhere', domain: 'domain-02', url: ENDPOINTS[1].url });
    expect(homeHint(home, ENDPOINTS, ENDPOINTS[1].url)).toBeUndefined();
    expect(homeHint({ kind: 'domain', domain: 'domain-09' }, ENDPOINTS, ENDPOINTS[0].url)).toBeUndefined();
  });

  it('says why a user with no home domain will be refused, and nothing for a user at home everywhere or not yet known', () => {
    expect(homeHint({ kind: 'unknown-app' }, ENDPOINTS, '')).toEqual({ kind: 'homeless', reason: 'no such app' });
    expect(homeHint({ kind: 'outside-ranges' }, ENDPOINTS, '')).toEqual({ kind: 'homeless', reason: 'its number is outside every range' });
    expect(homeHint({ kind: 'invalid-user-id' }, ENDPOINTS, '')).toEqual({ kind: 'homeless', reason: 'not a user id' });
    expect(homeHint({ kind: 'everywhere' }, ENDPOINTS, '')).toBeUndefined();
    expect(homeHint(undefined, ENDPOINTS, '')).toBeUndefined();
  });
});

describe('chat labels', () => {
  it('titles the thread: all messages, a group, or one user', () => {
    expect(threadTitle(undefined)).toBe('All messages');
    expect(threadTitle('ANZ-2,ANZ-3')).toBe('Group: ANZ-2, ANZ-3');
    expect(threadTitle('ANZ-2')).toBe('With ANZ-2');
  });

  it('addresses a message to the conversation chosen, as a group when it has several users', () => {
    expect(addressOf('ANZ-2')).toEqual({ to: 'ANZ-2', kind: 'MESSAGE' });
    expect(addressOf('ANZ-2,ANZ-3')).toEqual({ to: 'ANZ-2,ANZ-3', kind: 'GROUP_MESSAGE' });
  });

  it('keeps the fetch count between 1 and 2000', () => {
    expect(fetchCount('50')).toBe(50);
    expect(fetchCount('0')).toBe(1);
    expect(fetchCount('')).toBe(1);
    expect(fetchCount('abc')).toBe(1);
    expect(fetchCount('-5')).toBe(1);
    expect(fetchCount('99999')).toBe(2000);
  });

  it('knows the master user only once someone is signed in', () => {
    expect(isMasterUser('ANZ-123223', 'ANZ-123223')).toBe(true);
    expect(isMasterUser('ANZ-1', 'ANZ-123223')).toBe(false);
    expect(isMasterUser('', undefined)).toBe(false);
  });

  it('lists presence by user id', () => {
    const presence = new Map([
      ['ANZ-3', { online: true }],
      ['ANZ-1', { online: false }],
    ]);
    expect(presenceList(presence)).toEqual([
      ['ANZ-1', { online: false }],
      ['ANZ-3', { online: true }],
    ]);
  });
});
