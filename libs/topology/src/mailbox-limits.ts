import type { ClientApp, MailboxLimits } from './topology';

// What each user's mailbox keeps (docs/protocol.md, Mailbox limits): an app's `mailbox` topology field, these defaults
// where it says nothing, and the most it may ask for.

/** Messages a user's mailbox keeps when the app's `mailbox.maxMessages` is absent; the oldest beyond are dropped. */
export const DEFAULT_MAILBOX_MAX_MESSAGES = 10_000;
/** How long a stored message is kept when the app's `mailbox.maxAgeSeconds` is absent: 7 days. */
export const DEFAULT_MAILBOX_MAX_AGE_SECONDS = 7 * 24 * 3600;
/** Largest `mailbox.maxMessages` accepted: a user's mailbox is read in fetches of at most this many in the worst case. */
export const MAX_MAILBOX_MAX_MESSAGES = 1_000_000;
/** Largest `mailbox.maxAgeSeconds` accepted: one year. */
export const MAX_MAILBOX_MAX_AGE_SECONDS = 365 * 24 * 3600;

/** The limits that apply to the users of `app` (defaults filled in); the defaults for a user of no known app. */
export function mailboxLimitsOf(app: ClientApp | undefined): Required<MailboxLimits> {
  return {
    maxMessages: app?.mailbox?.maxMessages ?? DEFAULT_MAILBOX_MAX_MESSAGES,
    maxAgeSeconds: app?.mailbox?.maxAgeSeconds ?? DEFAULT_MAILBOX_MAX_AGE_SECONDS,
  };
}
