import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Envelope } from '@linker/contracts';
import { errorMessage, newMessageId, type Clock } from '@linker/kernel';
import { createHttpServer, type TlsFiles } from '@linker/lifecycle';
import type { Logger } from '@linker/observability';
import { parseUserId, type ClientApp, type TopologyView } from '@linker/topology';
import { ApiFailure, isApiFailure } from '../api/api-failure';
import type { LaneGate } from '../api/lane-gate';
import type { IntakePublisher } from '../ingress/intake-publisher';
import { answerFailure, answerJson, expectMethod, mapChannel } from './compat-http';

export interface RealtimerOptions {
  host: string;
  /** 0 = any free port. */
  port: number;
  appName: string;
  /** When set, every request must carry it. */
  key?: string;
  topology: () => TopologyView;
  intake: IntakePublisher;
  gate: LaneGate;
  clock: Clock;
  maxFrameBytes: number;
  /** Most connections at once; beyond, closed when accepted. */
  maxConnections: number;
  /** A request not received whole this long after its connection opened gets 408. */
  requestTimeoutMs: number;
  logger: Logger;
  /** Serve `https://` from these files (the client port's, reloaded when they change); absent: plain `http://`. */
  tls?: TlsFiles;
  serving(): boolean;
}

const PATH = /^\/([^/]+)$/;
const BEARER = /^Bearer +(\S+) *$/i;
const USAGE = 'GET /<userId or channel>?data=<text>';

/**
 * The realtimer-compatible publish port (docs/protocol.md, Compatible HTTP endpoints): `GET
 * /<id>?data=<text>` for one app. `<id>` a user id of the app: `<text>` goes to that user's sockets as a FAST MESSAGE
 * from the app's master user; any other `<id>`: a FAST publication of `<text>` to the channel `<app>:<id>`, which the
 * app must declare. 200 `{"id"}` (the message's or publication's id) once the lane took it. No presence read, no body:
 * one URL parse and one publish per request, under the connector's lane backlog (503 OVERLOADED beyond it).
 */
export class RealtimerServer {
  private readonly http: Server;
  private readonly key: Buffer | undefined;

  constructor(private readonly options: RealtimerOptions) {
    const deadline = options.requestTimeoutMs;
    this.key = options.key === undefined ? undefined : digest(options.key);
    this.http = createHttpServer(
      { headersTimeout: deadline, requestTimeout: deadline, connectionsCheckingInterval: Math.min(1_000, deadline) },
      (request, response) => this.handle(request, response),
      options.tls && { files: options.tls, logger: options.logger },
    );
    this.http.maxConnections = options.maxConnections;
  }

  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(this.options.port, this.options.host, () => {
        this.http.off('error', reject);
        this.http.on('error', (error) => this.options.logger.warn('realtimer port error', { error: error.message }));
        resolve(this.port);
      });
    });
  }

  get port(): number {
    return (this.http.address() as AddressInfo | null)?.port ?? 0;
  }

  /** Stop listening; idle connections close now, the others once their answer is written. */
  close(): Promise<void> {
    if (!this.http.listening) return Promise.resolve();
    const closed = new Promise<void>((resolve) => this.http.close(() => resolve()));
    this.http.closeIdleConnections();
    return closed;
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    this.answer(request, response).catch((error: unknown) => {
      if (!isApiFailure(error)) this.options.logger.warn('realtimer request failed', { error: errorMessage(error) });
      const failure = isApiFailure(error) ? error : new ApiFailure('INTERNAL_ERROR', 'unexpected failure: retry');
      answerFailure(request, response, failure, this.options.logger);
    });
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    expectMethod(request, 'GET');
    const url = new URL(request.url ?? '/', 'http://realtimer');
    this.authorize(request.headers.authorization, url.searchParams.get('key'));
    if (!this.options.serving()) throw new ApiFailure('UNAVAILABLE', 'the connector is shutting down: retry', { retryAfterMs: 1_000 });
    const id = idOf(url.pathname);
    const text = url.searchParams.get('data');
    if (text === null) throw new ApiFailure('INVALID_FIELD', `data: give the text to send, ${USAGE}`);
    const bytes = Buffer.byteLength(text);
    if (bytes > this.options.maxFrameBytes)
      throw new ApiFailure('TOO_LARGE', `data: ${bytes} bytes, at most ${this.options.maxFrameBytes}`);
    const envelope = this.envelope(id, text);
    await this.options.gate.publish('FAST', envelope.type === 'MESSAGE' ? envelope.from : (envelope.to as string), [envelope]);
    answerJson(response, 200, { id: envelope.id });
  }

  /** A FAST MESSAGE from the master user to a user of the app, else a FAST publication to `<app>:<id>`. */
  private envelope(id: string, text: string): Envelope {
    const { appName, topology, intake } = this.options;
    const view = topology();
    const app = view.app(appName);
    if (app === undefined) throw new ApiFailure('UNKNOWN_RECIPIENT_APP', `app ${appName} (LINKER_REALTIMER_APP) is not in the topology`);
    if (parseUserId(id)?.appName !== appName) return intake.publication('FAST', mapChannel(view, appName, id, 'id').channel, text);
    if (view.home(id).kind === 'outside-ranges') {
      throw new ApiFailure('UNREACHABLE_DOMAIN', `id: ${id} is outside every range of its app: it has no home domain`);
    }
    return this.message(app, id, text);
  }

  private message(app: ClientApp, to: string, content: string): Envelope {
    const from = app.masterUserId;
    if (from === undefined) throw new ApiFailure('NOT_ALLOWED', `app ${app.appName} has no masterUserId to send as`);
    const { intake, clock } = this.options;
    const now = clock.now();
    return {
      id: newMessageId(),
      lane: 'FAST',
      type: 'MESSAGE',
      from,
      to,
      data: { content },
      confirm: false,
      path: intake.path,
      createdAt: now,
      hops: 0,
    };
  }

  private authorize(authorization: string | undefined, query: string | null): void {
    if (this.key === undefined) return;
    const given = (authorization === undefined ? undefined : BEARER.exec(authorization)?.[1]) ?? query ?? undefined;
    if (given !== undefined && timingSafeEqual(digest(given), this.key)) return;
    throw new ApiFailure('UNAUTHENTICATED', 'give the key: Authorization: Bearer <LINKER_REALTIMER_KEY> or &key=<LINKER_REALTIMER_KEY>');
  }
}

/** The one path segment, decoded; else 404 (another path) or 400 (bad percent-encoding). */
function idOf(pathname: string): string {
  const raw = PATH.exec(pathname)?.[1];
  if (raw === undefined) throw new ApiFailure('NOT_FOUND', `no endpoint ${pathname.slice(0, 128)}: use ${USAGE}`);
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new ApiFailure('INVALID_FIELD', 'id: not valid percent-encoding');
  }
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}
