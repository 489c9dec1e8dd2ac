import { busSettings } from '@linker/bus';
import { defineConfig, setting, type ConfigOf } from '@linker/config';
import { mailboxSettings } from '@linker/mailbox';
import { loggingSettings } from '@linker/observability';
import { presenceSettings } from '@linker/presence';

/** The processor's settings (real mode). This folder is the processor's only reader of `process.env`. */
export const processorConfig = defineConfig({
  domain: setting({ env: 'LINKER_DOMAIN', kind: 'string', default: 'domain-01', doc: 'The domain this process serves.' }),
  name: setting({ env: 'LINKER_PROCESSOR_NAME', kind: 'string', default: 'processor-01', doc: 'This processor, in logs and metrics.' }),
  metaServerUrl: setting({ env: 'LINKER_META_SERVER_URL', kind: 'url', optional: true, doc: 'Meta-server the topology is read from.' }),
  ...busSettings,
  ...presenceSettings,
  ...mailboxSettings,
  ...loggingSettings,
});

export type ProcessorConfig = ConfigOf<typeof processorConfig.settings>;
