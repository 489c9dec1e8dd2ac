import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';

const WAIT_MS = 10_000;

/** A client frame as RFC 6455 lays it out, with its first byte (FIN, RSV bits, opcode) given and a masked payload (< 126 bytes). */
export function clientFrame(firstByte: number, payload: Buffer, masked = true): Buffer {
  if (!masked) return Buffer.concat([Buffer.from([firstByte, payload.length]), payload]);
  const mask = randomBytes(4);
  return Buffer.concat([Buffer.from([firstByte, 0x80 | payload.length]), mask, Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]))]);
}

/**
 * Upgrade to a WebSocket at `url` by hand, write `bytes` as they are once upgraded (frames no WebSocket client would
 * send), and resolve with the status code of the close frame the server answers with (undefined: it closed without
 * one). Rejects if the upgrade is refused or nothing happens within 10 s; the connection is always destroyed.
 */
export function closeCodeFor(url: string, bytes: Buffer): Promise<number | undefined> {
  const { hostname, port, pathname } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const timer = setTimeout(() => socket.destroy(new Error(`no close from ${url} within ${WAIT_MS} ms`)), WAIT_MS);
    let received = Buffer.alloc(0);
    let upgraded = false;
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (upgraded || !received.includes('\r\n\r\n')) return;
      const head = received.subarray(0, received.indexOf('\r\n\r\n')).toString();
      if (!head.startsWith('HTTP/1.1 101')) return socket.destroy(new Error(`upgrade refused: ${head.split('\r\n')[0]}`));
      upgraded = true;
      received = received.subarray(received.indexOf('\r\n\r\n') + 4);
      socket.write(bytes);
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      // A close frame from the server: opcode 8, unmasked, its status code in the first two payload bytes.
      resolve((received[0] & 0x0f) === 8 && received.length >= 4 ? received.readUInt16BE(2) : undefined);
    });
    const key = randomBytes(16).toString('base64');
    socket.write(
      `GET ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
  });
}
