import { errorMessage } from '@linker/kernel';
import type { Logger } from '@linker/observability';
import { helloFor, welcomeMatches, type LinkAuth } from '../link-auth';
import { LINK_CLOSE_CODES, linkCloseName, type LinkCloseName } from '../link-close-codes';
import { LinkFailureError, refused } from '../link-errors';
import { decodeDialerFrame, type ChallengeFrame, type HelloFrame, type WelcomeFrame } from '../link-frames';
import type { LinkLimits } from '../link-limits';
import type { FrameSocket } from './frame-socket';
import type { ChannelEvents, LinkChannel } from './outbound-link-core';

export interface DialerHandshakeOptions {
  auth: LinkAuth;
  peer: string;
  limits: Readonly<LinkLimits>;
  logger: Logger;
}

/** Why the server ended the connection before the handshake completed. */
function closedEarly(code: number, reason: string): LinkFailureError {
  const name = linkCloseName(code);
  const message = `the peer closed the connection during the handshake (${code}${reason ? ` ${reason}` : ''})`;
  return name !== undefined && name !== 'NORMAL' && name !== 'GOING_AWAY'
    ? refused(name, message)
    : new LinkFailureError('LINK_REFUSED', message, code);
}

/**
 * The dialer's side of one connection: answer the server's challenge, check its welcome (the server must prove it
 * knows the secret too, or an impostor could swallow our envelopes), all within the handshake deadline; then route
 * acks and nacks to `events`. Resolves with the channel once the link is authenticated both ways.
 */
export function dialHandshake(
  socket: FrameSocket,
  options: DialerHandshakeOptions,
  events: ChannelEvents,
  signal: AbortSignal,
): Promise<LinkChannel> {
  return new Promise<LinkChannel>((resolve, reject) => new DialerConnection(socket, options, events, signal, resolve, reject));
}

class DialerConnection {
  private phase: 'challenge' | 'welcome' | 'open' | 'failed' = 'challenge';
  private hello: HelloFrame | undefined;
  private secret = '';
  private readonly deadline: NodeJS.Timeout;
  private readonly channel: LinkChannel;

  constructor(
    private readonly socket: FrameSocket,
    private readonly options: DialerHandshakeOptions,
    private readonly events: ChannelEvents,
    private readonly signal: AbortSignal,
    private readonly resolve: (channel: LinkChannel) => void,
    private readonly reject: (error: LinkFailureError) => void,
  ) {
    const { handshakeTimeoutMs } = options.limits;
    this.channel = { write: (text) => socket.send(text), close: (name, detail) => this.close(name, detail) };
    this.deadline = setTimeout(
      () => this.fail(refused('HANDSHAKE_TIMEOUT', `no welcome within ${handshakeTimeoutMs} ms`), 'HANDSHAKE_TIMEOUT'),
      handshakeTimeoutMs,
    );
    signal.addEventListener('abort', this.onAbort, { once: true });
    socket.onClose((code, reason) => this.closed(code, reason));
    socket.onRtt?.((ms) => this.phase === 'open' && events.rtt(ms));
    socket.onFrame((data) => this.frame(data));
    if (signal.aborted) this.onAbort();
  }

  private readonly onAbort = (): void => this.fail(new LinkFailureError('LINK_CLOSED', 'closed while connecting'), 'NORMAL');

  private frame(data: Buffer): void {
    let frame;
    try {
      frame = decodeDialerFrame(data);
    } catch (error) {
      return this.garbage(errorMessage(error));
    }
    if (this.phase === 'open' && frame.type === 'ack') this.events.ack(frame.seq);
    else if (this.phase === 'open' && frame.type === 'nack') this.events.nack(frame.seq, frame.error);
    else if (this.phase === 'challenge' && frame.type === 'challenge') this.challenge(frame);
    else if (this.phase === 'welcome' && frame.type === 'welcome') this.welcome(frame);
    else if (this.phase !== 'failed') this.garbage(`an unexpected ${frame.type} frame`);
  }

  private challenge(frame: ChallengeFrame): void {
    const answer = helloFor(this.options.auth, this.options.peer, frame);
    if (!answer.ok) return this.fail(refused(answer.close, `refused ${this.socket.remote}: ${answer.why}`), answer.close);
    ({ hello: this.hello, secret: this.secret } = answer);
    this.phase = 'welcome';
    this.socket.send(JSON.stringify(answer.hello));
  }

  private welcome(frame: WelcomeFrame): void {
    const { auth, peer } = this.options;
    if (this.hello === undefined || !welcomeMatches(auth, peer, this.secret, this.hello, frame)) {
      return this.fail(
        refused('AUTH_FAILED', `${this.socket.remote} does not prove it knows the secret (welcome proof does not match)`),
        'AUTH_FAILED',
      );
    }
    this.settle('open');
    this.resolve(this.channel);
  }

  private garbage(detail: string): void {
    if (this.phase === 'open') this.close('PROTOCOL_ERROR', detail);
    else this.fail(refused('PROTOCOL_ERROR', `the peer sent garbage during the handshake: ${detail}`), 'PROTOCOL_ERROR');
  }

  private closed(code: number, reason: string): void {
    if (this.phase === 'open') this.events.closed(code, reason);
    else if (this.phase !== 'failed') {
      this.settle('failed');
      this.reject(closedEarly(code, reason));
    }
  }

  private fail(error: LinkFailureError, close: LinkCloseName): void {
    if (this.phase === 'failed' || this.phase === 'open') return;
    this.settle('failed');
    this.socket.close(LINK_CLOSE_CODES[close].code, close);
    this.reject(error);
  }

  private close(name: LinkCloseName, detail?: string): void {
    if (name !== 'NORMAL') this.options.logger.warn('link connection cut', { remote: this.socket.remote, close: name, detail });
    this.socket.close(LINK_CLOSE_CODES[name].code, name);
  }

  private settle(phase: 'open' | 'failed'): void {
    this.phase = phase;
    clearTimeout(this.deadline);
    this.signal.removeEventListener('abort', this.onAbort);
  }
}
