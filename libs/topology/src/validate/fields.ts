import type { PathSegment, ProblemList } from '../problems';

/** A mapping of the document, with where it is and where its problems go. */
export interface Mapping {
  value: Record<string, unknown>;
  path: readonly PathSegment[];
  problems: ProblemList;
}

/** What a value is, in words, for "must be X, got Y" messages. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value === 'number' ? 'the number' : `the ${typeof value}`} ${String(value)}`;
}

/** The value as a mapping, or undefined after reporting that it is not one. */
export function asMapping(value: unknown, path: readonly PathSegment[], problems: ProblemList): Mapping | undefined {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return { value: value as Record<string, unknown>, path, problems };
  }
  problems.error(path, `must be a mapping, got ${describeValue(value)}`);
  return undefined;
}

/** The value as a list (absent → `[]` unless required), or undefined after reporting what is wrong. */
export function asList(map: Mapping, key: string, required: boolean): unknown[] | undefined {
  const value = map.value[key];
  if (value === undefined || value === null) {
    if (required) map.problems.error([...map.path, key], 'is required');
    return required ? undefined : [];
  }
  if (Array.isArray(value)) return value;
  map.problems.error([...map.path, key], `must be a list, got ${describeValue(value)}`);
  return undefined;
}

/** Report every key of `map` not in `allowed` (nor `ignored`), suggesting the allowed key it most likely meant. */
export function checkKeys(map: Mapping, allowed: readonly string[], ignored: readonly string[] = []): void {
  for (const key of Object.keys(map.value)) {
    if (allowed.includes(key) || ignored.includes(key)) continue;
    const meant = allowed.find((a) => squash(a) === squash(key)) ?? allowed.find((a) => distance(squash(a), squash(key)) <= 2);
    map.problems.error([...map.path, key], `unknown key${meant ? ` (did you mean "${meant}"?)` : `; allowed here: ${allowed.join(', ')}`}`);
  }
}

function squash(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, '');
}

/** Levenshtein distance (keys are short: the quadratic table is tiny). */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length];
}

/** How a text field is read: `required` reports its absence; `secret` never repeats its value in a message. */
export interface TextOptions {
  required?: boolean;
  secret?: boolean;
}

/** An optional or required non-empty text field. Absent (or YAML null) → undefined. */
export function readString(map: Mapping, key: string, { required = false, secret = false }: TextOptions = {}): string | undefined {
  const value = map.value[key];
  const path = [...map.path, key];
  if (value === undefined || value === null) {
    if (required) map.problems.error(path, 'is required');
    return undefined;
  }
  if (typeof value !== 'string') {
    map.problems.error(path, secret ? 'must be text' : `must be text, got ${describeValue(value)}`);
    return undefined;
  }
  if (value.trim() === '') {
    map.problems.error(path, 'must not be empty');
    return undefined;
  }
  return value;
}

/** An optional boolean field. */
export function readBoolean(map: Mapping, key: string): boolean | undefined {
  const value = map.value[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  map.problems.error([...map.path, key], `must be true or false, got ${describeValue(value)}`);
  return undefined;
}

/** An optional whole number in [min, max]. */
export function readInteger(map: Mapping, key: string, min: number, max: number): number | undefined {
  const value = map.value[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
  map.problems.error([...map.path, key], `must be a whole number from ${min} to ${max}, got ${describeValue(value)}`);
  return undefined;
}

/** Each item of `list` that is a mapping, with its index; the others are reported. */
export function mappingsOf(list: unknown[], path: readonly PathSegment[], problems: ProblemList): Array<Mapping & { index: number }> {
  const result: Array<Mapping & { index: number }> = [];
  list.forEach((item, index) => {
    const map = asMapping(item, [...path, index], problems);
    if (map) result.push({ ...map, index });
  });
  return result;
}
