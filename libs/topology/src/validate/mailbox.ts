import { MAX_MAILBOX_MAX_AGE_SECONDS, MAX_MAILBOX_MAX_MESSAGES } from '../mailbox-limits';
import type { MailboxLimits } from '../topology';
import { asMapping, checkKeys, readInteger, type Mapping } from './fields';

const MAILBOX_KEYS = ['maxMessages', 'maxAgeSeconds'];

/**
 * An app's `mailbox` (docs/protocol.md, Mailbox limits): whole numbers from 1 to their maxima. Undefined when absent
 * (the defaults apply) or wrong (reported with its path).
 */
export function readMailbox(app: Mapping): MailboxLimits | undefined {
  const value = app.value.mailbox;
  if (value === undefined || value === null) return undefined;
  const map = asMapping(value, [...app.path, 'mailbox'], app.problems);
  if (!map) return undefined;
  checkKeys(map, MAILBOX_KEYS);
  const maxMessages = readInteger(map, 'maxMessages', 1, MAX_MAILBOX_MAX_MESSAGES);
  const maxAgeSeconds = readInteger(map, 'maxAgeSeconds', 1, MAX_MAILBOX_MAX_AGE_SECONDS);
  return {
    ...(maxMessages === undefined ? {} : { maxMessages }),
    ...(maxAgeSeconds === undefined ? {} : { maxAgeSeconds }),
  };
}
