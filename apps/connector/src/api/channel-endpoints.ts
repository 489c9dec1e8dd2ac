import { parseChannel, SYSTEM, type ApiPublishRequest, type Lane } from '@linker/contracts';
import { resendableMessageId } from '@linker/kernel';
import { channelKey, type Presence } from '@linker/presence';
import type { ClientApp, TopologyView } from '@linker/topology';
import { ApiFailure } from './api-failure';
import { withinDeadline, type ApiAnswer, type ApiCall, type EndpointDeps } from './endpoints';

/**
 * `POST /api/v1/channels/{channel}/publications`: a PUBLISH of the app's backend (no `from`), keyed by the channel
 * like a client's, on either lane, whatever the channel's rule says of clients. Checked whole before it is published;
 * 202 once the lane holds it, with the sockets subscribed in this domain (read from presence meanwhile).
 */
export async function publishToChannel(deps: EndpointDeps, { app, view, params, body }: ApiCall): Promise<ApiAnswer> {
  const channel = ownChannel(app, view, params.channel);
  const request = body as ApiPublishRequest;
  const bytes = Buffer.byteLength(JSON.stringify(request.data ?? null));
  if (bytes > deps.maxFrameBytes) throw new ApiFailure('TOO_LARGE', `data: ${bytes} bytes, at most ${deps.maxFrameBytes}`);
  const lane: Lane = request.lane ?? 'RELIABLE';
  deps.gate.admit(lane);
  const id = request.id === undefined ? undefined : resendableMessageId(`${SYSTEM}:${channel}`, request.id);
  const envelope = deps.intake.publication(lane, channel, request.data, id);
  const [subscribers] = await Promise.all([
    subscribersOf(deps.presence, channel, deps.presenceDeadlineMs),
    deps.gate.publish(lane, channel, [envelope]),
  ]);
  return { status: 202, body: { id: envelope.id, subscribers } };
}

/** `GET /api/v1/channels/{channel}`: the sockets subscribed to it in this domain. */
export async function channelInfo(deps: EndpointDeps, { app, view, params }: ApiCall): Promise<ApiAnswer> {
  const channel = ownChannel(app, view, params.channel);
  return { status: 200, body: { channel, subscribers: await subscribersOf(deps.presence, channel, deps.presenceDeadlineMs) } };
}

/** The sockets subscribed to `channel` in this domain (channel presence), or 503 UNAVAILABLE after `deadlineMs`. */
export async function subscribersOf(presence: Presence, channel: string, deadlineMs: number): Promise<number> {
  return (await withinDeadline(presence.lookup(channelKey(channel)), deadlineMs)).length;
}

/** The channel of the path, which must be one of the key's app that a rule declares. */
function ownChannel(app: ClientApp, view: TopologyView, channel: string): string {
  const parts = parseChannel(channel);
  if (parts === undefined || parts.appName !== app.appName) {
    throw new ApiFailure('UNKNOWN_CHANNEL', `channel: ${channel.slice(0, 200)} is not a channel of app ${app.appName} (<appName>:<name>)`);
  }
  if (view.channelRule(parts.appName, parts.name) === undefined) {
    throw new ApiFailure('UNKNOWN_CHANNEL', `channel: no channel rule of app ${app.appName} matches ${parts.name}`);
  }
  return channel;
}
