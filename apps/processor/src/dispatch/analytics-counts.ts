import type { AnalyticsRecorder } from '@linker/analytics';
import type { Envelope } from '@linker/contracts';
import { parseUserId } from '@linker/topology';
import type { Effects, StoredEntry } from './effects';

/**
 * What a batch made durable, in the analytics of each user's app (docs/protocol.md, Analytics): messages stored in a
 * mailbox (the recipient's app), handed out of a mailbox (`fetched`: a fetch's answer, or a stored message handed to a
 * socket that came back), and parked as dead letters (the recipient's app, else the sender's).
 */
export function countEffects(analytics: AnalyticsRecorder, effects: readonly Effects[], stored: readonly StoredEntry[]): void {
  for (const { userId } of stored) analytics.count(appOf(userId), 'stored');
  for (const effect of effects) {
    for (const { delivery } of effect.outgoing) {
      if (delivery.fromMailbox !== true) continue;
      for (const { userId } of delivery.targets) analytics.count(appOf(userId), 'fetched');
    }
    for (const { envelope } of effect.deadLetters) analytics.count(ownerOf(envelope), 'dead_lettered');
  }
}

/** The app a dead letter counts for: its recipient's, else its sender's. */
function ownerOf(envelope: Envelope): string {
  return parseUserId(envelope.to ?? '')?.appName ?? appOf(envelope.from);
}

/** The app of a user id (`ANZ-7` → `ANZ`). */
function appOf(userId: string): string {
  const dash = userId.indexOf('-');
  return dash > 0 ? userId.slice(0, dash) : userId;
}
