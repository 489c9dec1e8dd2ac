import { setting } from '@linker/config';
import { redisSecuritySettings } from './redis-security.settings';

/** How an app reaches presence in real mode. Every connector and processor of a domain must use the same values. */
export const presenceSettings = {
  redisUrl: setting({
    env: 'LINKER_REDIS_URL',
    kind: 'url',
    doc: 'Redis URL of the presence store (also of the channel histories and the analytics). `rediss://` for TLS.',
  }),
  ...redisSecuritySettings,
  presenceEndedGraceMs: setting({
    env: 'LINKER_PRESENCE_ENDED_GRACE_MS',
    kind: 'integer',
    default: 5000,
    min: 1,
    max: 600000,
    doc: "How long after a connector's lease ended (and its sockets were swept) its lane topic is drained by a processor: deliveries routed to it just before it ended are in the topic by then. Same value on every connector and processor of a domain.",
  }),
  channelInterestMs: setting({
    env: 'LINKER_CHANNEL_INTEREST_MS',
    kind: 'integer',
    default: 10_000,
    min: 100,
    max: 600_000,
    doc: 'How often a connector with channel subscribers tells the other domains which channels it has them for (at once on a change too); an announcement holds for three times this long. A processor presumes every domain interested for this long after it starts. Same value on every connector and processor of a domain.',
  }),
};
