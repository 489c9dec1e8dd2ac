import fc from 'fast-check';
import { isClientFrameType } from '@linker/contracts';

/** JSON text put into a frame as it is: what `JSON.stringify` cannot write (1e309, 300 digits, deep nesting). */
export class RawJson {
  constructor(readonly text: string) {}

  [fc.toStringMethod](): string {
    return `RawJson(${this.text.length > 40 ? `${this.text.slice(0, 40)}… ${this.text.length} chars` : this.text})`;
  }
}

/** `value` as JSON text: a RawJson as its text, every own key as it is (`__proto__` included). */
export function jsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(jsonText).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const fields = Object.keys(value).map((key) => `${JSON.stringify(key)}:${jsonText((value as Record<string, unknown>)[key])}`);
    return `{${fields.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** `depth` arrays nested in each other: `[[[…]]]`. */
export function nestedArrays(depth: number): RawJson {
  return new RawJson(`${'['.repeat(depth)}${']'.repeat(depth)}`);
}

/** The kinds of valid frame a fuzz lane sends between the others (made unique when sent, see `FuzzLanes`). */
type ValidKind = 'PING' | 'MESSAGE' | 'GROUP_MESSAGE' | 'FETCH_MISSING_MESSAGES_REQUEST';

/**
 * One frame of the fuzz, and what it is meant to be (the documented answer follows from it, see `FuzzLane`):
 * - `binary`: random bytes in a binary frame;
 * - `text`: a text frame of valid UTF-8 that is not one JSON object, or is one a client may not send;
 * - `bad-utf8`: a text frame that is not UTF-8;
 * - `oversize`: a frame over the connector's frame limit;
 * - `invalid`: a frame of the protocol with one to three of its fields made wrong (`why` says how);
 * - `relogin`: an AUTH_CLIENT of the right shape, for an app that does not exist;
 * - `valid`: a frame the connector must serve.
 */
export type FuzzFrame =
  | { kind: 'binary'; bytes: Uint8Array }
  | { kind: 'text'; bytes: Uint8Array }
  | { kind: 'bad-utf8'; bytes: Uint8Array }
  | { kind: 'oversize'; size: number }
  | { kind: 'invalid'; frame: Record<string, unknown>; why: string[] }
  | { kind: 'relogin' }
  | { kind: 'valid'; type: ValidKind; feature: 'RELIABLE' | 'FAST'; reference: boolean };

/** Who the fuzz's frames name: the users valid messages go to. */
export interface FuzzTargets {
  appId: string;
  /** Recipients of the valid messages (two, for groups). */
  sinks: readonly [string, string];
}

/** Types only the server sends, or only its own processes: a client may never send them. */
const NOT_CLIENT_TYPES = [
  'INTERNAL_MESSAGE',
  'MESSAGE_STATE_CHANGED',
  'USER_CONNECTED',
  'USER_DISCONNECTED',
  'GROUP_CONNECTOR_MESSAGE',
  'DELIVERY_REPORT',
  'AUTH_CLIENT_REPLY',
  'AUTH_REQUIRED',
  'ACCEPTED',
  'INVALID_MESSAGE',
  'PONG',
  'MESSAGE_CONFIRMATION',
  'FETCH_MISSING_MESSAGES_COMPLETE',
] as const;

const FRAME_LIMIT = 64 * 1024;
const ASCII_FRAME = Buffer.from('{"type":"PING","data":{},"reference":"utf-8"}');
/** Byte sequences that are never UTF-8: invalid bytes, overlong forms, an encoded surrogate, past U+10FFFF, a cut sequence. */
export const NOT_UTF8 = [
  [0xff],
  [0xfe],
  [0x80],
  [0xc0, 0xaf],
  [0xe0, 0x80, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xe2, 0x82],
];

/** Every frame kind, weighted: mostly wrong frames, a good share of valid ones between them. */
export function fuzzFrame(targets: FuzzTargets): fc.Arbitrary<FuzzFrame> {
  return fc.oneof(
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes): FuzzFrame => ({ kind: 'binary', bytes })) },
    {
      weight: 4,
      arbitrary: junkText(targets)
        .filter(notAClientFrame)
        .map((bytes): FuzzFrame => ({ kind: 'text', bytes })),
    },
    { weight: 1, arbitrary: badUtf8() },
    {
      weight: 1,
      arbitrary: fc.integer({ min: FRAME_LIMIT + 1, max: 2 * FRAME_LIMIT }).map((size): FuzzFrame => ({ kind: 'oversize', size })),
    },
    { weight: 8, arbitrary: invalidFrame(targets) },
    { weight: 1, arbitrary: fc.constant<FuzzFrame>({ kind: 'relogin' }) },
    { weight: 6, arbitrary: validFrame() },
  );
}

function validFrame(): fc.Arbitrary<FuzzFrame> {
  return fc.record({
    kind: fc.constant('valid' as const),
    type: fc.constantFrom<ValidKind>('PING', 'MESSAGE', 'MESSAGE', 'GROUP_MESSAGE', 'FETCH_MISSING_MESSAGES_REQUEST'),
    feature: fc.constantFrom('RELIABLE' as const, 'FAST' as const),
    reference: fc.boolean(),
  });
}

/** Text frames of valid UTF-8: random bytes that happen to be UTF-8, random strings, random JSON, a frame cut short. */
function junkText(targets: FuzzTargets): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    fc.uint8Array({ maxLength: 300 }).filter(isUtf8),
    fc.string({ unit: 'binary', maxLength: 200 }).map((text) => Buffer.from(text)),
    fc.jsonValue({ maxDepth: 4 }).map((value) => Buffer.from(JSON.stringify(value))),
    fc.tuple(template(targets), fc.nat()).map(([[, frame], cut]) => {
      const text = jsonText(frame);
      return Buffer.from(text.slice(0, cut % text.length));
    }),
  );
}

function badUtf8(): fc.Arbitrary<FuzzFrame> {
  return fc.tuple(fc.constantFrom(...NOT_UTF8), fc.nat({ max: ASCII_FRAME.length })).map(([sequence, at]): FuzzFrame => ({
    kind: 'bad-utf8',
    bytes: Buffer.concat([ASCII_FRAME.subarray(0, at), Buffer.from(sequence), ASCII_FRAME.subarray(at)]),
  }));
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Whether `bytes` are UTF-8 (strict: no overlong forms, no surrogates), as a WebSocket text frame must be. */
export function isUtf8(bytes: Uint8Array): boolean {
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Random text must not happen to be a frame a client may send (it would be served, not refused). */
function notAClientFrame(bytes: Uint8Array): boolean {
  try {
    const value: unknown = JSON.parse(Buffer.from(bytes).toString());
    return !(typeof value === 'object' && value !== null && isClientFrameType(String((value as { type?: unknown }).type)));
  } catch {
    return true;
  }
}

// --- Frames of the protocol made wrong -------------------------------------------------------------------------

/** Each valid frame's fields, and which values each takes (a mutation picks only values it does not take). */
type FieldRule = (value: unknown) => boolean;

const plain = (value: unknown): unknown => (value instanceof RawJson ? (JSON.parse(value.text) as unknown) : value);
const text =
  (min: number, max: number): FieldRule =>
  (v) =>
    typeof v === 'string' && v.length >= min && v.length <= max;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const HEAD: Record<string, FieldRule> = {
  type: (v) => typeof v === 'string',
  reference: (v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)),
  id: text(1, 128),
  feature: (v) => v === 'RELIABLE' || v === 'FAST',
  confirmationEnabled: (v) => typeof v === 'boolean',
};
const USER: FieldRule = text(1, 256);
const DATA: Record<string, Record<string, FieldRule>> = {
  AUTH_CLIENT: {
    appId: (v) => typeof v === 'string',
    userId: USER,
    token: (v) => typeof v === 'string',
    ack: (v) => typeof v === 'boolean',
  },
  MESSAGE: { to: USER, content: (v) => typeof v === 'string' },
  GROUP_MESSAGE: { to: (v) => Array.isArray(v) && v.length > 0 && v.every(USER), content: (v) => typeof v === 'string' },
  FETCH_MISSING_MESSAGES_REQUEST: { count: (v) => Number.isInteger(v) && (v as number) >= 1 },
  CLOSE_CONNECTION: { userId: USER },
  MESSAGE_ACK: { ids: (v) => Array.isArray(v) && v.length > 0 && v.every((id) => typeof id === 'string') },
  PING: {},
};
/** Fields a frame must have (a PING may leave out its data; AUTH_CLIENT its token and ack). */
const OPTIONAL = new Set(['reference', 'id', 'feature', 'confirmationEnabled', 'data.token', 'data.ack']);
/** Where a huge string is refused (a huge content, token or reference is not). */
const BOUNDED = ['type', 'id', 'feature', 'data.to', 'data.userId'];

const WRONG_VALUES: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  '',
  'x',
  'NaN',
  'Infinity',
  [],
  ['x'],
  [1],
  {},
  { a: 1 },
  new RawJson('1e309'),
  new RawJson('-1e309'),
  new RawJson('-0'),
  new RawJson('1e-400'),
  new RawJson(`1${'0'.repeat(300)}`),
  new RawJson('18446744073709551616'),
  nestedArrays(100),
  nestedArrays(10_000),
];
const ODD_KEYS = ['from', '__proto__', 'constructor', 'toString', 'a\u0000b', '\u0000', '', 'type ', 'ü', '\ud800', 'k'.repeat(300)];

/** A valid frame of each type (the type a client may send, or one it may not), with its field rules. */
function template(targets: FuzzTargets): fc.Arbitrary<[string, Record<string, unknown>]> {
  const [sink, other] = targets.sinks;
  const frames: Record<string, Record<string, unknown>> = {
    AUTH_CLIENT: { type: 'AUTH_CLIENT', data: { appId: targets.appId, userId: sink, token: 'fuzz-token' }, reference: 'fuzz-auth' },
    MESSAGE: {
      type: 'MESSAGE',
      data: { to: sink, content: 'fuzz: must not arrive' },
      id: 'fuzz-message',
      reference: 'fuzz-m',
      feature: 'RELIABLE',
    },
    GROUP_MESSAGE: {
      type: 'GROUP_MESSAGE',
      data: { to: [sink, other], content: 'fuzz: must not arrive' },
      id: 'fuzz-group',
      reference: 'fuzz-g',
    },
    FETCH_MISSING_MESSAGES_REQUEST: { type: 'FETCH_MISSING_MESSAGES_REQUEST', data: { count: 3 }, reference: 'fuzz-f' },
    CLOSE_CONNECTION: { type: 'CLOSE_CONNECTION', data: { userId: sink }, reference: 'fuzz-c' },
    MESSAGE_ACK: { type: 'MESSAGE_ACK', data: { ids: ['fuzz-id'] }, reference: 'fuzz-a' },
    PING: { type: 'PING', data: {}, reference: 'fuzz-p' },
  };
  return fc.constantFrom(...Object.keys(frames)).map((type) => [type, structuredClone(frames[type])] as [string, Record<string, unknown>]);
}

/** A mutation of a frame of `type`; false when it does not apply to the frame as it is now. */
type Mutation = { why: string; apply: (frame: Record<string, unknown>, type: string) => boolean };

function invalidFrame(targets: FuzzTargets): fc.Arbitrary<FuzzFrame> {
  const notClient = fc
    .constantFrom(...NOT_CLIENT_TYPES)
    .map((type): Mutation => ({ why: `type ${type}`, apply: (frame) => ((frame.type = type), true) }));
  const mutation = fc.oneof(wrongValue(), missing(), extra(), hugeString(), notClient);
  return fc.tuple(template(targets), fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([[type, frame], mutations]): FuzzFrame => {
    const why = mutations.filter((m) => m.apply(frame, type)).map((m) => m.why);
    return why.length > 0
      ? { kind: 'invalid', frame, why }
      : { kind: 'invalid', frame: { ...frame, type: 'INTERNAL_MESSAGE' }, why: ['type INTERNAL_MESSAGE'] };
  });
}

/** The rules of `type`'s fields, head and data, by path. */
function rules(type: string): Record<string, FieldRule> {
  const data = Object.fromEntries(Object.entries(DATA[type] ?? {}).map(([key, rule]) => [`data.${key}`, rule]));
  return { ...HEAD, data: type === 'PING' ? (v) => v === undefined || (isObject(v) && Object.keys(v).length === 0) : () => false, ...data };
}

/** Set `path` (`a` or `data.b`) of `frame` to `value` as an own field (`__proto__` too); false when `data` is not an object. */
function put(frame: Record<string, unknown>, path: string, value: unknown): boolean {
  const [head, field] = path.split(/\.(.*)/s);
  const target = field === undefined ? frame : frame[head];
  if (!isObject(target)) return false;
  Object.defineProperty(target, field ?? head, { value, enumerable: true, writable: true, configurable: true });
  return true;
}

function wrongValue(): fc.Arbitrary<Mutation> {
  return fc.tuple(fc.nat(), fc.constantFrom(...WRONG_VALUES)).map(([pick, value]) => ({
    why: `a wrong value`,
    apply(frame, type) {
      const fields = Object.entries(rules(type)).filter(([, takes]) => !takes(plain(value)));
      if (fields.length === 0) return false;
      const [path] = fields[pick % fields.length];
      this.why = `${path} = ${jsonText(value).slice(0, 40)}`;
      return put(frame, path, value instanceof RawJson ? value : structuredClone(value)); // later mutations change it
    },
  }));
}

function missing(): fc.Arbitrary<Mutation> {
  return fc.nat().map((pick) => ({
    why: 'a missing field',
    apply(frame, type) {
      const required = Object.keys(rules(type)).filter((path) => !OPTIONAL.has(path) && !(type === 'PING' && path === 'data'));
      const path = required[pick % required.length];
      const [head, field] = path.split('.');
      const target = field === undefined ? frame : frame[head];
      if (!isObject(target)) return false;
      delete target[field ?? head];
      this.why = `no ${path}`;
      return true;
    },
  }));
}

function extra(): fc.Arbitrary<Mutation> {
  return fc
    .tuple(
      fc.boolean(),
      fc.oneof(fc.constantFrom(...ODD_KEYS), fc.string({ unit: 'binary', minLength: 1, maxLength: 20 })),
      fc.jsonValue({ maxDepth: 2 }),
    )
    .map(([inData, key, value]) => ({
      why: `an extra field ${JSON.stringify(key)}`,
      apply: (frame, type) => {
        const known = inData ? Object.keys(DATA[type] ?? {}) : [...Object.keys(HEAD), 'data'];
        return !known.includes(key) && put(frame, inData ? `data.${key}` : key, value);
      },
    }));
}

function hugeString(): fc.Arbitrary<Mutation> {
  return fc
    .tuple(fc.constantFrom(...BOUNDED), fc.integer({ min: 300, max: 8_000 }), fc.constantFrom('x', '\u0000', 'é', '\ud800'))
    .map(([path, length, unit]) => ({
      why: `${path}: ${length} × ${JSON.stringify(unit)}`,
      apply: (frame, type) => (path === 'type' || path in rules(type) ? put(frame, path, unit.repeat(length)) : false),
    }));
}
