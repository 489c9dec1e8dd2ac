import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { CHANNEL_PATTERN, DeliveryReport, type Envelope, type SocketAddress, type RecordErrorCode } from '@linker/contracts';
import { LinkerError } from '@linker/kernel';

const Id = Type.String({ minLength: 1 });

/**
 * The `data` each intake type must carry, compiled once. The connector has already checked client frames strictly;
 * these checks are the processor's own guard against a record it cannot act on (extra keys are tolerated).
 */
const SCHEMAS = {
  AUTH_CLIENT: Type.Object({ appId: Type.String(), userId: Id, token: Type.Optional(Type.String()) }),
  REFRESH_TOKEN: Type.Object({ token: Type.String() }),
  MESSAGE: Type.Object({ content: Type.String(), to: Type.Optional(Id) }),
  GROUP_MESSAGE: Type.Object({ to: Type.Array(Id, { minItems: 1 }), content: Type.String() }),
  // maxBytes: set by the connector (never by the client), the bytes of frames the requesting socket can take now.
  FETCH_MISSING_MESSAGES_REQUEST: Type.Object({
    count: Type.Integer({ minimum: 1 }),
    maxBytes: Type.Optional(Type.Integer({ minimum: 1 })),
  }),
  CLOSE_CONNECTION: Type.Object({ userId: Id }),
  PUBLISH: Type.Object({
    channel: Type.String({ pattern: CHANNEL_PATTERN.source }),
    data: Type.Unknown(),
    /** Set by the domain it came from: the domains it is for beyond that one's next hop (ADR 0018). */
    domains: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
    /** Where it entered the federation and its number there, when its channel keeps a history (ADR 0018). */
    origin: Type.Optional(Type.Object({ domain: Type.String({ minLength: 1 }), seq: Type.Integer({ minimum: 1 }) })),
  }),
  CHANNEL_INTEREST: Type.Object({
    domain: Type.String({ minLength: 1 }),
    connector: Type.String({ minLength: 1 }),
    channels: Type.Union([Type.Array(Type.String()), Type.Literal('*')]),
    ttlMs: Type.Integer({ minimum: 1 }),
  }),
  USER_EVENT: Type.Object({ userId: Id, others: Type.Optional(Type.Array(Type.String())) }),
  CHANNEL_PRESENCE: Type.Object({
    channel: Type.String({ pattern: CHANNEL_PATTERN.source }),
    connector: Id,
    others: Type.Optional(Type.Array(Type.String())),
  }),
  DELIVERY_REPORT: DeliveryReport,
};

type Schemas = typeof SCHEMAS;
export type IntakeData<K extends keyof Schemas> = Static<Schemas[K]>;

const CHECKS = Object.fromEntries(Object.entries(SCHEMAS).map(([k, s]) => [k, TypeCompiler.Compile(s as TSchema)])) as {
  [K in keyof Schemas]: TypeCheck<Schemas[K]>;
};

/** The envelope's data as `kind`, or a non-retriable `INVALID_ENVELOPE` naming the first problem (dead-lettered). */
export function intakeData<K extends keyof Schemas>(envelope: Envelope, kind: K): IntakeData<K> {
  const check = CHECKS[kind];
  if (check.Check(envelope.data)) return envelope.data;
  const first = check.Errors(envelope.data).First();
  throw new LinkerError<RecordErrorCode>(
    'INVALID_ENVELOPE',
    `${envelope.type} data is malformed at ${first?.path || '/'}: ${first?.message}`,
  );
}

/** The socket a client envelope came in through; a client envelope without one cannot be answered (dead-lettered). */
export function originOf(envelope: Envelope): SocketAddress {
  if (envelope.origin) return envelope.origin;
  throw new LinkerError<RecordErrorCode>('INVALID_ENVELOPE', `${envelope.type} has no origin socket`);
}
