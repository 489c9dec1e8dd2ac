import type { ApiMessageRequest, Envelope, Lane } from '@linker/contracts';
import { newMessageId, resendableRecipientMessageId } from '@linker/kernel';
import type { Presence } from '@linker/presence';
import { parseUserId, type ClientApp, type TopologyView } from '@linker/topology';
import type { IntakePublisher } from '../ingress/intake-publisher';
import { ApiFailure } from './api-failure';
import type { LaneGate } from './lane-gate';

/** One authenticated request, validated: the key's app, the topology it was matched against, the path and the body. */
export interface ApiCall {
  app: ClientApp;
  view: TopologyView;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  now: number;
}

export interface ApiAnswer {
  status: number;
  body: unknown;
}

export interface EndpointDeps {
  domain: string;
  intake: IntakePublisher;
  gate: LaneGate;
  presence: Presence;
  maxFrameBytes: number;
  maxGroupRecipients: number;
  /** Takes `cost` more tokens of the app's rate limit, or throws RATE_LIMITED. */
  charge(app: ClientApp, now: number, cost: number): void;
  groupRecipientsPerToken: number;
  /** How long a presence read may take before the answer is 503 UNAVAILABLE. */
  presenceDeadlineMs: number;
}

/**
 * `POST /api/v1/messages`: everything is checked before anything is published (the sender, every recipient, the
 * sizes, the rate, the lane's backlog), then one MESSAGE envelope per distinct recipient goes to the lane in one
 * publish, keyed by the sender, without `origin` (there is no socket to answer) and without confirmation.
 */
export async function sendMessage(deps: EndpointDeps, { app, view, body, now }: ApiCall): Promise<ApiAnswer> {
  const request = body as ApiMessageRequest;
  const from = senderOf(app, request.from);
  const recipients = recipientsOf(view, request.to, deps.maxGroupRecipients);
  const bytes = Buffer.byteLength(request.content);
  if (bytes > deps.maxFrameBytes) throw new ApiFailure('TOO_LARGE', `content: ${bytes} bytes, at most ${deps.maxFrameBytes}`);
  const lane: Lane = request.lane ?? 'RELIABLE';
  deps.gate.admit(lane);
  const extra = Math.ceil(recipients.length / deps.groupRecipientsPerToken) - 1;
  if (extra > 0) deps.charge(app, now, extra);
  const envelopes = recipients.map((to): Envelope => ({
    id: request.id === undefined ? newMessageId() : resendableRecipientMessageId(from, request.id, to),
    lane,
    type: 'MESSAGE',
    from,
    to,
    data: { content: request.content },
    reference: request.reference,
    confirm: false,
    path: deps.intake.path,
    createdAt: now,
    hops: 0,
  }));
  await deps.gate.publish(lane, from, envelopes);
  return { status: 202, body: { ids: envelopes.map((envelope) => envelope.id) } };
}

/** `GET /api/v1/users/{userId}/presence`: read from this domain's presence, for a user at home here. */
export async function userPresence(deps: EndpointDeps, { app, view, params }: ApiCall): Promise<ApiAnswer> {
  const userId = ownUser(app, view, params.userId);
  const home = view.home(userId);
  if (home.kind === 'outside-ranges') throw unreachable('userId', userId);
  if (home.kind === 'domain' && home.domain !== deps.domain) {
    const url = view.endpoints(home.domain).client;
    throw new ApiFailure(
      'NOT_HOME_DOMAIN',
      `userId: ${userId} lives in domain ${home.domain}: ask its server API${url ? ` (${url})` : ''}`,
      {
        domain: home.domain,
        ...(url === undefined ? {} : { url }),
      },
    );
  }
  const sockets = await withinDeadline(deps.presence.lookup(userId), deps.presenceDeadlineMs);
  const connectors = [...new Set(sockets.map((socket) => socket.connector))].sort();
  return { status: 200, body: { userId, domain: deps.domain, online: sockets.length > 0, sockets: sockets.length, connectors } };
}

/**
 * `POST /api/v1/users/{userId}/disconnect`: a CLOSE_CONNECTION from the app's master user, RELIABLE, keyed by the
 * master (after its earlier messages); the processors close every socket of the user with 4003, in its home domain.
 */
export async function disconnectUser(deps: EndpointDeps, { app, view, params, now }: ApiCall): Promise<ApiAnswer> {
  const userId = ownUser(app, view, params.userId);
  const master = app.masterUserId;
  if (master === undefined) {
    throw new ApiFailure('NOT_ALLOWED', `app ${app.appName} has no masterUserId: only its master user may close connections`);
  }
  const envelope: Envelope = {
    id: newMessageId(),
    lane: 'RELIABLE',
    type: 'CLOSE_CONNECTION',
    from: master,
    data: { userId },
    confirm: false,
    path: deps.intake.path,
    createdAt: now,
    hops: 0,
  };
  await deps.gate.publish('RELIABLE', master, [envelope]);
  return { status: 202, body: { id: envelope.id } };
}

/** `from`, a user of the key's app, else the app's master user. */
function senderOf(app: ClientApp, from: string | undefined): string {
  if (from === undefined) {
    if (app.masterUserId !== undefined) return app.masterUserId;
    throw new ApiFailure('INVALID_FIELD', `from: app ${app.appName} has no masterUserId: name the sender, a user of ${app.appName}`);
  }
  if (parseUserId(from)?.appName !== app.appName) {
    throw new ApiFailure('INVALID_FIELD', `from: ${from.slice(0, 64)} is not a user of app ${app.appName}`);
  }
  return from;
}

/** The distinct recipients, in the order of `to`, each of a known app and with a home domain. */
function recipientsOf(view: TopologyView, to: string | string[], cap: number): string[] {
  const list = typeof to === 'string' ? [to] : to;
  const distinct = [...new Set(list)];
  if (distinct.length > cap) throw new ApiFailure('TOO_LARGE', `to: ${distinct.length} distinct recipients, at most ${cap}`);
  list.forEach((userId, i) => {
    const field = typeof to === 'string' ? 'to' : `to[${i}]`;
    const home = view.home(userId).kind;
    if (home === 'invalid-user-id' || home === 'unknown-app') {
      throw new ApiFailure('UNKNOWN_RECIPIENT_APP', `${field}: no client app for ${userId.slice(0, 64)}`);
    }
    if (home === 'outside-ranges') throw unreachable(field, userId);
  });
  return distinct;
}

/** The user id of the path, which must be a user of the key's app. */
function ownUser(app: ClientApp, view: TopologyView, userId: string): string {
  const parts = parseUserId(userId);
  if (parts === undefined || view.app(parts.appName) === undefined) {
    throw new ApiFailure('UNKNOWN_RECIPIENT_APP', `userId: no client app for ${userId.slice(0, 64)}`);
  }
  if (parts.appName !== app.appName) throw new ApiFailure('NOT_ALLOWED', `userId: ${userId} is not a user of app ${app.appName}`);
  return userId;
}

function unreachable(field: string, userId: string): ApiFailure {
  return new ApiFailure('UNREACHABLE_DOMAIN', `${field}: ${userId} is outside every range of its app: it has no home domain`);
}

/** How long a presence read of the server API (and of the compatible endpoints) may take before it is 503. */
export const PRESENCE_DEADLINE_MS = 2_000;

/** `read`, or 503 UNAVAILABLE when it fails or takes longer than `ms`. */
export async function withinDeadline<T>(read: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([read, late]);
  } catch (error) {
    throw new ApiFailure('UNAVAILABLE', `presence cannot be read right now (${(error as Error).message}): retry`, { retryAfterMs: 1_000 });
  } finally {
    clearTimeout(timer);
  }
}
