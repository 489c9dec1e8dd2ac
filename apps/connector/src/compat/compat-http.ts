import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseChannel, SYSTEM, type Envelope, type Lane } from '@linker/contracts';
import { newMessageId } from '@linker/kernel';
import type { Logger } from '@linker/observability';
import type { ChannelRule, TopologyView } from '@linker/topology';
import { ApiFailure } from '../api/api-failure';
import { discardRest, hasBody } from '../api/request-body';
import type { IntakePublisher } from '../ingress/intake-publisher';

/** A channel of the compatible endpoints: the name their clients use, and the channel it is here (`<app>:<name>`). */
export interface MappedChannel {
  readonly name: string;
  readonly channel: string;
  readonly rule: ChannelRule;
}

/**
 * `name` as a channel of `appName`: `<appName>:<name>`, which a channel rule of the app must declare. A name that
 * cannot be part of a channel is 400 INVALID_FIELD; an app that is not in the topology, or no rule for the name,
 * 404 UNKNOWN_CHANNEL (`field` is named in the message).
 */
export function mapChannel(view: TopologyView, appName: string, name: string, field: string): MappedChannel {
  const channel = `${appName}:${name}`;
  const shown = name.slice(0, 128);
  if (parseChannel(channel)?.name !== name) {
    throw new ApiFailure(
      'INVALID_FIELD',
      `${field}: ${JSON.stringify(shown)} is not a channel name ([A-Za-z0-9_.:-], 1 to 128 characters)`,
    );
  }
  if (view.app(appName) === undefined) throw new ApiFailure('UNKNOWN_CHANNEL', `${field}: app ${appName} is not in the topology`);
  const rule = view.channelRule(appName, name);
  if (rule === undefined) throw new ApiFailure('UNKNOWN_CHANNEL', `${field}: no channel rule of app ${appName} matches ${shown}`);
  return { name, channel, rule };
}

/** A PUBLISH of `data` to `channel` from SYSTEM (the app's backend), without origin or confirmation, born at `now`. */
export function systemPublication(intake: IntakePublisher, lane: Lane, channel: string, data: unknown, now: number): Envelope {
  return {
    id: newMessageId(),
    lane,
    type: 'PUBLISH',
    from: SYSTEM,
    to: channel,
    data: { channel, data },
    confirm: false,
    path: intake.path,
    createdAt: now,
    hops: 0,
  };
}

/** A JSON answer, never cached. */
export function answerJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers }).end(JSON.stringify(body));
}

/** A refused request's answer, `{code, message}` as the server API's; logged at debug level (never a key). */
export function answerFailure(request: IncomingMessage, response: ServerResponse, failure: ApiFailure, logger: Logger): void {
  logger.debug('request refused', {
    code: failure.code,
    method: request.method,
    path: (request.url ?? '').split('?', 1)[0].slice(0, 128),
    address: request.socket.remoteAddress,
  });
  if (response.headersSent) return void response.destroy();
  // A body refused before it was read whole is dropped after the answer, up to a limit (`discardRest`).
  if (hasBody(request) && !request.complete) response.once('finish', () => discardRest(request));
  answerJson(response, failure.status, failure.body(), failure.headers());
}

/** 405 METHOD_NOT_ALLOWED unless `request` uses `method`. */
export function expectMethod(request: IncomingMessage, method: 'GET' | 'POST'): void {
  if (request.method === method) return;
  throw new ApiFailure('METHOD_NOT_ALLOWED', `${(request.method ?? '').slice(0, 16)} is not allowed here: use ${method}`, {
    allow: method,
  });
}
