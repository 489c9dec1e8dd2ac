/** A TLS handshake that failed on a certificate: node's verification codes, or a TLS alert from the other side. */
const TLS_REFUSAL = /^ERR_(SSL|TLS)_|CERT|SIGNATURE|ISSUER/;

interface CodedError {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
}

/**
 * The message of the TLS refusal in `error` or its causes (the certificate check failed, or the server refused ours),
 * if any. Not `instanceof Error`: node's errors may come from another realm (a test runner's sandbox).
 */
export function tlsRefusalIn(error: unknown): string | undefined {
  let current = error as CodedError | undefined;
  for (let depth = 0; depth < 10 && typeof current === 'object' && current !== null; depth++) {
    if (typeof current.code === 'string' && TLS_REFUSAL.test(current.code)) return String(current.message);
    current = current.cause as CodedError | undefined;
  }
  return undefined;
}
