import { connect } from 'node:net';

// Just enough of each service's wire protocol for the test harness to ask "are you there?" (and, for MongoDB, to drop a
// database) without its client library: the client libraries may be imported only by their adapters
// (`npm run lint:imports`), and a readiness check needs one request and one reply.

export interface Exchange {
  host?: string;
  port: number;
  /** Bytes to send once connected; none: only read what the server says first (a NATS server's INFO). */
  request?: Buffer | string;
  /** Whether the bytes received so far make the whole reply. */
  complete: (received: Buffer) => boolean;
  timeoutMs: number;
}

/** Connect, send `request`, read until `complete`, close: the reply. Rejects on a refused connection or the deadline. */
export function tcpExchange({ host = '127.0.0.1', port, request, complete, timeoutMs }: Exchange): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let received = Buffer.alloc(0);
    const finish = (error: Error | undefined): void => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(received);
    };
    const timer = setTimeout(() => finish(new Error(`no complete reply from ${host}:${port} within ${timeoutMs} ms`)), timeoutMs);
    socket.on('connect', () => {
      if (request !== undefined) socket.write(request);
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (complete(received)) finish(undefined);
    });
    socket.on('error', finish);
    socket.on('close', () => finish(new Error(`${host}:${port} closed the connection before a complete reply`)));
  });
}

/** Whether `exchange` gets a reply that `accept` likes; any failure (refused, timed out, closed) is a no. */
export async function answers(exchange: Exchange, accept: (reply: Buffer) => boolean): Promise<boolean> {
  return tcpExchange(exchange).then(accept, () => false);
}

/** A reply line of a line protocol (Redis, NATS) is there. */
export const lineReceived = (received: Buffer): boolean => received.includes('\r\n');

/** A frame whose 4-byte length prefix (`littleEndian`: MongoDB; big-endian: Kafka, which excludes the prefix) is all in. */
export function frameReceived(received: Buffer, littleEndian: boolean): boolean {
  if (received.length < 4) return false;
  return littleEndian ? received.length >= received.readInt32LE(0) : received.length >= 4 + received.readInt32BE(0);
}

/**
 * A Kafka Metadata request (v1) for no topics (or, with `allTopics`, every topic). A broker answers it once it serves
 * clients; the reply lists the live brokers (see `kafkaBrokerCount`), then the topics with their names.
 */
export function kafkaMetadataRequest(allTopics = false): Buffer {
  const clientId = Buffer.from('linker-testing');
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length + 4);
  let offset = body.writeInt16BE(3, 0); // api key: Metadata
  offset = body.writeInt16BE(1, offset); // api version 1
  offset = body.writeInt32BE(1, offset); // correlation id
  offset = body.writeInt16BE(clientId.length, offset);
  offset += clientId.copy(body, offset);
  body.writeInt32BE(allTopics ? -1 : 0, offset); // topics: null (v1: all of them) or an empty array (none)
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length, 0);
  return Buffer.concat([size, body]);
}

/** The number of brokers a Metadata v1 reply lists (size, correlation id, then the brokers array). */
export function kafkaBrokerCount(reply: Buffer): number {
  return reply.length >= 12 && reply.readInt32BE(4) === 1 ? reply.readInt32BE(8) : 0;
}

/** One MongoDB command as an OP_MSG (section kind 0): `fields` in order, e.g. `[['hello', 1], ['$db', 'admin']]`. */
export function mongoCommand(fields: Array<[string, number | string]>): Buffer {
  const body = Buffer.concat([Buffer.from([0, 0, 0, 0]), Buffer.from([0]), bsonDocument(fields)]); // flagBits, kind 0
  const header = Buffer.alloc(16);
  header.writeInt32LE(16 + body.length, 0);
  header.writeInt32LE(1, 4); // requestID
  header.writeInt32LE(0, 8); // responseTo
  header.writeInt32LE(2013, 12); // OP_MSG
  return Buffer.concat([header, body]);
}

/** Whether an OP_MSG reply says `ok: 1` (the double field `ok` of its document). */
export function mongoReplyOk(reply: Buffer): boolean {
  const ok = reply.indexOf(Buffer.from([0x01, ...Buffer.from('ok\0')]));
  return reply.length >= 16 && reply.readInt32LE(12) === 2013 && ok >= 0 && reply.length >= ok + 12 && reply.readDoubleLE(ok + 4) === 1;
}

/** A BSON document of int32 and string fields (all the harness's commands need). */
function bsonDocument(fields: Array<[string, number | string]>): Buffer {
  const elements = fields.map(([name, value]) => {
    const key = Buffer.from(`${name}\0`, 'utf8');
    if (typeof value === 'number') {
      const int = Buffer.alloc(4);
      int.writeInt32LE(value, 0);
      return Buffer.concat([Buffer.from([0x10]), key, int]);
    }
    const text = Buffer.from(`${value}\0`, 'utf8');
    const length = Buffer.alloc(4);
    length.writeInt32LE(text.length, 0);
    return Buffer.concat([Buffer.from([0x02]), key, length, text]);
  });
  const content = Buffer.concat([...elements, Buffer.from([0])]);
  const size = Buffer.alloc(4);
  size.writeInt32LE(4 + content.length, 0);
  return Buffer.concat([size, content]);
}
