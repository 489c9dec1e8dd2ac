/** What the chat console shows: the messages of one session, grouped into conversations. Pure, no DOM. */

export type Lane = 'RELIABLE' | 'FAST';
export type MessageKind = 'MESSAGE' | 'GROUP_MESSAGE';

/** `sent` until the MESSAGE_CONFIRMATION arrives (`delivered`); `refused` when the server answered INVALID_MESSAGE. */
type OutStatus = 'sent' | 'delivered' | 'refused';

export interface ChatMessage {
  /** Unique in the log (the element key). */
  key: string;
  direction: 'in' | 'out';
  from: string;
  /** The recipient; for a group message, the recipients joined by commas. */
  to: string;
  /** The conversation it belongs to: the other user, or for a group message sent, its recipients. */
  peer: string;
  content: string;
  kind: MessageKind;
  lane?: Lane;
  reference?: string;
  /** The message id (messages received). */
  id?: string;
  status?: OutStatus;
  /** The domains a delivered message crossed (confirmations of messages to other domains carry it). */
  path?: string[];
  /** Why the server refused it, in words. */
  refusal?: string;
  /** Brought by FETCH_MISSING_MESSAGES_REQUEST (it was stored while this user was offline). */
  fetched?: boolean;
  time: number;
}

export interface Conversation {
  peer: string;
  group: boolean;
  count: number;
  last: ChatMessage;
}

/** The conversation key of a group: its distinct recipients, sorted, joined by commas. */
export function groupPeer(recipients: readonly string[]): string {
  return [...new Set(recipients)].sort().join(',');
}

/** Recipient ids as typed: split at commas or spaces, blanks dropped, duplicates kept once. */
export function parseRecipients(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,]+/)
        .map((id) => id.trim())
        .filter((id) => id !== ''),
    ),
  ];
}

export class ChatLog {
  private readonly list: ChatMessage[] = [];
  private readonly seenIds = new Set<string>();
  private serial = 0;

  constructor(private readonly now: () => number = Date.now) {}

  get messages(): readonly ChatMessage[] {
    return this.list;
  }

  /** A message this user sent. */
  addOut(message: { from: string; to: string[]; content: string; kind: MessageKind; lane: Lane; reference: string }): ChatMessage {
    const group = message.kind === 'GROUP_MESSAGE';
    return this.push({
      direction: 'out',
      from: message.from,
      to: message.to.join(','),
      peer: group ? groupPeer(message.to) : message.to[0],
      content: message.content,
      kind: message.kind,
      lane: message.lane,
      reference: message.reference,
      status: 'sent',
    });
  }

  /** A message received (live or fetched); a message id seen before is not added twice (returns undefined). */
  addIn(message: {
    id?: string;
    from: string;
    to: string;
    content: string;
    reference?: string;
    fetched?: boolean;
  }): ChatMessage | undefined {
    if (message.id !== undefined) {
      if (this.seenIds.has(message.id)) return undefined;
      this.seenIds.add(message.id);
    }
    return this.push({
      direction: 'in',
      from: message.from,
      to: message.to,
      peer: message.from,
      content: message.content,
      kind: 'MESSAGE',
      reference: message.reference,
      id: message.id,
      fetched: message.fetched,
    });
  }

  /** The MESSAGE_CONFIRMATION of `reference` arrived: that message is delivered. False when no sent message has it. */
  confirm(reference: string, path?: string[]): boolean {
    const message = this.outgoing(reference);
    if (!message) return false;
    message.status = 'delivered';
    if (path !== undefined) message.path = path;
    return true;
  }

  /** The server refused the frame of `reference`. False when no sent message has it. */
  refuse(reference: string, why: string): boolean {
    const message = this.outgoing(reference);
    if (!message) return false;
    message.status = 'refused';
    message.refusal = why;
    return true;
  }

  /** One conversation per peer, the most recent first. */
  conversations(): Conversation[] {
    const byPeer = new Map<string, Conversation & { at: number }>();
    this.list.forEach((message, at) => {
      const known = byPeer.get(message.peer);
      byPeer.set(message.peer, {
        peer: message.peer,
        group: message.peer.includes(','),
        count: (known?.count ?? 0) + 1,
        last: message,
        at,
      });
    });
    return [...byPeer.values()].sort((a, b) => b.at - a.at).map(({ at: _, ...conversation }) => conversation);
  }

  /** The messages of one conversation, or every message (`undefined`). */
  of(peer: string | undefined): ChatMessage[] {
    return peer === undefined ? [...this.list] : this.list.filter((m) => m.peer === peer);
  }

  private outgoing(reference: string): ChatMessage | undefined {
    for (let i = this.list.length - 1; i >= 0; i--) {
      const message = this.list[i];
      if (message.direction === 'out' && message.reference === reference) return message;
    }
    return undefined;
  }

  private push(fields: Omit<ChatMessage, 'key' | 'time'>): ChatMessage {
    this.serial += 1;
    const message: ChatMessage = { key: `m${this.serial}`, time: this.now(), ...fields };
    this.list.push(message);
    return message;
  }
}
