import { LinkerClient, LinkerClientError } from '@linker/client-sdk';
import { Observable } from '../store';
import { closeCodeWords, errorCodeWords } from '../words';
import { ChannelSession } from './channel-session';
import { ChatLog, parseRecipients, type Lane, type MessageKind } from './chat-log';

/** What `chat-state` shows (its `data-state`). */
export type ConnectionState = 'disconnected' | 'connecting' | 'authenticated' | 'failed';

/** One error, in words; `code` is the protocol code (INVALID_MESSAGE) or the close code, when there is one. */
export interface ChatError {
  key: number;
  code?: string;
  text: string;
  time: number;
}

export interface ConnectForm {
  url: string;
  userId: string;
  appId: string;
  token: string;
}

/**
 * One chat session of the console: a `LinkerClient` (the SDK, which reconnects by itself and fetches what was missed),
 * its connection state in words, the messages (`ChatLog`), the presence feed, the channels, the errors. The screens
 * render it.
 */
export class ChatSession extends Observable {
  state: ConnectionState = 'disconnected';
  /** The state in words (where, as whom, what comes next). */
  detail = 'Choose a connector and a user, then connect.';
  /** Who is signed in (or trying to). */
  userId = '';
  url = '';
  log = new ChatLog();
  /** Users of the app seen by the presence feed (master users only): online or not. */
  readonly presence = new Map<string, { online: boolean; time: number }>();
  /** Whether any presence event arrived (the feed only reaches master users). */
  presenceSeen = false;
  errors: ChatError[] = [];
  /** `leftMissingCount` of the last fetch. */
  left?: number;
  /** Messages the last fetch brought. */
  lastFetched?: number;
  fetching = false;
  /** Subscriptions and publications (an observable of its own: publications come often). */
  readonly channels = new ChannelSession((error) => this.addError(error));
  private client?: LinkerClient;
  private errorSerial = 0;
  /** While the first `connect()` runs, its failure is reported by its rejection, not by the `closed` event too. */
  private firstConnect = false;

  /** Sign in with `form`; any session before is closed first. */
  async connect(form: ConnectForm): Promise<void> {
    await this.disconnect(false);
    this.userId = form.userId.trim();
    this.url = form.url.trim();
    this.log = new ChatLog();
    this.presence.clear();
    this.presenceSeen = false;
    this.left = undefined;
    this.lastFetched = undefined;
    const client = new LinkerClient({
      url: this.url,
      appId: form.appId.trim(),
      userId: this.userId,
      token: form.token === '' ? undefined : form.token,
      reconnect: { initialDelayMs: 500, maxDelayMs: 10_000 },
      connectTimeoutMs: 10_000,
    });
    this.client = client;
    this.wire(client);
    this.channels.attach(client);
    this.set('connecting', `to ${this.url} as ${this.userId}…`);
    this.firstConnect = true;
    try {
      await client.connect();
    } catch (error) {
      if (this.client !== client) return;
      this.client = undefined;
      this.channels.detach();
      this.addError(connectFailure(error, this.url));
      this.set('failed', `could not sign in as ${this.userId} (see the error).`);
    } finally {
      if (this.client === client || this.client === undefined) this.firstConnect = false;
    }
  }

  /** Close the session for good (no reconnect). */
  async disconnect(announce = true): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.channels.detach();
    if (client) await client.close().catch(() => undefined);
    if (announce) this.set('disconnected', 'you closed the connection.');
  }

  /** Send MESSAGE (one recipient) or GROUP_MESSAGE; a refusal before the frame left (not connected) is an error. */
  send(kind: MessageKind, toText: string, lane: Lane, content: string): boolean {
    const to = parseRecipients(toText);
    if (to.length === 0) return this.refuseLocally('Write the recipient’s user id first (for a group: ids separated by commas).');
    if (kind === 'MESSAGE' && to.length > 1)
      return this.refuseLocally('A MESSAGE has one recipient: choose GROUP_MESSAGE to send to several.');
    if (content === '') return this.refuseLocally('Write something to send.');
    const client = this.client;
    if (!client || this.state !== 'authenticated') return this.refuseLocally('Not connected: sign in first (or wait for the reconnect).');
    try {
      const reference =
        kind === 'MESSAGE' ? client.send(to[0], content, { feature: lane }) : client.sendGroup(to, content, { feature: lane });
      this.log.addOut({ from: this.userId, to, content, kind, lane, reference });
      this.changed();
      return true;
    } catch (error) {
      return this.refuseLocally(`Not sent: ${(error as Error).message}.`);
    }
  }

  /** FETCH_MISSING_MESSAGES_REQUEST for up to `count` stored messages. */
  async fetchMissing(count: number): Promise<void> {
    const client = this.client;
    if (!client || this.state !== 'authenticated') return void this.refuseLocally('Not connected: sign in to fetch your stored messages.');
    this.fetching = true;
    this.changed();
    try {
      const { messages, leftMissingCount } = await client.fetchMissing(count);
      for (const message of messages) this.log.addIn({ ...message, to: this.userId, fetched: true });
      this.left = leftMissingCount;
      this.lastFetched = messages.length;
    } catch (error) {
      this.addError({ text: `The fetch failed: ${(error as Error).message}` });
    } finally {
      this.fetching = false;
      this.changed();
    }
  }

  /** CLOSE_CONNECTION: close every socket of `userId` (master users only; anyone else gets NOT_ALLOWED, shown as an error). */
  closeConnection(userId: string): void {
    const client = this.client;
    if (!client || this.state !== 'authenticated') return void this.refuseLocally('Not connected: sign in first.');
    try {
      client.closeConnection(userId);
    } catch (error) {
      this.refuseLocally(`Not sent: ${(error as Error).message}.`);
    }
  }

  dismissError(key: number): void {
    this.errors = this.errors.filter((error) => error.key !== key);
    this.changed();
  }

  private wire(client: LinkerClient): void {
    // Events of a client this session has since replaced (a new connect) are dropped.
    const live = (): boolean => this.client === client;
    client.on('authenticated', () => live() && this.set('authenticated', `as ${this.userId} on ${this.url}.`));
    client.on('message', (message) => {
      if (!live()) return;
      this.log.addIn({ ...message, to: this.userId });
      this.changed();
    });
    client.on('confirmation', ({ reference, path }) => {
      if (live() && this.log.confirm(reference, path)) this.changed();
    });
    client.on('presence', ({ type, userId }) => {
      if (!live()) return;
      this.presence.set(userId, { online: type === 'USER_CONNECTED', time: Date.now() });
      this.presenceSeen = true;
      this.changed();
    });
    client.on('error', ({ code, message, reference }) => {
      if (!live()) return;
      const text = `${code}: ${errorCodeWords(code)} (the server said: ${message})`;
      if (reference !== undefined) this.log.refuse(reference, text);
      this.addError({ code, text: `The server refused a frame. ${text}` });
    });
    client.on('closed', ({ code, willReconnect }) => {
      if (!live() || code === 1000 || this.firstConnect) return;
      this.addError({ code: String(code), text: `The connection closed: ${closeCodeWords(code)}` });
      if (willReconnect) this.set('connecting', `connection lost; reconnecting to ${this.url}…`);
      else if (this.state === 'authenticated' || this.state === 'connecting')
        this.set('failed', `the connection closed (${code}) and will not be retried: connect again.`);
    });
    client.on('moved', ({ url }) => {
      if (!live()) return;
      this.url = url;
      this.addError({ text: `Your home domain moved (a topology edit): reconnecting at its connector, ${url}.` });
    });
    client.on('reconnecting', ({ attempt, delayMs }) => {
      if (live())
        this.set('connecting', `connection lost; reconnecting to ${this.url} in ${(delayMs / 1000).toFixed(1)} s (attempt ${attempt})…`);
    });
    client.on('reconnected', ({ fetched, leftMissingCount }) => {
      if (!live()) return;
      if (leftMissingCount !== undefined) this.left = leftMissingCount;
      this.set('authenticated', `again as ${this.userId} on ${this.url}; ${fetched} missed message${fetched === 1 ? '' : 's'} fetched.`);
    });
  }

  private set(state: ConnectionState, detail: string): void {
    this.state = state;
    this.detail = detail;
    this.changed();
  }

  private refuseLocally(text: string): false {
    this.addError({ text });
    return false;
  }

  private addError(error: { code?: string; text: string }): void {
    this.errorSerial += 1;
    this.errors = [{ key: this.errorSerial, time: Date.now(), ...error }, ...this.errors].slice(0, 20);
    this.changed();
  }
}

/** Why `connect()` failed, in words. */
function connectFailure(error: unknown, url: string): { code?: string; text: string } {
  if (!(error instanceof LinkerClientError)) return { text: `Could not connect: ${String(error)}` };
  switch (error.code) {
    case 'AUTH_REFUSED':
      return {
        code: String(error.closeCode ?? 4001),
        text: `The login was refused: ${closeCodeWords(error.closeCode ?? 4001)} Check the user id, the appId and the token (and that this user’s home domain is the connector’s).`,
      };
    case 'CONNECT_TIMEOUT':
      return { text: `No answer from ${url} in time: is the connector running, and is that its client endpoint?` };
    case 'CONNECTION_CLOSED':
      return error.closeCode === undefined
        ? { text: `Could not connect to ${url}: ${error.message}` }
        : { code: String(error.closeCode), text: `Could not connect to ${url}: ${closeCodeWords(error.closeCode)}` };
    default:
      return { text: `Could not connect: ${error.message}` };
  }
}
