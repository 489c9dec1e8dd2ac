/**
 * Channel names (docs/protocol.md, Channels): `<appName>:<name>`, the app's name as in user ids, then a name of
 * letters, digits and `_ . - :`. A channel belongs to its app: only that app's users and its server API use it.
 */
export const CHANNEL_PATTERN = /^([A-Za-z0-9_]+):([A-Za-z0-9_.:-]{1,128})$/;

/** The longest channel name, app name and colon included. */
export const MAX_CHANNEL_LENGTH = 200;

/** A channel name split into its app and its name; undefined when it is not one. */
export function parseChannel(channel: string): { appName: string; name: string } | undefined {
  if (channel.length > MAX_CHANNEL_LENGTH) return undefined;
  const match = CHANNEL_PATTERN.exec(channel);
  return match ? { appName: match[1], name: match[2] } : undefined;
}

/**
 * The data of a `PUBLICATION` frame (and of the envelope that carries it from the processors to the connectors):
 * the channel, what was published, and who published it (absent when the app's backend did, through the server API).
 */
export interface PublicationData {
  channel: string;
  data: unknown;
  from?: string;
  /** Its offset in the channel's history in this domain, for a RELIABLE publication to a channel that keeps one. */
  offset?: number;
}
