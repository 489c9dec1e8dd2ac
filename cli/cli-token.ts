/**
 * `linker token`: a development JWT for one user, signed HS256 with the app's `jwtSecret` (given, or read from a
 * topology file): the token a login (`AUTH_CLIENT`) or, with `--channel`, a subscription needs. Printed alone on stdout.
 */
import { SignJWT } from 'jose';
import { MASKED_SECRET, readTopologyFile } from '@linker/topology';
import { noPositionals, readArgs, withUsage } from './cli-args';
import { EXIT, explain, fail, output, parseOrSay } from './cli-io';

/** What `linker token …` asks for. */
export interface TokenOptions {
  user: string;
  /** The secret itself, or where to read it: a topology file and the app (appName or appId). */
  key: { secret: string } | { topology: string; app: string };
  ttlSeconds: number;
  channel?: string;
}

export function parseTokenArgs(argv: string[]): TokenOptions {
  return withUsage(() => {
    const { values, positionals } = readArgs(argv, {
      user: { type: 'string' },
      secret: { type: 'string' },
      topology: { type: 'string' },
      app: { type: 'string' },
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

function keyOf(values: { secret?: string; topology?: string; app?: string }): TokenOptions['key'] {
  if (values.secret !== undefined && values.topology === undefined) return { secret: values.secret };
  if (values.secret === undefined && values.topology !== undefined && values.app !== undefined) {
    return { topology: values.topology, app: values.app };
  }
  throw new Error('give either --secret SECRET, or --topology FILE and --app APP');
}

/** `linker token …`: 0 with the token on stdout; 1 when the topology gives no usable secret; 64 bad usage. */
export async function tokenCommand(argv: string[]): Promise<number> {
  const options = parseOrSay(() => parseTokenArgs(argv));
  if (options === undefined) return EXIT.USAGE;
  try {
    const secret = 'secret' in options.key ? options.key.secret : await secretOf(options.key, options.user);
    output(await mintToken(options, secret, Date.now()));
    return EXIT.OK;
  } catch (error) {
    fail(explain(error));
    return EXIT.FAILED;
  }
}

/** An HS256 JWT: `sub` the user, `iat` now, `exp` after the ttl, and `channel` for a subscription token. */
export function mintToken(options: Pick<TokenOptions, 'user' | 'ttlSeconds' | 'channel'>, secret: string, now: number): Promise<string> {
  const issuedAt = Math.floor(now / 1000);
  return new SignJWT(options.channel === undefined ? {} : { channel: options.channel })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.user)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + options.ttlSeconds)
    .sign(new TextEncoder().encode(secret));
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
        ? `${app.appName} checks tokens with its jwtPublicKey: sign them with the matching private key`
        : `${app.appName} has no jwtSecret: its logins are not checked as JWTs`,
    );
  }
  if (app.jwtSecret === MASKED_SECRET) throw new Error(`${file} holds the jwtSecret of ${app.appName} masked (${MASKED_SECRET})`);
  return app.jwtSecret;
}
