import { createPublicKey, type KeyObject } from 'node:crypto';
import { jwtVerify } from 'jose';
import type { ClientApp } from './topology';

/** The most keys kept; the cache is dropped whole beyond it (apps are few; this only bounds a pathological churn). */
const MAX_KEYS = 1000;

interface VerifyKey {
  key: KeyObject | Uint8Array;
  algorithms: string[];
}

/**
 * Verifies a token as an app's JWT (docs/protocol.md, Authentication and Channels; not in the original): `jwtSecret` →
 * HS256, `jwtPublicKey` (PEM) → RS256 or ES256 by the key's type. Accepted only when the signature is valid, the token
 * carries `exp` and has not expired, `sub` is the user id and, for a subscription token, its `channel` claim is the
 * channel. Keys are parsed once per distinct secret or PEM, not per token.
 */
export class JwtVerifier {
  private readonly keys = new Map<string, VerifyKey | undefined>();

  /** Whether `app` is set up for JWT logins. */
  static appliesTo(app: ClientApp): boolean {
    return Boolean(app.jwtSecret || app.jwtPublicKey);
  }

  /**
   * Resolves to a reason when the token is refused, undefined when it is accepted. `channel`: a subscription token,
   * whose `channel` claim must name it. Never rejects.
   */
  async refusal(app: ClientApp, token: string | undefined, userId: string, now: number, channel?: string): Promise<string | undefined> {
    if (!token) return 'no token';
    const verifyKey = this.keyOf(app);
    if (!verifyKey) return "the app's jwtPublicKey is not a usable RSA or EC public key";
    try {
      const { payload } = await jwtVerify(token, verifyKey.key, {
        algorithms: verifyKey.algorithms,
        subject: userId,
        requiredClaims: ['exp', 'sub'],
        currentDate: new Date(now),
      });
      if (channel !== undefined && payload.channel !== channel) return 'token refused (its channel claim is not this channel)';
      return undefined;
    } catch (error) {
      return `token refused (${(error as { code?: string }).code ?? 'invalid'})`;
    }
  }

  private keyOf(app: ClientApp): VerifyKey | undefined {
    const name = app.jwtSecret ? `secret:${app.jwtSecret}` : `pem:${app.jwtPublicKey}`;
    if (this.keys.has(name)) return this.keys.get(name);
    if (this.keys.size >= MAX_KEYS) this.keys.clear();
    const made = app.jwtSecret
      ? { key: new TextEncoder().encode(app.jwtSecret), algorithms: ['HS256'] }
      : publicKey(app.jwtPublicKey ?? '');
    this.keys.set(name, made);
    return made;
  }
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
