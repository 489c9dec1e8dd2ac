import type { ChannelRule } from '../topology';
import { asList, asMapping, checkKeys, describeValue, mappingsOf, readInteger, readString, type Mapping } from './fields';

const RULE_KEYS = ['pattern', 'subscribe', 'publish', 'history'];
const HISTORY_KEYS = ['size', 'ttlSeconds'];
/** A channel name pattern: the characters of a channel's name, and `*` for any run of them. */
const PATTERN = /^[A-Za-z0-9_.:*-]{1,128}$/;
/** Most entries a channel's history may keep, and longest it may keep them. */
const MAX_HISTORY_SIZE = 10_000;
const MAX_HISTORY_TTL_SECONDS = 7 * 24 * 3600;

/**
 * An app's `channels`: ordered rules, the first whose `pattern` matches a channel's name applies to it (docs/protocol.md,
 * Channels). Undefined when the app declares none (then it has no channels).
 */
export function readChannels(app: Mapping): ChannelRule[] | undefined {
  if (app.value.channels === undefined || app.value.channels === null) return undefined;
  const list = asList(app, 'channels', false);
  if (!list) return undefined;
  const rules: ChannelRule[] = [];
  const seen = new Map<string, number>();
  for (const map of mappingsOf(list, [...app.path, 'channels'], app.problems)) {
    checkKeys(map, RULE_KEYS);
    const rule = readRule(map);
    if (!rule) continue;
    const earlier = seen.get(rule.pattern);
    if (earlier !== undefined)
      map.problems.warning([...map.path, 'pattern'], `channels[${earlier}] has the same pattern: this rule never applies`);
    else seen.set(rule.pattern, map.index);
    rules.push(rule);
  }
  return rules;
}

function readRule(map: Mapping): ChannelRule | undefined {
  const pattern = readString(map, 'pattern', { required: true });
  const subscribe = readChoice(map, 'subscribe', ['public', 'token'] as const);
  const publish = readChoice(map, 'publish', ['server', 'clients'] as const);
  const history = readHistory(map);
  if (pattern !== undefined && !PATTERN.test(pattern)) {
    map.problems.error(
      [...map.path, 'pattern'],
      'may hold only letters, digits, "_ . - :" and "*" (any run of them), at most 128 characters',
    );
    return undefined;
  }
  if (pattern === undefined || subscribe === null || publish === null || history === null) return undefined;
  return {
    pattern,
    ...(subscribe === undefined ? {} : { subscribe }),
    ...(publish === undefined ? {} : { publish }),
    ...(history === undefined ? {} : { history }),
  };
}

/** An optional field that must be one of `choices`: undefined when absent, null when wrong (reported). */
function readChoice<T extends string>(map: Mapping, key: string, choices: readonly T[]): T | undefined | null {
  const value = map.value[key];
  if (value === undefined || value === null) return undefined;
  if (choices.includes(value as T)) return value as T;
  map.problems.error([...map.path, key], `must be ${choices.join(' or ')}, got ${describeValue(value)}`);
  return null;
}

function readHistory(map: Mapping): ChannelRule['history'] | undefined | null {
  const value = map.value.history;
  if (value === undefined || value === null) return undefined;
  const path = [...map.path, 'history'];
  const inner = asMapping(value, path, map.problems);
  if (!inner) return null;
  checkKeys(inner, HISTORY_KEYS);
  const size = readInteger(inner, 'size', 1, MAX_HISTORY_SIZE);
  const ttlSeconds = readInteger(inner, 'ttlSeconds', 1, MAX_HISTORY_TTL_SECONDS);
  if (size === undefined || ttlSeconds === undefined) {
    if (inner.value.size === undefined || inner.value.ttlSeconds === undefined) map.problems.error(path, 'needs both size and ttlSeconds');
    return null;
  }
  return { size, ttlSeconds };
}
