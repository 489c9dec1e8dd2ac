import { createPublicKey } from 'node:crypto';
import { MASKED_SECRET } from '../mask-secrets';
import type { Mapping } from './fields';

/** Shortest HS256 secret accepted without a warning: 256 bits, as RFC 7518 §3.2 asks. */
const MIN_SECRET_LENGTH = 32;
/** Shortest server API key: 32 characters (at least 192 bits of a base64 alphabet), so it cannot be guessed online. */
const MIN_API_KEY_LENGTH = 32;

/** `jwtPublicKey` must be an RSA (RS256) or P-256 (ES256) public key in PEM, never a private key. */
export function checkPublicKey(map: Mapping, pem: string): void {
  const path = [...map.path, 'jwtPublicKey'];
  if (/PRIVATE KEY-----/.test(pem)) {
    map.problems.error(path, 'is a private key: give the public key (a private key must never be in the topology)');
    return;
  }
  let detail: string | undefined;
  try {
    const key = createPublicKey(pem);
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (key.asymmetricKeyType === 'rsa' || (key.asymmetricKeyType === 'ec' && curve === 'prime256v1')) return;
    detail = `a ${key.asymmetricKeyType ?? 'unknown'}${curve ? ` (${curve})` : ''} key`;
  } catch {
    detail = 'not a PEM public key';
  }
  map.problems.error(path, `must be an RSA (RS256) or P-256 EC (ES256) public key in PEM, got ${detail}`);
}

/** A short HS256 secret is guessable offline from any token: warn (a masked copy from the meta-server is fine). */
export function checkSecretStrength(map: Mapping, secret: string): void {
  if (secret === MASKED_SECRET || secret.length >= MIN_SECRET_LENGTH) return;
  map.problems.warning(
    [...map.path, 'jwtSecret'],
    `is shorter than ${MIN_SECRET_LENGTH} characters: tokens signed with it can be brute-forced`,
  );
}

/** An `authUrlSecret` signs what the router sends: as long as a webhook secret (a masked copy from the meta-server is fine). */
export function checkAuthUrlSecret(map: Mapping, secret: string, authUrl: string | undefined): void {
  const path = [...map.path, 'authUrlSecret'];
  if (secret !== MASKED_SECRET && secret.length < MIN_API_KEY_LENGTH)
    map.problems.error(path, `is shorter than ${MIN_API_KEY_LENGTH} characters: give a long random secret`);
  if (authUrl === undefined) map.problems.warning(path, 'is set but the app has no authUrl: nothing is signed with it');
}

/** A server API key must be long enough not to be guessed (a masked copy from the meta-server is fine). */
export function checkApiKey(map: Mapping, key: string): void {
  if (key === MASKED_SECRET || key.length >= MIN_API_KEY_LENGTH) return;
  map.problems.error([...map.path, 'apiKey'], `is shorter than ${MIN_API_KEY_LENGTH} characters: give a long random key`);
}
