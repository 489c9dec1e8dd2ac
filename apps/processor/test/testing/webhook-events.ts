import type { WebhookEvent } from '@linker/contracts';
import { Dispatcher } from '../../src/dispatch/dispatcher';

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
