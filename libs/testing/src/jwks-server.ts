import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type KeyLike } from 'jose';

/** A key of the set: its `kid` and the private key that signs tokens it verifies. */
interface SigningKey {
  kid: string;
  privateKey: KeyLike;
}

/** A local JSON Web Key Set endpoint whose key can be rotated (tests of `jwksUrl` apps). */
export interface JwksServer {
  /** `http://127.0.0.1:<port>/jwks.json`. */
  url: string;
  /** How many times the set was fetched. */
  readonly fetches: number;
  /** Replace the set's key with a new one (the old one is gone from the set); its kid. */
  rotate(): Promise<string>;
  /** A token for `sub`, expiring at `exp` (unix seconds), signed with the current key (`kid` in its header). */
  sign(sub: string, exp: number): Promise<string>;
  close(): Promise<void>;
}

/** Start a JWKS server on port 0 with one RS256 key (kid `key-1`; each rotation counts up). */
export async function startJwksServer(): Promise<JwksServer> {
  let current: SigningKey;
  let published = '';
  let fetches = 0;
  let rotations = 0;
  const rotate = async (): Promise<string> => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const kid = `key-${++rotations}`;
    current = { kid, privateKey };
    published = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }] });
    return kid;
  };
  await rotate();
  const server = createServer((_request, response) => {
    fetches += 1;
    response.writeHead(200, { 'content-type': 'application/json' }).end(published);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/jwks.json`,
    get fetches() {
      return fetches;
    },
    rotate,
    sign: (sub, exp) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'RS256', kid: current.kid })
        .setSubject(sub)
        .setExpirationTime(exp)
        .sign(current.privateKey),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
