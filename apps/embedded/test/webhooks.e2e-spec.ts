import { startEmbeddedDomain } from '@linker/testing';
import { webhookBehaviour } from '@linker/testing/e2e/webhook-behaviour';

// Webhooks against the built embedded entry (`npm run build` first): the webhook topics live in the durable embedded
// broker, the receivers are real HTTP servers.
webhookBehaviour('webhooks, embedded mode', async (options) => {
  const domain = await startEmbeddedDomain({ ...options, metrics: true });
  return { domain, metricsUrls: () => (domain.metricsUrl === undefined ? [] : [domain.metricsUrl]) };
});
