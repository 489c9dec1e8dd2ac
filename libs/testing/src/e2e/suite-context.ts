import { randomBytes } from 'node:crypto';
import { LinkerClient } from '@linker/client-sdk';
import { NodeWebSocket } from '@linker/client-sdk/node';
import type { DomainOptions, DomainUnderTest } from '../domains/domain-under-test';
import { startAuthServer, type AuthServer } from './auth-server';
import { RawSocket, type Frame } from './raw-socket';
import { ANZ, SUITE_ENV, suiteDomains, suiteTopology, UserIds, type SuiteDomains } from './suite-topology';

export type StartDomain = (options: DomainOptions) => Promise<DomainUnderTest>;

export interface LoginOptions {
  appId?: string;
  token?: string;
  /** Which connector (index into `connectorUrls`, wrapping around); default: the next one in turn. */
  connector?: number;
  label?: string;
}

/**
 * What the tests of one `domainBehaviourSuite` share: the running domain, the auth server, fresh user ids, and
 * sockets that are closed after each test. Clients are spread over every connector the domain offers, in turn.
 */
export class SuiteContext {
  readonly users = new UserIds();
  readonly domains: SuiteDomains = suiteDomains();
  private running?: DomainUnderTest;
  private auth?: AuthServer;
  private readonly sockets: RawSocket[] = [];
  private readonly clients: LinkerClient[] = [];
  private turn = 0;
  private texts = 0;
  private readonly run = randomBytes(3).toString('hex');
  /** The meta-server's admin token: tests may edit the topology. */
  readonly adminToken = randomBytes(24).toString('base64url');
  /** ANZ's server API key now (a test that rotates it sets it). */
  apiKey: string = ANZ.apiKey;

  get domain(): DomainUnderTest {
    if (!this.running) throw new Error('the domain is not running (beforeAll failed?)');
    return this.running;
  }

  get authServer(): AuthServer {
    if (!this.auth) throw new Error('the auth server is not running (beforeAll failed?)');
    return this.auth;
  }

  /** The number of connectors the domain offers. */
  get connectorCount(): number {
    return this.domain.connectorUrls.length;
  }

  /** Start the auth server, then the domain on the suite's topology, with `env` (the suite's settings by default). */
  async start(start: StartDomain, env: Record<string, string> = SUITE_ENV): Promise<void> {
    this.auth = await startAuthServer();
    const topology = suiteTopology(this.domains, this.auth.url);
    this.running = await start({ topology, domain: this.domains.domain, adminToken: this.adminToken, env: { ...env } });
  }

  async stop(): Promise<void> {
    await this.closeAll();
    await this.running?.close();
    await this.auth?.close();
  }

  /** Close every socket and client opened by the test that just ended. */
  async closeAll(): Promise<void> {
    await Promise.all(this.sockets.splice(0).map((socket) => socket.close()));
    await Promise.all(this.clients.splice(0).map((client) => client.close()));
  }

  /** The URL of connector `i` (wrapping around); without `i`, the next connector in turn. */
  url(i?: number): string {
    const urls = this.domain.connectorUrls;
    const index = i ?? this.turn++;
    return urls[index % urls.length];
  }

  /** Text no other message of this run has. */
  text(label = 'text'): string {
    this.texts += 1;
    return `${label} ${this.run}-${this.texts}`;
  }

  /** An open, unauthenticated socket (closed after the test). */
  async open(label = 'socket', connector?: number): Promise<RawSocket> {
    const socket = await RawSocket.open(this.url(connector), label);
    this.sockets.push(socket);
    return socket;
  }

  /** A socket authenticated as `userId` (ANZ's appId by default); fails the test if the login is refused. */
  async login(userId: string, options: LoginOptions = {}): Promise<RawSocket> {
    const socket = await this.open(options.label ?? userId, options.connector);
    const reply = await socket.auth(options.appId ?? ANZ.appId, userId, options.token);
    if (reply.data.isAuthenticated !== true) throw new Error(`login of ${userId} refused: ${JSON.stringify(reply)}`);
    return socket;
  }

  /** A LinkerClient (the SDK) connected and authenticated as `userId`, without automatic reconnects. */
  async client(userId: string, connector?: number): Promise<LinkerClient> {
    const client = new LinkerClient({ url: this.url(connector), appId: ANZ.appId, userId, webSocket: NodeWebSocket, reconnect: false });
    this.clients.push(client);
    await client.connect();
    return client;
  }

  /** `MESSAGE {to, content}` from `from`, and wait until `to` received it; the frame received. */
  async deliver(from: RawSocket, to: RawSocket, toId: string, head: Record<string, unknown> = {}): Promise<Frame> {
    const content = this.text('round trip');
    from.send({ type: 'MESSAGE', data: { to: toId, content }, ...head });
    return to.message(content);
  }
}

/** Two users logged in on different connectors (when there are several), to show they are still served. */
export interface Bystanders {
  a: RawSocket;
  aId: string;
  b: RawSocket;
  bId: string;
}

export async function bystanders(ctx: SuiteContext): Promise<Bystanders> {
  const aId = ctx.users.anz();
  const bId = ctx.users.anz();
  const a = await ctx.login(aId, { connector: 0, label: 'bystander a' });
  const b = await ctx.login(bId, { connector: 1, label: 'bystander b' });
  return { a, aId, b, bId };
}

/** The bystanders still send and receive: a message each way arrives, with its sender. */
export async function expectServed(ctx: SuiteContext, { a, aId, b, bId }: Bystanders): Promise<void> {
  const toB = await ctx.deliver(a, b, bId);
  const toA = await ctx.deliver(b, a, aId);
  if (toB.data.from !== aId || toA.data.from !== bId) throw new Error(`round trip with wrong senders: ${JSON.stringify([toB, toA])}`);
}
