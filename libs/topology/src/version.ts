import { createHash } from 'node:crypto';
import { maskSecrets } from './mask-secrets';
import type { Topology } from './topology';

/** JSON with every object's keys sorted, so equal topologies give equal text whatever order they were built in. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/**
 * The version of a topology: a hash of its content (16 hex digits of SHA-256 over the canonical JSON of its masked
 * copy). Comments and formatting of the YAML do not change it. Secrets are left out on purpose: the version is
 * public (an ETag), and a hash over a secret would let anyone test guesses of a weak secret offline.
 */
export function topologyVersion(topology: Topology): string {
  return createHash('sha256')
    .update(canonicalJson(maskSecrets(topology)))
    .digest('hex')
    .slice(0, 16);
}
