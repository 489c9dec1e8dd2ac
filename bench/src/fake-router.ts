/**
 * A bare `ws` relay that speaks just enough of the client protocol for the benchmark (AUTH_CLIENT, MESSAGE,
 * FETCH_MISSING_MESSAGES_REQUEST with an in-memory mailbox). The `baseline` scenario runs it as a child process to
 * show what the load generator and one WebSocket hop cost by themselves, with no product code involved.
 * Usage: node --import tsx bench/src/fake-router.ts [port]   (prints "listening <port>")
 */
import { WebSocketServer, type WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';

interface Frame {
  type?: string;
  feature?: string;
  data?: { userId?: string; to?: string; content?: string; count?: number; ack?: boolean; ids?: string[] };
}

/** Ack mode: fetched messages stay pending per socket until acknowledged, and go back to the mailbox on close. */
const pending = new Map<WebSocket, Map<string, string>>();

const sockets = new Map<string, Set<WebSocket>>();
const mailbox = new Map<string, string[]>();
let nextId = 0;

function deliver(to: string, text: string, reliable: boolean): void {
  const targets = sockets.get(to);
  if (targets && targets.size > 0) for (const socket of targets) socket.send(text);
  else if (reliable) (mailbox.get(to) ?? mailbox.set(to, []).get(to)!).push(text);
}

function fetch(socket: WebSocket, user: string, count: number): void {
  const stored = mailbox.get(user) ?? [];
  const batch = stored.splice(0, Math.min(count, 2000));
  for (const text of batch) {
    pending.get(socket)?.set(String((JSON.parse(text) as { id: string }).id), text);
    socket.send(text);
  }
  socket.send(JSON.stringify({ type: 'FETCH_MISSING_MESSAGES_COMPLETE', data: { leftMissingCount: stored.length } }));
}

function onFrame(socket: WebSocket, user: string | undefined, frame: Frame): string | undefined {
  if (frame.type === 'AUTH_CLIENT' && frame.data?.userId) {
    const id = frame.data.userId;
    (sockets.get(id) ?? sockets.set(id, new Set()).get(id)!).add(socket);
    if (frame.data.ack) pending.set(socket, new Map());
    socket.send(JSON.stringify({ type: 'AUTH_CLIENT_REPLY', data: { appId: 'bench', userId: id, isAuthenticated: true } }));
    return id;
  }
  if (!user) return user;
  if (frame.type === 'MESSAGE' && frame.data?.to) {
    const text = JSON.stringify({ type: 'MESSAGE', data: { from: user, content: frame.data.content }, id: String(nextId++) });
    deliver(frame.data.to, text, frame.feature !== 'FAST');
  } else if (frame.type === 'FETCH_MISSING_MESSAGES_REQUEST') {
    fetch(socket, user, frame.data?.count ?? 1);
  } else if (frame.type === 'MESSAGE_ACK') {
    for (const id of frame.data?.ids ?? []) pending.get(socket)?.delete(id);
  }
  return user;
}

const server = new WebSocketServer({ host: '127.0.0.1', port: Number(process.argv[2] ?? 0), path: '/ws', perMessageDeflate: false });
server.on('connection', (socket) => {
  let user: string | undefined;
  socket.on('message', (raw) => (user = onFrame(socket, user, JSON.parse(raw.toString()) as Frame)));
  socket.on('close', () => {
    if (!user) return;
    sockets.get(user)?.delete(socket);
    const unacknowledged = [...(pending.get(socket)?.values() ?? [])];
    if (unacknowledged.length > 0) (mailbox.get(user) ?? mailbox.set(user, []).get(user)!).unshift(...unacknowledged);
    pending.delete(socket);
  });
});
server.on('listening', () => process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
