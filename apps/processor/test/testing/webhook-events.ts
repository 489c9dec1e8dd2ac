import type { WebhookEvent } from '@linker/contracts';
import type { AppWebhook, ClientApp, Topology } from '@linker/topology';
import { Dispatcher } from '../../src/dispatch/dispatcher';
import { anzTopology } from './harness';

/** A webhook nobody listens at: the tests read the events the processors queue (`captureWebhookEvents`). */
export const TEST_WEBHOOK: AppWebhook = { url: 'http://127.0.0.1:9/hook', secret: 'a-webhook-signing-secret-of-32-chars!' };

/** `anzTopology()` with `fields` set on the ANZ app (a webhook, mailbox limits, ...). */
export function anzWith(fields: Partial<ClientApp>): Topology {
  const topology = anzTopology();
  topology.clientApps[0] = { ...topology.clientApps[0], ...fields };
  return topology;
}

/**
 * Every webhook event the processors of this test file hand to their dispatchers (`Effects.notify`), in order: what
 * the dispatcher queues on the webhook topic. Call in a `describe`; it spies on `Dispatcher.prototype.apply` (calling
 * through) for each test and forgets the events after it.
 */
export function captureWebhookEvents(): WebhookEvent[] {
  const events: WebhookEvent[] = [];
  let spy: jest.SpyInstance | undefined;
  beforeEach(() => {
    const apply = Dispatcher.prototype.apply;
    spy = jest.spyOn(Dispatcher.prototype, 'apply').mockImplementation(function (this: Dispatcher, effects) {
      for (const effect of effects) events.push(...effect.webhooks);
      return apply.call(this, effects);
    });
  });
  afterEach(() => {
    spy?.mockRestore();
    events.length = 0;
  });
  return events;
}
