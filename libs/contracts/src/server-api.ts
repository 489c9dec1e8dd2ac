import { Type, type Static } from '@sinclair/typebox';
import { Lane } from './envelope';

/**
 * The server API (docs/protocol.md, Server API): HTTP + JSON under `/api/v1/` on every connector's client port, for an
 * app's backend, authenticated by the app's `apiKey`. These schemas validate the bodies and make the OpenAPI document
 * (`GET /api/v1/openapi.json`), so the two cannot differ.
 */

/** The one table of the server API's error codes, with their HTTP status. The README lists the same rows (a unit test checks). */
export const API_ERROR_CODES = {
  MALFORMED_JSON: { status: 400, meaning: 'The body is not one JSON object (or not UTF-8).' },
  INVALID_FIELD: {
    status: 400,
    meaning: 'A field of the body, the path or the query is missing, has the wrong type, or is not allowed; the message names it.',
  },
  UNAUTHENTICATED: { status: 401, meaning: "No `Authorization: Bearer <apiKey>` header, or a key that is no app's." },
  NOT_ALLOWED: {
    status: 403,
    meaning: "The key's app may not do this: the user belongs to another app, or the app has no master user to act as.",
  },
  NOT_FOUND: { status: 404, meaning: 'No endpoint has this path.' },
  UNKNOWN_RECIPIENT_APP: { status: 404, meaning: 'A user id names no client app; the message names the field.' },
  UNREACHABLE_DOMAIN: { status: 404, meaning: "A user's number is outside every range of its app's distributions: it has no home domain." },
  UNKNOWN_CHANNEL: {
    status: 404,
    meaning:
      "The channel's name is not `<appName>:<name>` of the key's app, or no channel rule of the app matches it (or, on the compatible endpoints, their app is not in the topology).",
  },
  METHOD_NOT_ALLOWED: { status: 405, meaning: 'The endpoint does not take this method; `Allow` lists the ones it takes.' },
  TOO_LARGE: {
    status: 413,
    meaning:
      'The body is over `LINKER_API_MAX_BODY_BYTES`, the content over `LINKER_MAX_FRAME_BYTES`, or there are more recipients than `LINKER_MAX_GROUP_RECIPIENTS`.',
  },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, meaning: 'A body whose `Content-Type` is not `application/json`.' },
  NOT_HOME_DOMAIN: {
    status: 421,
    meaning: "The user's home is another domain, which alone knows its sockets: `domain` and `url` name it; ask that domain's server API.",
  },
  RATE_LIMITED: {
    status: 429,
    meaning:
      'Too many requests per second with this key, on this connector (a message pays one per `LINKER_GROUP_RECIPIENTS_PER_TOKEN` recipients); nothing was done: retry after `Retry-After`.',
  },
  INTERNAL_ERROR: { status: 500, meaning: 'The server failed for an unexpected reason; the request may be retried (with the same `id`).' },
  UNAVAILABLE: {
    status: 503,
    meaning:
      'The connector is draining, or the lane or the presence store cannot be reached right now: retry after `Retry-After` (a message with the same `id`).',
  },
  OVERLOADED: {
    status: 503,
    meaning: 'The connector cannot keep up right now (too much waits for the lane); nothing was sent: retry after `Retry-After`.',
  },
} as const;

export type ApiErrorCode = keyof typeof API_ERROR_CODES;

/** Every error answer: the code, a message naming the field or the reason, and where a user lives (NOT_HOME_DOMAIN). */
export const ApiError = Type.Object(
  {
    code: Type.Union(Object.keys(API_ERROR_CODES).map((code) => Type.Literal(code))),
    message: Type.String(),
    domain: Type.Optional(Type.String({ description: "NOT_HOME_DOMAIN: the user's home domain." })),
    url: Type.Optional(Type.String({ description: "NOT_HOME_DOMAIN: that domain's client endpoint, as the topology gives it." })),
  },
  { additionalProperties: false },
);
export type ApiError = Static<typeof ApiError>;

const userId = (description: string) => Type.String({ minLength: 1, maxLength: 256, description });
const ApiUserId = userId('A user id, `<appName>-<number>`.');

/** `POST /api/v1/messages`. */
export const ApiMessageRequest = Type.Object(
  {
    to: Type.Union([ApiUserId, Type.Array(ApiUserId, { minItems: 1 })], {
      description: 'One recipient, or several (duplicates count once; at most `LINKER_MAX_GROUP_RECIPIENTS`).',
    }),
    content: Type.String({ description: 'What the recipient gets as `MESSAGE {from, content}`; at most `LINKER_MAX_FRAME_BYTES` bytes.' }),
    from: Type.Optional(userId("The sender, a user of the key's app; default: the app's master user.")),
    lane: Type.Optional(Type.Union(Lane.anyOf, { description: 'RELIABLE (default: never lost once accepted) or FAST (at most once).' })),
    reference: Type.Optional(Type.String({ maxLength: 256, description: "Carried to the recipient as the MESSAGE's `reference`." })),
    id: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 128,
        description: "The caller's own id: a retry with the same `from`, `id` and recipient is the same message (the same message id).",
      }),
    ),
  },
  { additionalProperties: false },
);
export type ApiMessageRequest = Static<typeof ApiMessageRequest>;

export const ApiMessageAccepted = Type.Object(
  { ids: Type.Array(Type.String(), { description: 'The message id of each distinct recipient, in the order of `to`.' }) },
  { additionalProperties: false },
);
export type ApiMessageAccepted = Static<typeof ApiMessageAccepted>;

/** `POST /api/v1/users/{userId}/disconnect`: no body, or an empty object. */
export const ApiDisconnectRequest = Type.Object({}, { additionalProperties: false });

export const ApiDisconnectAccepted = Type.Object(
  { id: Type.String({ description: 'The id of the CLOSE_CONNECTION handed to the lane.' }) },
  { additionalProperties: false },
);
export type ApiDisconnectAccepted = Static<typeof ApiDisconnectAccepted>;

/** `POST /api/v1/channels/{channel}/publications`. */
export const ApiPublishRequest = Type.Object(
  {
    data: Type.Unknown({
      description: 'What subscribers get as `PUBLICATION {channel, data}`: any JSON value, at most `LINKER_MAX_FRAME_BYTES` bytes.',
    }),
    lane: Type.Optional(
      Type.Union(Lane.anyOf, {
        description: 'RELIABLE (default: kept in the history of a channel that keeps one) or FAST (at most once).',
      }),
    ),
    id: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 128,
        description: "The caller's own id: a retry with the same `id` is the same publication.",
      }),
    ),
  },
  { additionalProperties: false },
);
export type ApiPublishRequest = Static<typeof ApiPublishRequest>;

export const ApiPublished = Type.Object(
  {
    id: Type.String({ description: 'The publication id.' }),
    subscribers: Type.Integer({
      minimum: 0,
      description: "Sockets subscribed to the channel in this domain when it was published (other domains' are not counted).",
    }),
  },
  { additionalProperties: false },
);
export type ApiPublished = Static<typeof ApiPublished>;

/** `GET /api/v1/channels/{channel}`. */
export const ApiChannel = Type.Object(
  {
    channel: Type.String(),
    subscribers: Type.Integer({ minimum: 0, description: 'Sockets subscribed to the channel in this domain.' }),
  },
  { additionalProperties: false },
);
export type ApiChannel = Static<typeof ApiChannel>;

/** `GET /api/v1/users/{userId}/presence`. */
export const ApiPresence = Type.Object(
  {
    userId: Type.String(),
    domain: Type.String({ description: "The user's home domain (this one)." }),
    online: Type.Boolean(),
    sockets: Type.Integer({ minimum: 0, description: 'How many sockets the user has open in this domain.' }),
    connectors: Type.Array(Type.String(), { description: 'The connectors holding those sockets, by name, each once, sorted.' }),
  },
  { additionalProperties: false },
);
export type ApiPresence = Static<typeof ApiPresence>;
