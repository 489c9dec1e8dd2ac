import { clientDataChecks, clientFrameHeadCheck, type ClientFrameType, type ErrorCode } from '@linker/contracts';

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
export function referenceOf(frame: RawFrame): string | undefined {
  const reference = frame.reference;
  if (typeof reference === 'string') return reference;
  if (typeof reference === 'number' && Number.isFinite(reference)) return String(reference);
  return undefined;
}

/**
 * The frame's `data` once its head and data passed the validators compiled in libs/contracts (extra fields, a
 * spoofed `from` included, are refused with INVALID_FIELD naming the field). `PING` may omit its data.
 */
export function checkFrame(type: ClientFrameType, frame: RawFrame): unknown {
  if (!clientFrameHeadCheck.Check(frame)) {
    const first = clientFrameHeadCheck.Errors(frame).First();
    return refusal('INVALID_FIELD', describe(first?.path ?? '', first?.message ?? 'invalid'));
  }
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
