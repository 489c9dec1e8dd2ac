import { clientDataChecks, clientFrameHeadCheck, type ClientFrameType, type ErrorCode } from '@linker/contracts';
import type { FrameTag } from '../sessions/session';

/** Why a frame is refused: the `INVALID_MESSAGE` the client gets. */
export interface Refusal {
  readonly code: ErrorCode;
  readonly message: string;
}

/** A frame that is one JSON object (not validated yet). */
export type RawFrame = Record<string, unknown>;

const EMPTY_DATA = Object.freeze({});

export function isRefusal(value: unknown): value is Refusal {
  return value instanceof FrameRefusal;
}

class FrameRefusal implements Refusal {
  constructor(
    readonly code: ErrorCode,
    readonly message: string,
  ) {}
}

export function refusal(code: ErrorCode, message: string): Refusal {
  return new FrameRefusal(code, message);
}

const NOT_TEXT = refusal('MALFORMED_JSON', 'frames must be text frames holding one JSON object');
const NOT_JSON = refusal('MALFORMED_JSON', 'the frame is not valid JSON');
const NOT_OBJECT = refusal('MALFORMED_JSON', 'the frame must be one JSON object');

/** Parse one client frame: one JSON object in a text frame, or the MALFORMED_JSON refusal. */
export function readFrame(data: Buffer, isBinary: boolean): RawFrame | Refusal {
  if (isBinary) return NOT_TEXT;
  let value: unknown;
  try {
    value = JSON.parse(data.toString('utf8'));
  } catch {
    return NOT_JSON;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return NOT_OBJECT;
  return value as RawFrame;
}

/** The frame's `reference` as the string echoed back (numbers are coerced, as the original did); else undefined. */
function referenceOf(frame: RawFrame): string | undefined {
  const reference = frame.reference;
  if (typeof reference === 'string') return reference;
  if (typeof reference === 'number' && Number.isFinite(reference)) return String(reference);
  return undefined;
}

/** The longest client id (`id` of a MESSAGE or GROUP_MESSAGE) a frame may carry. */
const MAX_CLIENT_ID = 128;

/** What the answers to `frame` echo: its reference, and its client id when it is one a frame may carry. */
export function tagOf(frame: RawFrame): FrameTag {
  const id = typeof frame.id === 'string' && frame.id.length > 0 && frame.id.length <= MAX_CLIENT_ID ? frame.id : undefined;
  const reference = referenceOf(frame);
  return id === undefined ? { reference } : { reference, id };
}

/** `ACCEPTED {id}`: the lane holds the frame the client sent with this id. */
export function acceptedFrame(id: string, reference: string | undefined): Buffer {
  return Buffer.from(JSON.stringify({ type: 'ACCEPTED', data: { id }, reference }));
}

const ID_NOT_ALLOWED = refusal('INVALID_FIELD', 'id: only MESSAGE, GROUP_MESSAGE and PUBLISH frames take an id');
const TAKE_AN_ID: ReadonlySet<ClientFrameType> = new Set(['MESSAGE', 'GROUP_MESSAGE', 'PUBLISH']);

/**
 * The frame's `data` once its head and data passed the validators compiled in libs/contracts (extra fields, a
 * spoofed `from` included, are refused with INVALID_FIELD naming the field, and so is an `id` on a frame that is not a
 * MESSAGE, GROUP_MESSAGE or PUBLISH). `PING` may omit its data.
 */
export function checkFrame(type: ClientFrameType, frame: RawFrame): unknown {
  if (!clientFrameHeadCheck.Check(frame)) {
    const first = clientFrameHeadCheck.Errors(frame).First();
    return refusal('INVALID_FIELD', describe(first?.path ?? '', first?.message ?? 'invalid'));
  }
  if (frame.id !== undefined && !TAKE_AN_ID.has(type)) return ID_NOT_ALLOWED;
  const data = frame.data === undefined && type === 'PING' ? EMPTY_DATA : frame.data;
  const check = clientDataChecks[type];
  if (!check.Check(data)) {
    const first = check.Errors(data).First();
    return refusal('INVALID_FIELD', describe(`/data${first?.path ?? ''}`, first?.message ?? 'invalid'));
  }
  return data;
}

/** `/data/to/1` + `Expected string` → `data.to.1: Expected string`. */
function describe(path: string, message: string): string {
  const field = path.replace(/^\//, '').replace(/\//g, '.') || 'frame';
  return `${field}: ${message}`;
}
