/**
 * `linker token`: a development JWT for one user, signed HS256 with the app's `jwtSecret` (given, or read from a
 * topology file), or RS256/ES256 with the private key of an app's `jwtPublicKey`: the token a login (`AUTH_CLIENT`)
 * or, with `--channel`, a subscription needs. Printed alone on stdout.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { SignJWT } from 'jose';
import { MASKED_SECRET, readTopologyFile } from '@linker/topology';
import { noPositionals, readArgs, withUsage } from './cli-args';
import { EXIT, explain, fail, output, parseOrSay } from './cli-io';

/** What `linker token …` asks for. */
interface TokenOptions {
  user: string;
  /** The secret itself, where to read it (a topology file and the app: appName or appId), or a private key's file. */
  key: { secret: string } | { topology: string; app: string } | { privateKey: string };
  ttlSeconds: number;
  channel?: string;
}

function parseTokenArgs(argv: string[]): TokenOptions {
  return withUsage(() => {
    const { values, positionals } = readArgs(argv, {
      user: { type: 'string' },
      secret: { type: 'string' },
      topology: { type: 'string' },
      app: { type: 'string' },
      'private-key': { type: 'string' },
      ttl: { type: 'string', default: '3600' },
      channel: { type: 'string' },
    });
    noPositionals(positionals);
    if (!values.user) throw new Error('--user is required');
    const ttlSeconds = Number(values.ttl);
    if (!(Number.isInteger(ttlSeconds) && ttlSeconds > 0)) throw new Error('--ttl is a positive whole number of seconds');
    return { user: values.user, key: keyOf(values), ttlSeconds, channel: values.channel };
  });
}

function keyOf(values: { secret?: string; topology?: string; app?: string; 'private-key'?: string }): TokenOptions['key'] {
  const { secret, topology, app, 'private-key': privateKey } = values;
  const given = [secret, topology, privateKey].filter((value) => value !== undefined).length;
  if (given === 1 && secret !== undefined) return { secret };
  if (given === 1 && privateKey !== undefined) return { privateKey };
  if (given === 1 && topology !== undefined && app !== undefined) return { topology, app };
  throw new Error('give one of --secret SECRET, --topology FILE with --app APP, or --private-key FILE');
}

/** `linker token …`: 0 with the token on stdout; 1 when no usable key is found; 64 bad usage. */
export async function tokenCommand(argv: string[]): Promise<number> {
  const options = parseOrSay(() => parseTokenArgs(argv));
  if (options === undefined) return EXIT.USAGE;
  try {
    output(await mintToken(options, await signingKeyOf(options), Date.now()));
    return EXIT.OK;
  } catch (error) {
    fail(explain(error));
    return EXIT.FAILED;
  }
}

/** A key to sign with, and its algorithm: the ones the server accepts (HS256, RS256, ES256 on P-256). */
interface SigningKey {
  key: Uint8Array | KeyObject;
  alg: 'HS256' | 'RS256' | 'ES256';
}

async function signingKeyOf({ key, user }: TokenOptions): Promise<SigningKey> {
  if ('privateKey' in key) return privateKeyOf(key.privateKey);
  const secret = 'secret' in key ? key.secret : await secretOf(key, user);
  return { key: new TextEncoder().encode(secret), alg: 'HS256' };
}

/** An RSA or P-256 private key (PEM), the counterpart of an app's `jwtPublicKey`. */
async function privateKeyOf(file: string): Promise<SigningKey> {
  const key = createPrivateKey(await readFile(file, 'utf8'));
  if (key.asymmetricKeyType === 'rsa') return { key, alg: 'RS256' };
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return { key, alg: 'ES256' };
  throw new Error(`${file} is not an RSA or P-256 private key (the server checks RS256 and ES256 tokens)`);
}

/** A JWT: `sub` the user, `iat` now, `exp` after the ttl, and `channel` for a subscription token. */
function mintToken(options: Pick<TokenOptions, 'user' | 'ttlSeconds' | 'channel'>, { key, alg }: SigningKey, now: number): Promise<string> {
  const issuedAt = Math.floor(now / 1000);
  return new SignJWT(options.channel === undefined ? {} : { channel: options.channel })
    .setProtectedHeader({ alg, typ: 'JWT' })
    .setSubject(options.user)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + options.ttlSeconds)
    .sign(key);
}

/** The `jwtSecret` of the app named (appName or appId) in a topology file, checked as the meta-server checks the file. */
async function secretOf({ topology: file, app: name }: { topology: string; app: string }, user: string): Promise<string> {
  const { topology } = await readTopologyFile(file);
  const app = topology.clientApps.find((candidate) => candidate.appName === name || candidate.appId === name);
  if (!app) throw new Error(`${file} has no app ${name} (its apps: ${topology.clientApps.map((a) => a.appName).join(', ')})`);
  if (!user.startsWith(`${app.appName}-`))
    throw new Error(`${user} is not a user of ${app.appName} (its users are ${app.appName}-<number>)`);
  if (!app.jwtSecret) {
    throw new Error(
      app.jwtPublicKey
        ? `${app.appName} checks tokens with its jwtPublicKey: sign them with its private key (--private-key FILE)`
        : `${app.appName} has no jwtSecret: its logins are not checked as JWTs`,
    );
  }
  if (app.jwtSecret === MASKED_SECRET) throw new Error(`${file} holds the jwtSecret of ${app.appName} masked (${MASKED_SECRET})`);
  return app.jwtSecret;
}
