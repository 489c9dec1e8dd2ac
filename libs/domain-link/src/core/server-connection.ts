import { errorMessage } from '@linker/kernel';
import type { Logger } from '@linker/observability';
import { answerHello, challengeFrom, type LinkServerAuth } from '../link-auth';
import { LINK_CLOSE_CODES, type LinkCloseName } from '../link-close-codes';
import { decodeServerFrame } from '../link-frames';
import type { LinkLimits } from '../link-limits';
import type { ReceiveHandler } from '../link.port';
import type { FrameSocket } from './frame-socket';
import type { InboundRegistry } from './inbound-registry';
import { InboundSession } from './inbound-session';

export interface ServeOptions {
  auth: LinkServerAuth;
  limits: Readonly<LinkLimits>;
  onReceive: ReceiveHandler;
  registry: InboundRegistry;
  logger: Logger;
}

/**
 * Serve one accepted connection: send a challenge, check the hello within the handshake deadline, answer the welcome,
 * then receive batches (InboundSession). Every refusal or cut closes with a code of LINK_CLOSE_CODES and is logged
 * with the peer's claimed domain and remote address (never the secret or a proof).
 */
export function serveConnection(socket: FrameSocket, options: ServeOptions): void {
  new ServerConnection(socket, options);
}

class ServerConnection {
  private readonly challenge;
  private readonly deadline: NodeJS.Timeout;
  private claimed: string | undefined;
  private session: InboundSession | undefined;
  private release: (() => void) | undefined;
  private done = false;

  constructor(
    private readonly socket: FrameSocket,
    private readonly options: ServeOptions,
  ) {
    const { handshakeTimeoutMs } = options.limits;
    this.challenge = challengeFrom(options.auth.domain);
    this.deadline = setTimeout(() => this.end('HANDSHAKE_TIMEOUT', `no valid hello within ${handshakeTimeoutMs} ms`), handshakeTimeoutMs);
    socket.onClose(() => this.closed());
    socket.onFrame((data) => {
      if (this.done) return;
      if (this.session !== undefined) this.session.frame(data);
      else this.hello(data);
    });
    socket.send(JSON.stringify(this.challenge));
  }

  private hello(data: Buffer): void {
    let frame;
    try {
      frame = decodeServerFrame(data);
    } catch (error) {
      return this.end('PROTOCOL_ERROR', errorMessage(error));
    }
    if (frame.type !== 'hello') return this.end('PROTOCOL_ERROR', 'a batch before the handshake');
    this.claimed = frame.domain;
    const verdict = answerHello(this.options.auth, this.challenge, frame);
    if (!verdict.ok) return this.end(verdict.close, verdict.why);
    clearTimeout(this.deadline);
    const { socket, options } = this;
    const peer = frame.domain;
    socket.send(JSON.stringify(verdict.welcome));
    this.release = options.registry.add(peer, () => socket.terminate());
    this.session = new InboundSession({
      ...options,
      peer,
      reply: (f) => socket.send(JSON.stringify(f)),
      cut: (name, detail) => this.end(name, detail),
    });
    options.logger.info('link peer connected', { peer, remote: socket.remote });
  }

  private end(name: LinkCloseName, detail: string): void {
    if (this.done) return;
    this.done = true;
    this.options.logger.warn('link peer cut off', { peer: this.claimed, remote: this.socket.remote, close: name, detail });
    this.socket.close(LINK_CLOSE_CODES[name].code, name);
  }

  private closed(): void {
    this.done = true;
    clearTimeout(this.deadline);
    this.session?.stop();
    this.release?.();
  }
}
