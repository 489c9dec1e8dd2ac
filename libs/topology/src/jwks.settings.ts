import { setting } from '@linker/config';
import type { JwksOptions } from './jwt-verifier';

/** How the key sets of `jwksUrl` apps are fetched and kept (`JwtVerifier`); part of the connector's and the processor's config. */
export const jwksSettings = {
  jwksTimeoutMs: setting({
    env: 'LINKER_JWKS_TIMEOUT_MS',
    kind: 'integer',
    default: 5_000,
    min: 100,
    max: 60_000,
    doc: "Longest wait for an app's `jwksUrl` key set; a login (or subscription token) that needs it and gets no answer in time is refused.",
  }),
  jwksCooldownMs: setting({
    env: 'LINKER_JWKS_COOLDOWN_MS',
    kind: 'integer',
    default: 30_000,
    min: 0,
    max: 3_600_000,
    doc: 'A token whose `kid` the cached key set does not hold makes the set be fetched again (a rotated key), at most once per this many ms per app; other such tokens meanwhile are refused.',
  }),
  jwksMaxAgeMs: setting({
    env: 'LINKER_JWKS_MAX_AGE_MS',
    kind: 'integer',
    default: 600_000,
    min: 1_000,
    max: 86_400_000,
    doc: 'A cached key set older than this is fetched again when a token needs it.',
  }),
};

/** The `JwtVerifier` options of those settings. */
export function jwksOptions(settings: { jwksTimeoutMs: number; jwksCooldownMs: number; jwksMaxAgeMs: number }): JwksOptions {
  return { timeoutMs: settings.jwksTimeoutMs, cooldownMs: settings.jwksCooldownMs, maxAgeMs: settings.jwksMaxAgeMs };
}
