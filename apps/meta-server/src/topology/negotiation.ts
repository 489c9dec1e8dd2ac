/** The forms `GET /topology` can answer in. */
export type TopologyFormat = 'yaml' | 'json';

interface MediaRange {
  type: string;
  q: number;
}

/** Media ranges that name each form, most specific first (RFC 9110 §12.5.1: a specific type overrides a wildcard). */
const YAML_RANGES = [['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'], ['application/*', 'text/*'], ['*/*']];
const JSON_RANGES = [['application/json'], ['application/*'], ['*/*']];

/**
 * YAML unless the `Accept` header prefers JSON: JSON is chosen only when its quality is higher than YAML's, so no
 * header, any type, or types of neither form get YAML, the document's own form.
 */
export function preferredFormat(accept: string | undefined): TopologyFormat {
  if (!accept) return 'yaml';
  const ranges = accept.split(',').map(parseRange);
  return quality(ranges, JSON_RANGES) > quality(ranges, YAML_RANGES) ? 'json' : 'yaml';
}

function parseRange(range: string): MediaRange {
  const [type, ...params] = range.split(';').map((part) => part.trim().toLowerCase());
  const q = params.find((p) => p.startsWith('q='));
  const value = q === undefined ? 1 : Number(q.slice(2));
  return { type, q: Number.isFinite(value) ? value : 0 };
}

function quality(ranges: readonly MediaRange[], levels: readonly string[][]): number {
  for (const types of levels) {
    const matches = ranges.filter((r) => types.includes(r.type));
    if (matches.length > 0) return Math.max(...matches.map((r) => r.q));
  }
  return 0;
}

/** Whether an `If-None-Match` header names `version` (`"v"`, `W/"v"`, lists of them, or `*`). */
export function matchesVersion(ifNoneMatch: string | undefined, version: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed.replace(/^W\//, '') === `"${version}"`;
  });
}

/**
 * The versions an `If-Match` header names (strong tags only: `"v"`, lists of them), or undefined without the header.
 * `*` and weak tags name no version: an edit must say which version it was made from.
 */
export function ifMatchVersions(ifMatch: string | undefined): string[] | undefined {
  if (ifMatch === undefined || ifMatch.trim() === '') return undefined;
  return ifMatch.split(',').flatMap((tag) => {
    const match = /^"([^"]*)"$/.exec(tag.trim());
    return match ? [match[1]] : [];
  });
}

/** The author of a write, from `X-Linker-Author`: printable, at most 100 characters; `admin` when absent. */
export function authorOf(header: string | undefined): string {
  const cleaned = (header ?? '')
    .replace(/[^\x20-\x7e\u00a0-\uffff]/g, '')
    .trim()
    .slice(0, 100);
  return cleaned === '' ? 'admin' : cleaned;
}
