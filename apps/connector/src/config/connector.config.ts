import { busSettings } from '@linker/bus';
import { defineConfig, setting, type ConfigOf } from '@linker/config';
import { loggingSettings } from '@linker/observability';
import { presenceSettings } from '@linker/presence';

/** The connector's settings (real mode). This folder is the connector's only reader of `process.env`. */
export const connectorConfig = defineConfig({
  domain: setting({ env: 'LINKER_DOMAIN', kind: 'string', default: 'domain-01', doc: 'The domain this process serves.' }),
  name: setting({ env: 'LINKER_CONNECTOR_NAME', kind: 'string', default: 'connector-01', doc: 'This connector: unique in its domain; its lane topic and presence lease carry this name.' }),
  ...busSettings,
  ...presenceSettings,
  ...loggingSettings,
});

export type ConnectorConfig = ConfigOf<typeof connectorConfig.settings>;
