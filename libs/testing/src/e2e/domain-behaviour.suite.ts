import { abuseBehaviour } from './abuse-behaviour';
import { apiBehaviour } from './api-behaviour';
import { authBehaviour } from './auth-behaviour';
import { channelBehaviour } from './channel-behaviour';
import { errorBehaviour } from './error-behaviour';
import { mailboxBehaviour } from './mailbox-behaviour';
import { masterBehaviour } from './master-behaviour';
import { messagingBehaviour } from './messaging-behaviour';
import { seedReadmeBehaviour } from './seed-readme-behaviour';
import { SuiteContext, type StartDomain } from './suite-context';

const START_TIMEOUT_MS = 120_000;

/**
 * The behaviour of one domain over real sockets (docs/protocol.md), whatever runs it: `start` is
 * `startEmbeddedDomain` or `startRealDomain`. One domain for the whole suite, started in `beforeAll` on the suite's
 * topology (suite-topology.ts) next to a real HTTP auth server; every test isolates itself with fresh user ids, and
 * every socket a test opens is closed after it.
 */
export function domainBehaviourSuite(name: string, start: StartDomain): void {
  describe(name, () => {
    jest.setTimeout(30_000);
    const ctx = new SuiteContext();

    beforeAll(() => ctx.start(start), START_TIMEOUT_MS);
    afterEach(() => ctx.closeAll());
    afterAll(() => ctx.stop(), START_TIMEOUT_MS);

    authBehaviour(ctx);
    messagingBehaviour(ctx);
    mailboxBehaviour(ctx);
    masterBehaviour(ctx);
    errorBehaviour(ctx);
    abuseBehaviour(ctx);
    seedReadmeBehaviour(ctx);
    channelBehaviour(ctx);
    apiBehaviour(ctx);
  });
}
