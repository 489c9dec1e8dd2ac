import { DEFAULT_MAILBOX_MAX_AGE_SECONDS, DEFAULT_MAILBOX_MAX_MESSAGES, mailboxLimitsOf } from '../mailbox-limits';
import { validateTopology } from './validate-topology';

// An app's mailbox limits (docs/protocol.md, Mailbox limits): what the validator accepts and refuses, and the defaults.

function withMailbox(mailbox: unknown): unknown {
  return {
    domains: [{ name: 'domain-01', urls: [] }],
    domainLinks: [],
    clientApps: [{ appName: 'ANZ', appId: 'anz', authEnabled: false, mailbox }],
  };
}

function problemsOf(mailbox: unknown): Array<[string, string, string]> {
  return validateTopology(withMailbox(mailbox)).problems.map((p) => [p.severity, p.path, p.message]);
}

describe('mailbox limits', () => {
  it('reads both fields, or either, and leaves what is absent to the defaults', () => {
    for (const mailbox of [{ maxMessages: 50, maxAgeSeconds: 3600 }, { maxMessages: 1 }, { maxAgeSeconds: 31_536_000 }, {}]) {
      const { topology, problems } = validateTopology(withMailbox(mailbox));
      expect(problems).toEqual([]);
      expect(topology?.clientApps[0].mailbox).toEqual(mailbox);
    }
    expect(validateTopology(withMailbox(null)).topology?.clientApps[0].mailbox).toBeUndefined();
  });

  it('fills in the defaults: 10,000 messages and 7 days', () => {
    expect(mailboxLimitsOf(undefined)).toEqual({ maxMessages: 10_000, maxAgeSeconds: 604_800 });
    expect([DEFAULT_MAILBOX_MAX_MESSAGES, DEFAULT_MAILBOX_MAX_AGE_SECONDS]).toEqual([10_000, 604_800]);
    const app = { appName: 'ANZ', appId: 'anz', mailbox: { maxMessages: 5 } };
    expect(mailboxLimitsOf(app)).toEqual({ maxMessages: 5, maxAgeSeconds: 604_800 });
  });

  it.each<[string, unknown, string, string]>([
    ['zero messages', { maxMessages: 0 }, 'clientApps[0].mailbox.maxMessages', 'from 1 to 1000000'],
    ['a negative age', { maxAgeSeconds: -1 }, 'clientApps[0].mailbox.maxAgeSeconds', 'from 1 to 31536000'],
    ['a fraction', { maxMessages: 2.5 }, 'clientApps[0].mailbox.maxMessages', 'whole number'],
    ['text', { maxAgeSeconds: '7d' }, 'clientApps[0].mailbox.maxAgeSeconds', 'got the text "7d"'],
    ['too many messages', { maxMessages: 1_000_001 }, 'clientApps[0].mailbox.maxMessages', 'from 1 to 1000000'],
    ['an age over a year', { maxAgeSeconds: 31_536_001 }, 'clientApps[0].mailbox.maxAgeSeconds', 'from 1 to 31536000'],
    ['an unknown key', { maxMessage: 5 }, 'clientApps[0].mailbox.maxMessage', 'did you mean "maxMessages"'],
    ['a list', [5], 'clientApps[0].mailbox', 'must be a mapping'],
  ])('refuses %s, with its path', (_case, mailbox, path, text) => {
    expect(problemsOf(mailbox)).toEqual([['error', path, expect.stringContaining(text)]]);
  });

  it('reports every problem of one mailbox', () => {
    expect(problemsOf({ maxMessages: 0, maxAgeSeconds: 0 }).map(([, path]) => path)).toEqual([
      'clientApps[0].mailbox.maxMessages',
      'clientApps[0].mailbox.maxAgeSeconds',
    ]);
  });
});
