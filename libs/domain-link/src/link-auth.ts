import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { LinkCloseName } from './link-close-codes';
import type { ChallengeFrame, HelloFrame, WelcomeFrame } from './link-frames';

/**
 * The mutual challenge-response of a link (docs/adr/0008), shared by every transport. Each side proves it knows the
 * secret shared by the two domains without sending it: proof = HMAC-SHA256(secret, "<prover>><verifier>:" + nonce of
 * the verifier). The direction in the message makes a proof useless in the other direction (no reflection).
 * Secrets and proofs are never logged.
 */
export interface LinkAuth {
  /** This domain's name. */
  readonly domain: string;
  /** The secret shared with `peer`, or undefined when none is configured (the peer is then refused). */
  secretFor(peer: string): string | undefined;
}

export interface LinkServerAuth extends LinkAuth {
  /** Whether `peer` is a neighbour this domain accepts links from (the topology's links, read on every handshake). */
  acceptsPeer(peer: string): boolean;
}

export const newNonce = (): string => randomBytes(24).toString('base64url');

export function linkProof(secret: string, prover: string, verifier: string, nonce: string): string {
  return createHmac('sha256', secret).update(`${prover}>${verifier}:${nonce}`).digest('base64url');
}

/** Timing-safe comparison of a proof with the expected one. */
export function proofMatches(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export type Refusal = { ok: false; close: LinkCloseName; why: string };

export const challengeFrom = (domain: string): ChallengeFrame => ({ type: 'challenge', domain, nonce: newNonce() });

/** Server side: check a dialer's hello against the challenge it was sent; the welcome to answer, or why not. */
export function answerHello(
  auth: LinkServerAuth,
  challenge: ChallengeFrame,
  hello: HelloFrame,
): { ok: true; welcome: WelcomeFrame } | Refusal {
  const peer = hello.domain;
  if (peer === auth.domain || !auth.acceptsPeer(peer)) return { ok: false, close: 'UNEXPECTED_PEER', why: 'not a neighbour' };
  const secret = auth.secretFor(peer);
  if (secret === undefined) return { ok: false, close: 'UNEXPECTED_PEER', why: 'no secret configured for it' };
  if (!proofMatches(linkProof(secret, peer, auth.domain, challenge.nonce), hello.proof)) {
    return { ok: false, close: 'AUTH_FAILED', why: 'its proof does not match' };
  }
  return { ok: true, welcome: { type: 'welcome', proof: linkProof(secret, auth.domain, peer, hello.nonce) } };
}

/** Dialer side: the hello answering `challenge` from the server of `peer`, or why the dialer refuses to go on. */
export function helloFor(
  auth: LinkAuth,
  peer: string,
  challenge: ChallengeFrame,
): { ok: true; hello: HelloFrame; secret: string } | Refusal {
  if (challenge.domain !== peer) return { ok: false, close: 'AUTH_FAILED', why: `the endpoint says it is ${challenge.domain}` };
  const secret = auth.secretFor(peer);
  if (secret === undefined) return { ok: false, close: 'UNEXPECTED_PEER', why: 'no secret configured for it' };
  const proof = linkProof(secret, auth.domain, peer, challenge.nonce);
  return { ok: true, hello: { type: 'hello', domain: auth.domain, nonce: newNonce(), proof }, secret };
}

/** Dialer side: whether the server's welcome proves it knows the secret (over the dialer's own nonce). */
export function welcomeMatches(auth: LinkAuth, peer: string, secret: string, hello: HelloFrame, welcome: WelcomeFrame): boolean {
  return proofMatches(linkProof(secret, peer, auth.domain, hello.nonce), welcome.proof);
}
