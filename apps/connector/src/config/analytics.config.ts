import { analyticsSettings } from '@linker/analytics';
import { setting } from '@linker/config';

/**
 * Per-slice analytics on the client port (docs/protocol.md, Analytics): the slices, and the analytics API of the
 * seed's clients (`/analytics`), off unless an app is named. Read by the connector and the embedded mode.
 */
export const connectorAnalyticsSettings = {
  ...analyticsSettings,
  analyticsApp: setting({
    env: 'LINKER_ANALYTICS_APP',
    kind: 'string',
    optional: true,
    doc: 'Serve `POST /analytics?timestamp=<ms>&user=<name>&click|impression` and `GET /analytics?timestamp=<ms>` on the client port for this app (its events and its per-hour counts). Unset: that path answers 404.',
  }),
  analyticsOpen: setting({
    env: 'LINKER_ANALYTICS_OPEN',
    kind: 'boolean',
    default: false,
    doc: "`/analytics` needs the app's server API key (`Authorization: Bearer <apiKey>`); `true`: no key, anyone who reaches the port may post events and read the counts (trusted networks only; warned at start-up).",
  }),
};
