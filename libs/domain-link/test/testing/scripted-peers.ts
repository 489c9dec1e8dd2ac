import { randomBytes } from 'node:crypto';
import type { FrameSocket } from '../../src/core/frame-socket';

/** What a scripted peer saw. */
export interface PeerLog {
  batches: number;
  frames: string[];
}

/**
 * A server that claims to be `domain` without knowing its secret: it sends a challenge, answers any hello with a
 * welcome whose proof is random, and acks every batch (it would swallow envelopes if a dialer believed it).
 */
export function impostorServer(domain: string, log: PeerLog): (socket: FrameSocket) => void {
  return (socket) => {
    socket.onFrame((data) => {
      const text = data.toString('utf8');
      log.frames.push(text);
      const frame = JSON.parse(text) as { type: string; seq?: number };
      if (frame.type === 'hello') socket.send(JSON.stringify({ type: 'welcome', proof: randomBytes(32).toString('base64url') }));
      if (frame.type === 'batch') {
        log.batches += 1;
        socket.send(JSON.stringify({ type: 'ack', seq: frame.seq }));
      }
    });
    socket.send(JSON.stringify({ type: 'challenge', domain, nonce: randomBytes(24).toString('base64url') }));
  };
}
