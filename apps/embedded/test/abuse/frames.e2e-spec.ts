import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { CLOSE_CODES } from '@linker/contracts';
import { runAbuseCase, startEmbeddedDomain, waitFor, wellBehavedPair, type AbuseCase, type EmbeddedDomain } from '@linker/testing';
import { fuzzFrame, nestedArrays, NOT_UTF8 } from '@linker/testing/e2e/frame-fuzz';
import { FuzzFleet } from '@linker/testing/e2e/fuzz-fleet';
import { RawSocket } from '@linker/testing/e2e/raw-socket';
import { clientFrame, closeCodeFor } from '@linker/testing/e2e/raw-wire';
import type { Topology } from '@linker/topology';

// Abuse cases with hostile frames (`npm run build` first): what each gets is the README's documented answer, while a
// well-behaved pair keeps chatting and loses nothing.

const DOMAIN = 'abuse-frames';
const ANZ = { appName: 'ANZ', appId: 'app-id-343', master: 'ANZ-123223' } as const;
const TOPOLOGY: Topology = {
  domains: [{ name: DOMAIN, urls: ['ws://127.0.0.1:8089', 'ws://127.0.0.1:9089'] }],
  domainLinks: [],
  clientApps: [{ appName: ANZ.appName, appId: ANZ.appId, masterUserId: ANZ.master, authEnabled: false }],
};
/** Users: each case's pair from ANZ-1000000 (ten numbers each), the fuzz's from ANZ-2000000, the other cases' from ANZ-3000000. */
const PAIR = 1_000_000;
const FUZZ = 2_000_000;
let nextUser = 3_000_000;
const freshUser = (): string => `${ANZ.appName}-${nextUser++}`;
let pairs = 0;
/** Each case's pair has users of its own. */
const pairUser = (): ((n: number) => string) => {
  const base = PAIR + 10 * pairs++;
  return (n) => `${ANZ.appName}-${base + n}`;
};

/** Replay a failure with its seed (and the `path` fast-check prints) here. */
const FUZZ_SEED = 20_261_206;
const FUZZ_RUNS = 30;

describe('abuse: hostile frames (embedded mode)', () => {
  jest.setTimeout(180_000);
  let domain: EmbeddedDomain | undefined;

  beforeAll(async () => {
    domain = await startEmbeddedDomain({ topology: TOPOLOGY, domain: DOMAIN });
  }, 60_000);

  afterAll(async () => {
    await domain?.close();
  }, 60_000);

  const url = (): string => (domain as EmbeddedDomain).connectorUrls[0];
  const sockets: RawSocket[] = [];

  afterEach(async () => {
    await Promise.all(sockets.splice(0).map((socket) => socket.close()));
  });

  /** A socket (closed after the test), logged in as `userId` when given. */
  async function socket(userId?: string): Promise<RawSocket> {
    const opened = await RawSocket.open(url(), userId ?? 'not logged in');
    sockets.push(opened);
    if (userId !== undefined) expect((await opened.auth(ANZ.appId, userId)).data.isAuthenticated).toBe(true);
    return opened;
  }

  /** Run `abuse` while a pair chats; the pair must keep everything, and the process must serve on. */
  async function abuseCase(abuse: Omit<AbuseCase, 'pair'>): Promise<void> {
    const result = await runAbuseCase({ ...abuse, pair: wellBehavedPair(url(), ANZ.appId, pairUser()) });
    expect(result.violations).toEqual([]);
    await expectServing();
  }

  /**
   * `text` is refused with `code` and a message matching `pattern`, with `reference` (or none) and `id` (or none); the
   * socket serves on: a PING then gets its PONG (AUTH_REQUIRED before login).
   */
  async function expectRefused(on: RawSocket, text: string, code: string, pattern: RegExp, reference?: string, id?: string): Promise<void> {
    const before = on.all('INVALID_MESSAGE').length;
    on.send(text);
    const [error] = (await on.count('INVALID_MESSAGE', before + 1)).slice(before);
    expect(error).toEqual({
      type: 'INVALID_MESSAGE',
      data: { code, message: expect.stringMatching(pattern), ...(id === undefined ? {} : { id }) },
      ...(reference === undefined ? {} : { reference }),
    });
    const served = on.all('AUTH_CLIENT_REPLY').length > 0 ? 'PONG' : 'AUTH_REQUIRED';
    const answers = on.all(served).length;
    on.send({ type: 'PING', data: {} });
    await on.count(served, answers + 1);
  }

  /** A MESSAGE from `from` is accepted (ACCEPTED with its id and reference) and shown to `to` with its content and reference. */
  async function expectDelivered(
    from: RawSocket,
    to: RawSocket,
    message: { to: string; content: string; id: string; reference?: string },
  ): Promise<void> {
    const { content, id, reference } = message;
    from.send({ type: 'MESSAGE', data: { to: message.to, content }, id, reference });
    expect((await from.next('ACCEPTED', (f) => f.data.id === id)).reference).toBe(reference);
    expect((await to.message(content)).reference).toBe(reference);
  }

  /** The connector's `GET /health`: 200 while it serves, with its socket counts. */
  async function health(): Promise<{ httpStatus: number; sockets: number; authenticated: number }> {
    const response = await fetch(url().replace(/^ws:/, 'http:').replace(/\/ws$/, '/health'));
    return { ...((await response.json()) as { sockets: number; authenticated: number }), httpStatus: response.status };
  }

  /** The process still runs and its connector says it serves. */
  async function expectServing(): Promise<void> {
    expect((domain as EmbeddedDomain).process.child.exitCode).toBeNull();
    expect((await health()).httpStatus).toBe(200);
  }

  /** Files the embedded process has open (sockets included). */
  const openFiles = (): number => readdirSync(`/proc/${(domain as EmbeddedDomain).process.child.pid}/fd`).length;

  it('fuzzed frames on 20 sockets: each answered as documented', async () => {
    await abuseCase({
      name: 'fuzzed frames',
      abuse: `seeded fast-check fuzz (seed ${FUZZ_SEED}, ${FUZZ_RUNS} runs, about 3,000 frames) on 20 sockets, 6 never logged in: random bytes and JSON, text not UTF-8, frames over 64 KiB, every type (internal ones too) with wrong, missing, extra, huge or out-of-range fields; valid frames between`,
      answer:
        "each as documented: INVALID_MESSAGE with the frame's reference (MALFORMED_JSON, INVALID_FIELD, UNKNOWN_TYPE, ALREADY_AUTHENTICATED), AUTH_REQUIRED before login, close 1007 / 1009 / 4001 / 4007 (10 invalid in a row); valid frames served; sockets and files released",
      run: async () => {
        const before = { files: openFiles(), sockets: (await health()).sockets };
        const fleet = await FuzzFleet.start({
          url: url(),
          appId: ANZ.appId,
          authenticated: 14,
          unauthenticated: 6,
          userId: (n) => `${ANZ.appName}-${FUZZ + n}`,
        });
        try {
          console.log(`frame fuzz: seed ${FUZZ_SEED}, ${FUZZ_RUNS} runs`);
          const plays = fc
            .array(fc.tuple(fc.nat({ max: fleet.laneCount - 1 }), fuzzFrame(fleet.targets)), { minLength: 1, maxLength: 200, size: 'max' })
            // A failure names its frame; the whole run is replayed from the seed and path, not read from the log.
            .map((played) => Object.assign(played, { [fc.toStringMethod]: () => `${played.length} frames` }));
          await fc.assert(
            fc.asyncProperty(plays, (played) => fleet.round(played)),
            { seed: FUZZ_SEED, numRuns: FUZZ_RUNS, endOnFailure: true },
          );
          console.log(`frame fuzz answers: ${JSON.stringify(fleet.tally)}; valid messages: ${JSON.stringify(fleet.outcome())}`);
          // Every kind of answer came up (the fuzz is not all of one kind).
          const kinds = [
            'INVALID_MESSAGE MALFORMED_JSON',
            'INVALID_MESSAGE INVALID_FIELD',
            'INVALID_MESSAGE UNKNOWN_TYPE',
            'INVALID_MESSAGE ALREADY_AUTHENTICATED',
            'AUTH_REQUIRED',
            'PONG',
            'ACCEPTED',
            'FETCH_MISSING_MESSAGES_COMPLETE',
            'close 1007',
            'close 1009',
            'close 4001',
            'close 4007',
          ];
          expect(Object.keys(fleet.tally)).toEqual(expect.arrayContaining(kinds));
        } finally {
          await fleet.close();
        }
        // Every socket the fuzz opened and every socket the server closed is gone, with its file.
        await waitFor(
          `the connector back to the pair's ${before.sockets} sockets`,
          async () => (await health()).sockets === before.sockets,
          { timeoutMs: 10_000 },
        );
        await waitFor(`the process back to ${before.files} open files (or fewer)`, () => openFiles() <= before.files, {
          timeoutMs: 10_000,
        });
      },
    });
  });

  it('deep nesting within the frame limit: refused by field', async () => {
    await abuseCase({
      name: 'deep nesting',
      abuse:
        "10,000 nested arrays as a content, a data, a group's to, a reference; 10,000 nested objects in an extra field; 32,000 levels (a frame just under 64 KiB); before and after login",
      answer:
        'INVALID_FIELD naming the field, with the reference unless it is the nested value; AUTH_REQUIRED before login; the socket stays open',
      run: async () => {
        const to = freshUser();
        const recipient = await socket(to);
        const sender = await socket(freshUser());
        const deep = nestedArrays(10_000).text;
        const objects = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
        const cases: Array<[string, RegExp, string | undefined, string?]> = [
          [
            `{"type":"MESSAGE","data":{"to":"${to}","content":${deep}},"reference":"deep-1","id":"deep-1"}`,
            /^data\.content: /,
            'deep-1',
            'deep-1',
          ],
          [`{"type":"MESSAGE","data":${deep},"reference":"deep-2"}`, /^data: /, 'deep-2'],
          [`{"type":"GROUP_MESSAGE","data":{"to":${deep},"content":"x"},"reference":"deep-3"}`, /^data\.to/, 'deep-3'],
          [`{"type":"PING","data":{},"reference":"deep-4","x":${objects}}`, /^x: /, 'deep-4'],
          [`{"type":"PING","data":{},"reference":${deep}}`, /^reference: /, undefined],
          [
            `{"type":"MESSAGE","data":{"to":"${to}","content":${nestedArrays(32_000).text}},"reference":"deep-6"}`,
            /^data\.content: /,
            'deep-6',
          ],
        ];
        for (const [text, pattern, reference, id] of cases) await expectRefused(sender, text, 'INVALID_FIELD', pattern, reference, id);
        const early = await socket();
        early.send(`{"type":"MESSAGE","data":${deep}}`);
        expect(await early.next('AUTH_REQUIRED')).toEqual({ type: 'AUTH_REQUIRED', data: {} });
        await expectRefused(
          early,
          `{"type":"AUTH_CLIENT","data":${deep},"reference":"deep-auth"}`,
          'INVALID_FIELD',
          /^data: /,
          'deep-auth',
        );
        expect(recipient.all('MESSAGE')).toEqual([]);
      },
    });
  });

  it('huge numbers: out of range refused, large counts taken as the most a fetch returns', async () => {
    await abuseCase({
      name: 'huge numbers',
      abuse: 'count 1e309, -1e309, 1e-400 (0), 2^64, 300 digits; reference ±1e309, 2^64, 300 digits; id 1e309',
      answer:
        'INVALID_FIELD for a number not finite, a count not ≥ 1, an id not a string (no reference echoed when it is the bad one); a count over 2,000 fetches at most 2,000 (here: the 3 stored); a numeric reference echoed as text (1e+299)',
      run: async () => {
        const sender = await socket(freshUser());
        for (const [i, number] of ['1e309', '-1e309', '1e-400'].entries()) {
          await expectRefused(
            sender,
            `{"type":"FETCH_MISSING_MESSAGES_REQUEST","data":{"count":${number}},"reference":"n-${i}"}`,
            'INVALID_FIELD',
            /^data\.count: /,
            `n-${i}`,
          );
        }
        for (const number of ['1e309', '-1e309'])
          await expectRefused(sender, `{"type":"PING","data":{},"reference":${number}}`, 'INVALID_FIELD', /^reference: /);
        await expectRefused(
          sender,
          `{"type":"MESSAGE","data":{"to":"${freshUser()}","content":"x"},"id":1e309,"reference":"n-id"}`,
          'INVALID_FIELD',
          /^id: /,
          'n-id',
        );
        const toId = freshUser();
        const stored = ['stored 1', 'stored 2', 'stored 3'];
        for (const content of stored) {
          sender.send({ type: 'MESSAGE', data: { to: toId, content }, id: content });
          await sender.next('ACCEPTED', (f) => f.data.id === content);
        }
        const to = await socket(toId);
        await waitFor(
          'the 3 stored messages fetched with a count of 2^64',
          () => {
            to.send('{"type":"FETCH_MISSING_MESSAGES_REQUEST","data":{"count":18446744073709551616}}');
            return to.all('MESSAGE').length >= 3;
          },
          { timeoutMs: 10_000, intervalMs: 300 },
        );
        expect(to.all('MESSAGE').map((f) => f.data.content)).toEqual(stored);
        to.send(`{"type":"FETCH_MISSING_MESSAGES_REQUEST","data":{"count":1${'0'.repeat(299)}}}`);
        const completes = to.all('FETCH_MISSING_MESSAGES_COMPLETE').length;
        expect((await to.count('FETCH_MISSING_MESSAGES_COMPLETE', completes + 1)).pop()).toEqual({
          type: 'FETCH_MISSING_MESSAGES_COMPLETE',
          data: { leftMissingCount: 0 },
        });
        expect(to.all('INVALID_MESSAGE')).toEqual([]);
        for (const [number, echoed] of [
          [`1${'0'.repeat(299)}`, '1e+299'],
          ['18446744073709551616', '18446744073709552000'],
        ]) {
          sender.send(`{"type":"MESSAGE","data":{"to":"${toId}","content":"ref ${echoed}"},"id":"ref ${echoed}","reference":${number}}`);
          expect((await sender.next('ACCEPTED', (f) => f.data.id === `ref ${echoed}`)).reference).toBe(echoed);
          expect((await to.message(`ref ${echoed}`)).reference).toBe(echoed);
        }
      },
    });
  });

  it('NUL bytes in strings and field names: kept in content, refused in names and ids', async () => {
    await abuseCase({
      name: 'NUL bytes',
      abuse:
        'NUL (\\u0000) in a content, a reference, a client id, a field name, a type, a recipient, a login user id; a raw NUL inside a JSON string',
      answer:
        'content, reference and id carried unchanged; INVALID_FIELD, UNKNOWN_TYPE, UNKNOWN_RECIPIENT_APP, login refused (4001); MALFORMED_JSON for the raw byte',
      run: async () => {
        const toId = freshUser();
        const to = await socket(toId);
        const sender = await socket(freshUser());
        await expectDelivered(sender, to, { to: toId, content: 'a\u0000b\u0000', id: 'id\u0000', reference: 'ref\u0000' });
        expect((await sender.next('MESSAGE_CONFIRMATION')).data).toEqual({ reference: 'ref\u0000' });
        await expectRefused(
          sender,
          JSON.stringify({ type: 'MESSAGE', data: { 'to\u0000': toId, content: 'x' }, reference: 'nul-1' }),
          'INVALID_FIELD',
          /^data/,
          'nul-1',
        );
        /* eslint-disable no-control-regex -- the NUL in the answers is what these two cases check */
        await expectRefused(
          sender,
          JSON.stringify({ type: 'PING', data: {}, reference: 'nul-2', '\u0000': 1 }),
          'INVALID_FIELD',
          /^\u0000: /,
          'nul-2',
        );
        await expectRefused(
          sender,
          JSON.stringify({ type: 'PING\u0000', data: {}, reference: 'nul-3' }),
          'UNKNOWN_TYPE',
          /PING\u0000/,
          'nul-3',
        );
        /* eslint-enable no-control-regex */
        await expectRefused(sender, '{"type":"PING","data":{},"reference":"a\u0000b"}', 'MALFORMED_JSON', /JSON/); // a NUL character, not its escape
        sender.send({ type: 'MESSAGE', data: { to: `${toId}\u0000`, content: 'x' }, reference: 'nul-4' });
        expect((await sender.error('UNKNOWN_RECIPIENT_APP', 'nul-4')).data.message).toContain(`${toId}\u0000`);
        const login = await socket();
        expect((await login.auth(ANZ.appId, `${freshUser()}\u0000`)).data.isAuthenticated).toBe(false);
        expect((await login.closed()).code).toBe(CLOSE_CODES.AUTH_FAILED.code);
        expect(to.all('MESSAGE')).toHaveLength(1);
      },
    });
  });

  it('lone surrogates: carried unchanged, refused where an id must be an id', async () => {
    await abuseCase({
      name: 'lone surrogates',
      abuse:
        'escaped lone surrogates (\\ud800, \\udc00, a reversed pair) in a content, a reference and client ids, live and through the mailbox; in a type, a recipient, a login user id',
      answer:
        'carried unchanged (two ids differing only in a surrogate are two messages); UNKNOWN_TYPE, UNKNOWN_RECIPIENT_APP, login refused (4001)',
      run: async () => {
        const toId = freshUser();
        const to = await socket(toId);
        const sender = await socket(freshUser());
        const content = 'high \ud800, low \udc00, reversed \udc00\ud800';
        await expectDelivered(sender, to, { to: toId, content, id: '\ud800', reference: '\udfff' });
        await expectDelivered(sender, to, { to: toId, content: `${content} again`, id: '\udc00' });
        const [first, second] = to.all('MESSAGE').map((f) => f.id);
        expect(first).not.toBe(second);
        const offlineId = freshUser();
        sender.send({ type: 'MESSAGE', data: { to: offlineId, content: `${content} stored` }, id: 'stored \ud800' });
        await sender.next('ACCEPTED', (f) => f.data.id === 'stored \ud800');
        const offline = await socket(offlineId);
        await waitFor(
          'the stored message fetched',
          () => {
            offline.send({ type: 'FETCH_MISSING_MESSAGES_REQUEST', data: { count: 10 } });
            return offline.all('MESSAGE').length >= 1;
          },
          { timeoutMs: 10_000, intervalMs: 300 },
        );
        expect(offline.all('MESSAGE').map((f) => f.data.content)).toEqual([`${content} stored`]);
        await expectRefused(
          sender,
          JSON.stringify({ type: 'PING\ud800', data: {}, reference: 'sur-1' }),
          'UNKNOWN_TYPE',
          /PING\ud800/,
          'sur-1',
        );
        sender.send({ type: 'MESSAGE', data: { to: `${toId}\ud800`, content: 'x' }, reference: 'sur-2' });
        await sender.error('UNKNOWN_RECIPIENT_APP', 'sur-2');
        const login = await socket();
        expect((await login.auth(ANZ.appId, `${freshUser()}\udc00`)).data.isAuthenticated).toBe(false);
        expect((await login.closed()).code).toBe(CLOSE_CODES.AUTH_FAILED.code);
      },
    });
  });

  it('text frames that are not UTF-8: closed with 1007; the same bytes in a binary frame refused', async () => {
    await abuseCase({
      name: 'invalid UTF-8',
      abuse:
        '9 kinds of bytes that are not UTF-8 (0xff, overlong forms, an encoded surrogate, past U+10FFFF, a cut sequence, ...) in a text frame, logged in or not; the same bytes in a binary frame',
      answer: 'close 1007, from ws before the connector reads the frame; in a binary frame: MALFORMED_JSON, the socket stays open',
      run: async () => {
        const frame = Buffer.from('{"type":"PING","data":{},"reference":"not utf-8"}');
        for (const [i, sequence] of NOT_UTF8.entries()) {
          const bytes = Buffer.concat([frame.subarray(0, 38), Buffer.from(sequence), frame.subarray(38)]);
          const on = await socket(i % 2 === 0 ? freshUser() : undefined);
          on.sendBytes(bytes, false);
          expect((await on.closed()).code).toBe(CLOSE_CODES.INVALID_PAYLOAD.code);
          expect(on.all('PONG')).toEqual([]);
          const binary = await socket(freshUser());
          binary.sendBytes(bytes, true);
          expect(await binary.error('MALFORMED_JSON')).toEqual({
            type: 'INVALID_MESSAGE',
            data: { code: 'MALFORMED_JSON', message: expect.any(String) },
          });
          expect(binary.isOpen).toBe(true);
        }
      },
    });
  });

  it('frames that break the WebSocket protocol: closed with 1002 (1009 for a length over the limit)', async () => {
    await abuseCase({
      name: 'broken WebSocket framing',
      abuse:
        'hand-made frames: unmasked, reserved bits set, a reserved opcode, a fragmented PING, an orphan continuation, close code 999, a 64-bit length of 2^63',
      answer: 'close 1002 (1009 for the length), from ws before the connector reads a frame',
      run: async () => {
        const json = Buffer.from('{"type":"PING","data":{}}');
        const broken: Array<[string, Buffer, number]> = [
          ['unmasked', clientFrame(0x81, json, false), CLOSE_CODES.PROTOCOL_ERROR.code],
          ['reserved bits', clientFrame(0xc1, json), CLOSE_CODES.PROTOCOL_ERROR.code],
          ['reserved opcode', clientFrame(0x83, json), CLOSE_CODES.PROTOCOL_ERROR.code],
          ['fragmented PING', clientFrame(0x09, Buffer.from('x')), CLOSE_CODES.PROTOCOL_ERROR.code],
          ['orphan continuation', clientFrame(0x80, json), CLOSE_CODES.PROTOCOL_ERROR.code],
          ['close code 999', clientFrame(0x88, Buffer.from([0x03, 0xe7])), CLOSE_CODES.PROTOCOL_ERROR.code],
          [
            'length 2^63',
            Buffer.from([0x82, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4]),
            CLOSE_CODES.MESSAGE_TOO_BIG.code,
          ],
        ];
        for (const [what, bytes, code] of broken) expect([what, await closeCodeFor(url(), bytes)]).toEqual([what, code]);
      },
    });
  });
});
