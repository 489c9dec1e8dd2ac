import type { IncomingMessage } from 'node:http';
import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { Lane } from '@linker/contracts';
import type { Clock } from '@linker/kernel';
import type { Presence } from '@linker/presence';
import type { TopologyView } from '@linker/topology';
import { ApiFailure } from '../api/api-failure';
import { ApiKeys } from '../api/api-keys';
import { subscribersOf } from '../api/channel-endpoints';
import { PRESENCE_DEADLINE_MS } from '../api/endpoints';
import type { LaneGate } from '../api/lane-gate';
import { checked, readJson } from '../api/request-body';
import type { IntakePublisher } from '../ingress/intake-publisher';
import { UserRates } from '../ingress/user-rates';
import { mapChannel } from './compat-http';

/** `POST /messages`: the Push service's body. */
const PushMessage = TypeCompiler.Compile(
  Type.Object({ channel: Type.String({ maxLength: 128 }), message: Type.Unknown() }, { additionalProperties: false }),
);

export interface PushPublishOptions {
  appName: string;
  /** `key`: the app's server API key is needed; `open`: none. */
  publish: 'key' | 'open';
  lane: Lane;
  topology: () => TopologyView;
  intake: IntakePublisher;
  gate: LaneGate;
  presence: Presence;
  clock: Clock;
  maxBodyBytes: number;
  maxFrameBytes: number;
  /** Publications per second (and burst) for the app, as the server API's per-key limit. */
  rateLimit: number;
  rateBurst: number;
}

/**
 * `POST /messages {"channel","message"}` → `{"subscribers":N}`: the key (401 before the body is read; 403 for
 * another app's key) unless publishing is open → the app's rate (429) → the body (415, 413, 400) → the channel, which
 * the app must declare (404) → a PUBLISH of `message` to `<app>:<channel>` from SYSTEM on the configured lane. N is
 * the number of subscribers of this domain the processors route the publication to: the channel's entries in
 * presence (client sockets and Push subscribers, on every connector of the domain), read as it is published.
 */
export class PushPublish {
  private readonly keys: ApiKeys;
  private readonly rates: UserRates;

  constructor(private readonly options: PushPublishOptions) {
    this.keys = new ApiKeys(options.topology);
    this.rates = new UserRates(options.rateLimit, options.rateBurst, options.clock.now());
  }

  async publish(request: IncomingMessage): Promise<{ subscribers: number }> {
    const { options } = this;
    const now = options.clock.now();
    this.authorize(request.headers.authorization);
    if (!this.rates.take(options.appName, now, 0, 1)) {
      throw new ApiFailure('RATE_LIMITED', `more than ${options.rateLimit} publications per second: nothing was published`, {
        retryAfterMs: Math.ceil(1000 / options.rateLimit),
      });
    }
    const body = checked(PushMessage, await readJson(request, options.maxBodyBytes)) as { channel: string; message: unknown };
    const { channel } = mapChannel(options.topology(), options.appName, body.channel, 'channel');
    const bytes = Buffer.byteLength(JSON.stringify(body.message));
    if (bytes > options.maxFrameBytes) throw new ApiFailure('TOO_LARGE', `message: ${bytes} bytes, at most ${options.maxFrameBytes}`);
    options.gate.admit(options.lane);
    const envelope = options.intake.publication(options.lane, channel, body.message);
    const [sockets] = await Promise.all([
      subscribersOf(options.presence, channel, PRESENCE_DEADLINE_MS),
      options.gate.publish(options.lane, channel, [envelope]),
    ]);
    return { subscribers: sockets };
  }

  private authorize(authorization: string | undefined): void {
    if (this.options.publish === 'open') return;
    const found = this.keys.appOf(authorization);
    if (found === undefined)
      throw new ApiFailure('UNAUTHENTICATED', `give Authorization: Bearer <apiKey>, the apiKey of app ${this.options.appName}`);
    if (found.app.appName !== this.options.appName) {
      throw new ApiFailure(
        'NOT_ALLOWED',
        `this key is app ${found.app.appName}'s: these endpoints publish for app ${this.options.appName}`,
      );
    }
  }
}
