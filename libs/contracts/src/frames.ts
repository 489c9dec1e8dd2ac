import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { CHANNEL_PATTERN, MAX_CHANNEL_LENGTH } from './channels';
import { Lane } from './envelope';

/**
 * Client → server frames (docs/protocol.md, Frames): `{type, data, reference?, feature? = RELIABLE, confirmationEnabled? = true}`.
 * Each type's `data` has a schema compiled once at load; the connector checks every frame against it.
 */
export const ClientFrameHead = Type.Object(
  {
    type: Type.String(),
    data: Type.Optional(Type.Unknown()),
    reference: Type.Optional(Type.Union([Type.String(), Type.Number()])),
    /** The client's own id of a MESSAGE or GROUP_MESSAGE: the frame is then acknowledged (`ACCEPTED`) and may be resent. */
    id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    feature: Type.Optional(Lane),
    confirmationEnabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ClientFrameHead = Static<typeof ClientFrameHead>;

const UserId = Type.String({ minLength: 1, maxLength: 256 });
const Channel = Type.String({ pattern: CHANNEL_PATTERN.source, maxLength: MAX_CHANNEL_LENGTH });

export const CLIENT_DATA = {
  AUTH_CLIENT: Type.Object(
    { appId: Type.String(), userId: UserId, token: Type.Optional(Type.String()), ack: Type.Optional(Type.Boolean()) },
    { additionalProperties: false },
  ),
  MESSAGE: Type.Object({ to: UserId, content: Type.String() }, { additionalProperties: false }),
  GROUP_MESSAGE: Type.Object({ to: Type.Array(UserId, { minItems: 1 }), content: Type.String() }, { additionalProperties: false }),
  FETCH_MISSING_MESSAGES_REQUEST: Type.Object({ count: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
  CLOSE_CONNECTION: Type.Object({ userId: UserId }, { additionalProperties: false }),
  MESSAGE_ACK: Type.Object({ ids: Type.Array(Type.String(), { minItems: 1 }) }, { additionalProperties: false }),
  PING: Type.Object({}, { additionalProperties: false }),
  SUBSCRIBE: Type.Object(
    {
      channel: Channel,
      /** A subscription token, for channels whose rule says `subscribe: token`. */
      token: Type.Optional(Type.String({ maxLength: 8_192 })),
      /** Where the client left the channel's history: what came after is sent first, if the history still holds it. */
      since: Type.Optional(
        Type.Object({ epoch: Type.String({ maxLength: 64 }), offset: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }),
      ),
    },
    { additionalProperties: false },
  ),
  UNSUBSCRIBE: Type.Object({ channel: Channel }, { additionalProperties: false }),
  PUBLISH: Type.Object({ channel: Channel, data: Type.Unknown() }, { additionalProperties: false }),
  /** A fresh token for the session's user and app, before the one it logged in with expires (see `TOKEN_EXPIRING`). */
  REFRESH_TOKEN: Type.Object({ token: Type.String({ minLength: 1, maxLength: 8_192 }) }, { additionalProperties: false }),
} as const;

export type ClientFrameType = keyof typeof CLIENT_DATA;
export type ClientData<T extends ClientFrameType> = Static<(typeof CLIENT_DATA)[T]>;

/** The validators, compiled once when this module loads (never per frame). */
export const clientFrameHeadCheck: TypeCheck<typeof ClientFrameHead> = TypeCompiler.Compile(ClientFrameHead);
export const clientDataChecks = Object.fromEntries(
  Object.entries(CLIENT_DATA).map(([type, schema]) => [type, TypeCompiler.Compile(schema as TSchema)]),
) as { [T in ClientFrameType]: TypeCheck<(typeof CLIENT_DATA)[T]> };

export function isClientFrameType(type: string): type is ClientFrameType {
  return Object.prototype.hasOwnProperty.call(CLIENT_DATA, type);
}
