import { setting } from '@linker/config';

/** Per-slice analytics (docs/protocol.md, Analytics): the same values on every connector and processor of a domain. */
export const analyticsSettings = {
  analyticsSliceS: setting({
    env: 'LINKER_ANALYTICS_SLICE_S',
    kind: 'integer',
    default: 3_600,
    min: 60,
    max: 86_400,
    doc: 'Length of an analytics slice in seconds (an hour by default): slice id = floor(epoch seconds / this). Same value on every connector and processor of a domain.',
  }),
  analyticsRetentionH: setting({
    env: 'LINKER_ANALYTICS_RETENTION_H',
    kind: 'integer',
    default: 48,
    min: 1,
    max: 8_760,
    doc: 'How long a slice of analytics is kept after it ended, in hours (Redis keys expire then; embedded mode forgets it).',
  }),
};
