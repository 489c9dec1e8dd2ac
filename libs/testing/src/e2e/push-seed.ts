import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { NodeWebSocket } from '@linker/client-sdk/node';
import { waitFor } from '../wait-for';

/**
 * The Push service's README ("Testing") and the realtimer's README ("Usage"), their commands as written there: only
 * `http://localhost:8080` / `ws://localhost:8080` is replaced by the address under test (`atAddress`).
 */
export const PUSH_SEED = {
  /** One turn of its `while true; do …; done` publishing loop. */
  publish: `curl -H 'Content-Type: application/json' --request POST --data '{"channel":"qwerty","message":"a message to channel 'qwerty'"}' http://localhost:8080/messages`,
  publishOutput: '{"subscribers":0}',
  sse: `curl 'http://localhost:8080/sse/messages?channels=xyz,qwerty'`,
  /** Its SSE output: a heartbeat, then the message (the shell took the quotes around qwerty out of the curl's body). */
  sseHeartbeat: 'event:heartbeat\ndata:{}',
  sseMessage: 'event:message\ndata:{"channel":"qwerty","message":"a message to channel qwerty"}',
  /** Its `websocat -v` line's URL. */
  ws: 'ws://localhost:8080/ws/messages?channels=qwerty,xyz',
  wsPing: '{"event":"ping","data":{}}',
  /**
   * Its websocat output shows the message as `a message to channel 'qwerty'`, which its own curl cannot publish (the
   * shell removes those quotes, as its SSE output shows): the message that curl publishes is expected.
   */
  wsMessage: '{"event":"message","data":{"channel":"qwerty","message":"a message to channel qwerty"}}',
} as const;

export const REALTIMER_SEED = {
  publish: 'curl http://localhost:8080/testUserId?data=testData',
  /** What a Push subscriber of `testUserId` (the channel `<app>:testUserId`) gets from it. */
  sseMessage: 'event:message\ndata:{"channel":"testUserId","message":"testData"}',
} as const;

const SEED_ADDRESS = /(http|ws):\/\/localhost:8080/g;
const RUN_MS = 10_000;

/** `command` with the seed's `localhost:8080` replaced by `base`'s host and port (`http://127.0.0.1:1234`). */
export function atAddress(command: string, base: string): string {
  const { host } = new URL(base);
  return command.replace(SEED_ADDRESS, (_all, scheme: string) => `${scheme}://${host}`);
}

/** Run a shell command line as written (bash, so its quoting is the README's); its stdout. Killed after 10 s. */
export function runCommand(command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', ['-c', command], { timeout: RUN_MS }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} failed: ${error.message} ${stderr}`));
      else resolve(stdout);
    });
  });
}

/** A long-running command (the seed's SSE curl): what it printed so far; `stop()` kills it. */
export class StreamingCommand {
  private text = '';
  private readonly child: ChildProcess;

  constructor(
    readonly command: string,
    lifetimeMs = 60_000,
  ) {
    // On a terminal curl prints what arrives at once; into a pipe it would buffer its stdout: `stdbuf -o0` makes it
    // print as on a terminal.
    this.child = spawn('bash', ['-c', `exec stdbuf -o0 ${command}`], { stdio: ['ignore', 'pipe', 'ignore'], timeout: lifetimeMs });
    this.child.stdout?.on('data', (chunk: Buffer) => (this.text += chunk.toString()));
  }

  get output(): string {
    return this.text;
  }

  /** The Server-Sent Events printed so far (each one's lines, without the blank line that ends it). */
  events(): string[] {
    return this.text.split('\n\n').slice(0, -1);
  }

  /** Wait until `count` events equal to `event` were printed. */
  until(event: string, count = 1, timeoutMs = RUN_MS): Promise<string[]> {
    return waitFor(
      `${count} × ${JSON.stringify(event)} from ${this.command} (printed: ${JSON.stringify(this.text.slice(-300))})`,
      () => {
        const events = this.events();
        return events.filter((e) => e === event).length >= count && events;
      },
      { timeoutMs },
    );
  }

  /** Kill it and wait for its end. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const ended = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await ended;
  }
}

/** A WebSocket that records every text frame as it came (the seed's `websocat` line). */
export class TextSocket {
  readonly texts: string[] = [];

  closeCode: number | undefined;
  private readonly socket: NodeWebSocket;

  constructor(readonly url: string) {
    this.socket = new NodeWebSocket(url);
    this.socket.onmessage = (event) => this.texts.push(String(event.data));
    this.socket.onclose = (event) => (this.closeCode = event.code);
  }

  /** Wait until `count` frames equal to `text` arrived. */
  until(text: string, count = 1, timeoutMs = RUN_MS): Promise<string[]> {
    return waitFor(
      `${count} × ${text} on ${this.url} (received: ${JSON.stringify(this.texts.slice(-5))}, closed: ${this.closeCode})`,
      () => this.texts.filter((t) => t === text).length >= count && this.texts,
      { timeoutMs },
    );
  }

  async close(): Promise<void> {
    if (this.closeCode !== undefined) return;
    if (this.socket.readyState === 0 || this.socket.readyState === 1) this.socket.close(1000, 'test done');
    await waitFor(`${this.url} to close`, () => this.closeCode !== undefined, { timeoutMs: RUN_MS });
  }
}
