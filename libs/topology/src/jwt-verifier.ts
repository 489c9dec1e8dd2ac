import { createPublicKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { ClientApp } from './topology';

/** The most keys kept; the cache is dropped whole beyond it (apps are few; this only bounds a pathological churn). */
const MAX_KEYS = 1000;

/** The algorithms of public keys: a `jwtPublicKey` takes the one of its type, a JWKS key either. */
const PUBLIC_KEY_ALGORITHMS = ['RS256', 'ES256'];

interface VerifyKey {
  key: KeyObject | Uint8Array | JWTVerifyGetKey;
  algorithms: string[];
}

/** How a `jwksUrl`'s key set is fetched and kept (docs/protocol.md, Authentication). */
export interface JwksOptions {
  /** Longest wait for the key set. */
  timeoutMs: number;
  /** A `kid` the cached set does not hold fetches it again, at most once per this many ms (else the token is refused). */
  cooldownMs: number;
  /** The set is fetched again when it is older than this (at the next token that needs it). */
  maxAgeMs: number;
}

export const JWKS_DEFAULTS: JwksOptions = { timeoutMs: 5_000, cooldownMs: 30_000, maxAgeMs: 600_000 };

/** A token checked: accepted (with its `exp`, epoch ms), or refused with a reason. */
export type JwtVerdict = { accepted: true; expiresAt: number } | { accepted: false; reason: string };

/**
 * Verifies a token as an app's JWT (docs/protocol.md, Authentication and Channels; not in the original): `jwtSecret` →
 * HS256, `jwtPublicKey` (PEM) → RS256 or ES256 by the key's type, `jwksUrl` → RS256 or ES256 with the key of the
 * token's `kid` in that key set (jose's remote key set: cached, fetched again when older than `maxAgeMs` and, at most
 * once per `cooldownMs`, for a `kid` it does not hold, so a rotated key is found and an unknown `kid` cannot make it
 * fetch in a loop). Accepted only when the signature is valid, the token carries `exp` and has not expired, `sub` is
 * the user id and, for a subscription token, its `channel` claim is the channel. Keys are made once per distinct
 * secret, PEM or URL, not per token.
 */
export class JwtVerifier {
  private readonly keys = new Map<string, VerifyKey | undefined>();

  constructor(private readonly jwks: JwksOptions = JWKS_DEFAULTS) {}

  /** Whether `app` is set up for JWT logins. */
  static appliesTo(app: ClientApp): boolean {
    return Boolean(app.jwtSecret || app.jwtPublicKey || app.jwksUrl);
  }

  /** Whether verifying `app`'s tokens may need I/O (its key set fetched): such logins are checked beside the intake. */
  static remote(app: ClientApp): boolean {
    return !app.jwtSecret && !app.jwtPublicKey && Boolean(app.jwksUrl);
  }

  /**
   * Resolves to a reason when the token is refused, undefined when it is accepted. `channel`: a subscription token,
   * whose `channel` claim must name it. Never rejects.
   */
  async refusal(app: ClientApp, token: string | undefined, userId: string, now: number, channel?: string): Promise<string | undefined> {
    const verdict = await this.verify(app, token, userId, now, channel);
    return verdict.accepted ? undefined : verdict.reason;
  }

  /** `refusal`, with the accepted token's expiry. Never rejects. */
  async verify(app: ClientApp, token: string | undefined, userId: string, now: number, channel?: string): Promise<JwtVerdict> {
    if (!token) return { accepted: false, reason: 'no token' };
    const verifyKey = this.keyOf(app);
    if (!verifyKey) return { accepted: false, reason: "the app's jwtPublicKey or jwksUrl is not usable" };
    try {
      const options = { algorithms: verifyKey.algorithms, subject: userId, requiredClaims: ['exp', 'sub'], currentDate: new Date(now) };
      // One call per overload of jwtVerify: a key, or a key set's key getter.
      const { payload } =
        typeof verifyKey.key === 'function'
          ? await jwtVerify(token, verifyKey.key, options)
          : await jwtVerify(token, verifyKey.key, options);
      if (channel !== undefined && payload.channel !== channel)
        return { accepted: false, reason: 'token refused (its channel claim is not this channel)' };
      return { accepted: true, expiresAt: (payload.exp as number) * 1000 };
    } catch (error) {
      return { accepted: false, reason: refusalOf(error) };
    }
  }

  private keyOf(app: ClientApp): VerifyKey | undefined {
    const name = app.jwtSecret ? `secret:${app.jwtSecret}` : app.jwtPublicKey ? `pem:${app.jwtPublicKey}` : `jwks:${app.jwksUrl}`;
    if (this.keys.has(name)) return this.keys.get(name);
    if (this.keys.size >= MAX_KEYS) this.keys.clear();
    const made = app.jwtSecret
      ? { key: new TextEncoder().encode(app.jwtSecret), algorithms: ['HS256'] }
      : app.jwtPublicKey
        ? publicKey(app.jwtPublicKey)
        : this.keySet(app.jwksUrl ?? '');
    this.keys.set(name, made);
    return made;
  }

  private keySet(url: string): VerifyKey | undefined {
    if (!URL.canParse(url)) return undefined;
    const { timeoutMs, cooldownMs, maxAgeMs } = this.jwks;
    const key = createRemoteJWKSet(new URL(url), { timeoutDuration: timeoutMs, cooldownDuration: cooldownMs, cacheMaxAge: maxAgeMs });
    return { key, algorithms: PUBLIC_KEY_ALGORITHMS };
  }
}

/** Why jose refused a token, in words a log and a client can use (never the token). */
function refusalOf(error: unknown): string {
  const { code, claim } = error as { code?: string; claim?: string };
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && claim === 'sub') return 'token refused (its sub is not this user)';
  if (code === 'ERR_JWT_EXPIRED') return 'token refused (expired)';
  if (code === 'ERR_JWKS_NO_MATCHING_KEY') return "token refused (no key of the app's key set matches its kid)";
  if (code === 'ERR_JWKS_TIMEOUT' || code === 'ERR_JOSE_GENERIC' || code === 'ERR_JWKS_INVALID')
    return `token refused (the app's key set could not be read: ${code})`;
  return `token refused (${code ?? 'invalid'})`;
}

function publicKey(pem: string): VerifyKey | undefined {
  try {
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType === 'rsa') return { key, algorithms: ['RS256'] };
    if (key.asymmetricKeyType === 'ec') return { key, algorithms: ['ES256'] };
    return undefined;
  } catch {
    return undefined;
  }
}
