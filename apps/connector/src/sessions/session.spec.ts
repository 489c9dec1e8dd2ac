import type { CloseCodeName } from '@linker/contracts';
import { rateLimits } from '../ingress/rate-limiter';
import type { ClientSocket } from '../socket/client-socket';
import { Session, type SessionState } from './session';

interface Opened {
  session: Session;
  /** The close frames its socket was asked for. */
  closes: CloseCodeName[];
  /** What it told its registry: how many times it became AUTHENTICATED; the states it ended in. */
  authenticated: number;
  ended: SessionState[];
}

function open(maxInvalidFrames = 3, lifetime: { lifetimeMs?: number; lifetimeDitherMs: number } = { lifetimeDitherMs: 0 }): Opened {
  const opened = { closes: [], authenticated: 0, ended: [] } as Omit<Opened, 'session'> as Opened;
  const socket = { write: () => 'ok', close: (name: CloseCodeName) => opened.closes.push(name) } as unknown as ClientSocket;
  const limits = {
    rate: rateLimits(100, 100, 10, 1_000),
    maxUnacked: 10,
    maxInvalidFrames,
    dedupWindowMs: 1_000,
    dedupMaxIds: 10,
    ...lifetime,
  };
  const events = {
    authenticated: () => void (opened.authenticated += 1),
    ended: (_: Session, previous: SessionState) => void opened.ended.push(previous),
  };
  opened.session = new Session('s1', { domain: 'd', connector: 'c', socketId: 's1' }, '127.0.0.1', socket, limits, events, 0);
  return opened;
}

describe('Session transitions', () => {
  it('awaits a reply only for the claimed user, and none while a positive one is being applied', () => {
    const { session } = open();
    expect(session.awaitsAuthReply('ANZ-1')).toBe(false);
    session.beginAuth('ANZ-1', true);
    expect([session.state, session.userId, session.ackMode]).toEqual(['AUTHENTICATING', 'ANZ-1', true]);
    expect(session.awaitsAuthReply('ANZ-2')).toBe(false);
    expect(session.awaitsAuthReply('ANZ-1')).toBe(true);
    session.authAccepted();
    expect(session.awaitsAuthReply('ANZ-1')).toBe(false);
    expect(session.authNotPublished()).toBe(false); // the reply came after all: the failed publish changes nothing
  });

  it('goes back to NOT_AUTHENTICATED when its AUTH_CLIENT could not be published', () => {
    const { session } = open();
    session.beginAuth('ANZ-1', false);
    expect(session.authNotPublished()).toBe(true);
    expect([session.state, session.userId]).toEqual(['NOT_AUTHENTICATED', undefined]);
    expect(session.authNotPublished()).toBe(false);
  });

  it('becomes AUTHENTICATED once registered, unless it closed while being registered', () => {
    const opened = open();
    opened.session.beginAuth('ANZ-1', false);
    opened.session.authAccepted();
    expect(opened.session.authenticated()).toBe(true);
    expect([opened.session.state, opened.authenticated]).toEqual(['AUTHENTICATED', 1]);

    const closing = open();
    closing.session.beginAuth('ANZ-1', false);
    closing.session.authAccepted();
    closing.session.close('GOING_AWAY');
    expect(closing.session.authenticated()).toBe(false);
    expect([closing.session.state, closing.authenticated, closing.ended]).toEqual(['CLOSED', 0, ['AUTHENTICATING']]);
  });

  it('closes with PROTOCOL_ABUSE after maxInvalidFrames refusals in a row; an accepted frame starts the count again', () => {
    const { session, closes } = open(3);
    session.frameRefused();
    session.frameRefused();
    session.frameAccepted();
    session.frameRefused();
    session.frameRefused();
    expect(closes).toEqual([]);
    session.frameRefused();
    expect(closes).toEqual(['PROTOCOL_ABUSE']);
    expect(session.state).toBe('CLOSED');
  });

  describe('with a lifetime', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    const authenticated = (opened: Opened): void => {
      opened.session.beginAuth('ANZ-1', false);
      opened.session.authAccepted();
      opened.session.authenticated();
    };

    it('closes with RECONNECT within its dither window after it was authenticated', () => {
      const opened = open(3, { lifetimeMs: 10_000, lifetimeDitherMs: 5_000 });
      jest.advanceTimersByTime(60_000); // not authenticated yet: no lifetime runs (the auth deadline is the test's own)
      authenticated(opened);
      jest.advanceTimersByTime(9_999);
      expect(opened.closes).toEqual([]);
      jest.advanceTimersByTime(5_001);
      expect(opened.closes).toEqual(['RECONNECT']);
    });

    it('lives on without one, and its timer ends with it', () => {
      const forever = open();
      authenticated(forever);
      jest.advanceTimersByTime(24 * 3_600_000);
      expect(forever.closes).toEqual([]);
      const closed = open(3, { lifetimeMs: 10_000, lifetimeDitherMs: 0 });
      authenticated(closed);
      closed.session.close('GOING_AWAY');
      expect(jest.getTimerCount()).toBe(0);
    });
  });
});
