import { WEBHOOK_EVENT_TYPES } from '@linker/contracts';
import { MASKED_SECRET } from '../mask-secrets';
import type { AppWebhook } from '../topology';
import { asMapping, checkKeys, describeValue, readBoolean, readString, type Mapping } from './fields';

const WEBHOOK_KEYS = ['url', 'secret', 'events', 'includeContent'];
/** Shortest signing secret: 256 bits, as for an HS256 key, so a signature cannot be forged by guessing it. */
const MIN_WEBHOOK_SECRET_LENGTH = 32;

/**
 * An app's `webhook` (docs/protocol.md, Webhooks): an http(s) `url`, a `secret` of at least 32 characters (a masked
 * copy, `***`, is fine: the meta-server restores it), `events` among the known types, `includeContent` true or false.
 * Undefined when absent or wrong (every problem reported at its path).
 */
export function readWebhook(app: Mapping): AppWebhook | undefined {
  const value = app.value.webhook;
  if (value === undefined || value === null) return undefined;
  const map = asMapping(value, [...app.path, 'webhook'], app.problems);
  if (!map) return undefined;
  checkKeys(map, WEBHOOK_KEYS);
  const url = readWebhookUrl(map);
  const secret = readWebhookSecret(map);
  const events = readEvents(map);
  const includeContent = readBoolean(map, 'includeContent');
  if (url === undefined || secret === undefined || events === null) return undefined;
  return {
    url,
    secret,
    ...(events === undefined ? {} : { events }),
    ...(includeContent === undefined ? {} : { includeContent }),
  };
}

function readWebhookUrl(map: Mapping): string | undefined {
  const value = readString(map, 'url', { required: true, secret: true });
  if (value === undefined) return undefined;
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (url && (url.protocol === 'http:' || url.protocol === 'https:')) return value;
  map.problems.error([...map.path, 'url'], 'must be an http:// or https:// URL');
  return undefined;
}

function readWebhookSecret(map: Mapping): string | undefined {
  const secret = readString(map, 'secret', { required: true, secret: true });
  if (secret === undefined || secret === MASKED_SECRET || secret.length >= MIN_WEBHOOK_SECRET_LENGTH) return secret;
  map.problems.error([...map.path, 'secret'], `is shorter than ${MIN_WEBHOOK_SECRET_LENGTH} characters: give a long random secret`);
  return undefined;
}

/** `events`: a list of known event types; undefined when absent (all types), null when wrong (reported). */
function readEvents(map: Mapping): string[] | undefined | null {
  const value = map.value.events;
  if (value === undefined || value === null) return undefined;
  const path = [...map.path, 'events'];
  if (!Array.isArray(value)) {
    map.problems.error(path, `must be a list of event types, got ${describeValue(value)}`);
    return null;
  }
  const known: readonly string[] = WEBHOOK_EVENT_TYPES;
  let ok = true;
  value.forEach((item, index) => {
    if (typeof item === 'string' && known.includes(item)) return;
    ok = false;
    map.problems.error([...path, index], `must be one of ${WEBHOOK_EVENT_TYPES.join(', ')}, got ${describeValue(item)}`);
  });
  return ok ? [...new Set(value as string[])] : null;
}
