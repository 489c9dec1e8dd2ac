import type { ChainableCommander, Redis } from 'ioredis';
import type { SocketAddress } from '@linker/contracts';
import { ADD, CLAIM, END_LEASE, HEARTBEAT, LOOKUP, LOOKUP_RAW, RELEASE, REMOVE, SWEEP } from './presence-scripts';

type Arg = string | number;

/** LOOKUP's reply: (user index from 1, connector, socketId, domain) for each live socket, flat. */
export type LookupReply = (number | string)[];

/** LOOKUP_RAW's reply: Redis time (epoch ms), the leases (connector, deadline, flat), and every socket as LOOKUP's. */
type RawLookupReply = [number, string[], LookupReply];

/** The scripts of `presence-scripts.ts` as ioredis commands (sent with EVALSHA, loaded on first use per connection). */
interface PresenceCommands {
  linkerPresenceLookup(numberOfKeys: number, ...keys: (string | string[])[]): Promise<LookupReply>;
  linkerPresenceLookupRaw(numberOfKeys: number, ...args: (Arg | string[])[]): Promise<RawLookupReply>;
  linkerPresenceAdd(...args: Arg[]): Promise<number>;
  linkerPresenceRemove(...args: Arg[]): Promise<number>;
  /** 1 when heartbeats had kept the lease alive, 0 when it was taken anew. */
  linkerPresenceHeartbeat(...args: Arg[]): Promise<number>;
  linkerPresenceEndLease(...args: Arg[]): Promise<number>;
  linkerPresenceSweep(...args: Arg[]): Promise<[number, number]>;
  /** [connector, token], or null when nothing is claimable. */
  linkerPresenceClaim(...args: Arg[]): Promise<[string, number] | null>;
  linkerPresenceRelease(...args: Arg[]): Promise<number>;
}

/** The same commands queued on a pipeline. */
export interface PresencePipeline extends ChainableCommander {
  linkerPresenceAdd(...args: Arg[]): PresencePipeline;
  linkerPresenceHeartbeat(...args: Arg[]): PresencePipeline;
  linkerPresenceSweep(...args: Arg[]): PresencePipeline;
}

export type PresenceClient = Redis & PresenceCommands;

/** Define the presence scripts on `client` (idempotent: defining the same script twice is harmless). */
export function definePresenceCommands(client: Redis): PresenceClient {
  client.defineCommand('linkerPresenceLookup', { lua: LOOKUP, readOnly: true });
  client.defineCommand('linkerPresenceLookupRaw', { lua: LOOKUP_RAW, readOnly: true });
  client.defineCommand('linkerPresenceAdd', { lua: ADD, numberOfKeys: 4 });
  client.defineCommand('linkerPresenceRemove', { lua: REMOVE, numberOfKeys: 2 });
  client.defineCommand('linkerPresenceHeartbeat', { lua: HEARTBEAT, numberOfKeys: 2 });
  client.defineCommand('linkerPresenceEndLease', { lua: END_LEASE, numberOfKeys: 2 });
  client.defineCommand('linkerPresenceSweep', { lua: SWEEP, numberOfKeys: 3 });
  client.defineCommand('linkerPresenceClaim', { lua: CLAIM, numberOfKeys: 2 });
  client.defineCommand('linkerPresenceRelease', { lua: RELEASE, numberOfKeys: 1 });
  return client as PresenceClient;
}

/** `byteLength(a) ":" a b`: injective for any two strings; the scripts split it by byte offsets. */
export function pair(a: string, b: string): string {
  return `${Buffer.byteLength(a)}:${a}${b}`;
}

/** Appends the sockets of LOOKUP's reply to `into[userIndex - 1]`. */
export function decodeSockets(reply: LookupReply, into: readonly SocketAddress[][]): void {
  for (let i = 0; i < reply.length; i += 4) {
    into[(reply[i] as number) - 1].push({
      domain: reply[i + 3] as string,
      connector: reply[i + 1] as string,
      socketId: reply[i + 2] as string,
    });
  }
}
