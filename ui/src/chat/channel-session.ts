import { LinkerClientError, type LinkerClient } from '@linker/client-sdk';
import { Observable } from '../store';
import { errorCodeWords } from '../words';
import { ChannelList, parseData, type DataFormat, type Publication } from './channel-list';
import type { Lane } from './chat-log';

/** The last PUBLISH of the console: `sent`, then `accepted` (ACCEPTED came) or `refused` (with the code). */
export interface PublishOutcome {
  channel: string;
  reference: string;
  status: 'sent' | 'accepted' | 'refused';
  code?: string;
  text?: string;
}

/** An error for the session's list, in words (`code`: the protocol's, when there is one). */
export type ReportError = (error: { code?: string; text: string }) => void;

/** Publications tell the screens at most this often (a busy channel brings hundreds a second). */
const NOTIFY_EVERY_MS = 100;

/**
 * The channels of one console session, over its `LinkerClient` (which subscribes again after a reconnect and
 * recovers what the history kept): subscribe, unsubscribe, publish, and what came (`ChannelList`). No DOM.
 */
export class ChannelSession extends Observable {
  list = new ChannelList();
  lastPublish?: PublishOutcome;
  private client?: LinkerClient;
  private readonly publicationListeners = new Set<(publication: Publication) => void>();
  private notifyTimer?: ReturnType<typeof setTimeout>;

  constructor(private readonly report: ReportError) {
    super();
  }

  /** The session's new connection: its channels start empty. */
  attach(client: LinkerClient): void {
    this.client = client;
    this.list = new ChannelList();
    this.lastPublish = undefined;
    this.wire(client);
    this.changed();
  }

  /** The connection is closed for good. */
  detach(): void {
    this.client = undefined;
    this.changed();
  }

  /** Call `listener` with each publication as it arrives (the team map); returns its removal. */
  onPublication(listener: (publication: Publication) => void): () => void {
    this.publicationListeners.add(listener);
    return () => void this.publicationListeners.delete(listener);
  }

  /** SUBSCRIBE to `channel` (with a subscription token when given); a refusal shows on the channel, with its code. */
  async subscribeTo(channelText: string, token: string): Promise<void> {
    const channel = channelText.trim();
    const client = this.client;
    if (channel === '') return this.report({ text: 'Write the channel’s name first (e.g. ANZ:team-1).' });
    if (!client) return this.report({ text: 'Not connected: sign in first, then subscribe.' });
    this.list.subscribing(channel);
    this.changed();
    try {
      await client.subscribe(channel, token === '' ? undefined : token);
    } catch (error) {
      if (this.client !== client) return;
      const code = error instanceof LinkerClientError ? error.serverCode : undefined;
      // The server's refusals are in the error list already (the session lists every INVALID_MESSAGE).
      if (code === undefined) this.report({ text: `Not subscribed to ${channel}: ${(error as Error).message}.` });
      this.list.refused(channel, code, code === undefined ? (error as Error).message : errorCodeWords(code));
    }
    this.changed();
  }

  /** UNSUBSCRIBE (a refused channel just leaves the list: the server holds nothing of it). */
  async unsubscribeFrom(channel: string): Promise<void> {
    const refused = this.list.get(channel)?.state === 'refused';
    this.list.removed(channel);
    this.changed();
    const client = this.client;
    if (!client || refused) return;
    await client
      .unsubscribe(channel)
      .catch((error: Error) => this.report({ text: `Unsubscribing from ${channel} failed: ${error.message}.` }));
  }

  /** PUBLISH the text typed (a string, or the JSON value it spells) on `lane`; false when it could not be sent. */
  publish(channelText: string, text: string, format: DataFormat, lane: Lane): boolean {
    const channel = channelText.trim();
    if (channel === '') return this.refuse('Write the channel to publish to first.');
    const parsed = parseData(text, format);
    if (!parsed.ok) return this.refuse(parsed.why);
    try {
      const reference = this.publishData(channel, parsed.data, lane);
      this.lastPublish = { channel, reference, status: 'sent' };
      this.changed();
      return true;
    } catch (error) {
      return this.refuse(`Not published: ${(error as Error).message}.`);
    }
  }

  /** PUBLISH `data` as it is; returns its reference. Throws when it cannot be sent (not connected). */
  publishData(channel: string, data: unknown, lane: Lane): string {
    if (!this.client) throw new LinkerClientError('NOT_CONNECTED', 'not connected: sign in first');
    return this.client.publish(channel, data, { feature: lane });
  }

  private wire(client: LinkerClient): void {
    const live = (): boolean => this.client === client;
    client.on('subscribed', (event) => {
      if (!live()) return;
      this.list.subscribed(event);
      this.changed();
    });
    client.on('publication', (publication) => {
      if (!live()) return;
      const entry = this.list.receive(publication);
      for (const listener of [...this.publicationListeners]) listener(entry);
      this.changedSoon();
    });
    client.on('accepted', ({ reference }) => {
      const last = this.lastPublish;
      if (!live() || reference === undefined || last?.reference !== reference || last.status !== 'sent') return;
      last.status = 'accepted';
      this.changed();
    });
    client.on('error', ({ code, reference }) => {
      const last = this.lastPublish;
      if (!live() || reference === undefined || last?.reference !== reference) return;
      this.lastPublish = { ...last, status: 'refused', code, text: errorCodeWords(code) };
      this.changed();
    });
  }

  private refuse(text: string): false {
    this.report({ text });
    return false;
  }

  /** Tell the screens soon: one re-render for a burst of publications. */
  private changedSoon(): void {
    this.notifyTimer ??= setTimeout(() => {
      this.notifyTimer = undefined;
      this.changed();
    }, NOTIFY_EVERY_MS);
  }
}
