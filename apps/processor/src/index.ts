// The processor's public surface: what another composition (the embedded mode) may use. Everything else is internal.
export { openProcessor, ProcessorService, type ProcessorAdapters } from './open-processor';
export type { ProcessorHealth } from './health/processor-stats';
export { linkTlsConfig, processorSettings, type LinkTlsSettings, type ProcessorSettings } from './config/processor.config';
export { portOf } from './federation/federation';
export { metaServerSink } from './analytics/analytics-reporter';
export { webhookConfig, type WebhookSettings } from './config/webhook.config';
