import { checkAll, setting } from '@linker/config';
import { checkPartners, clientTlsOf, type ClientTls } from '@linker/lifecycle';

/** How an app reaches a Redis with TLS and ACL users (the presence store, the channel histories and the analytics share it). */
export const redisSecuritySettings = {
  redisTlsCaFile: setting({
    env: 'LINKER_REDIS_TLS_CA_FILE',
    kind: 'string',
    optional: true,
    doc: "PEM CA certificate(s) Redis's certificate must be signed by; set (or a client certificate), Redis is reached over TLS. A `rediss://` URL is TLS too, checked against the system's CAs.",
  }),
  redisTlsCertFile: setting({
    env: 'LINKER_REDIS_TLS_CERT_FILE',
    kind: 'string',
    optional: true,
    doc: 'PEM client certificate presented to Redis (mutual TLS, `tls-auth-clients`). Set with `LINKER_REDIS_TLS_KEY_FILE`.',
  }),
  redisTlsKeyFile: setting({
    env: 'LINKER_REDIS_TLS_KEY_FILE',
    kind: 'string',
    optional: true,
    doc: 'PEM private key of `LINKER_REDIS_TLS_CERT_FILE` (both or neither). Never logged.',
  }),
  redisUsername: setting({
    env: 'LINKER_REDIS_USERNAME',
    kind: 'string',
    optional: true,
    doc: 'Redis ACL user, with `LINKER_REDIS_PASSWORD` (instead of a user in the URL, where the password would be too). Unset: the `default` user.',
  }),
  redisPassword: setting({
    env: 'LINKER_REDIS_PASSWORD',
    kind: 'string',
    optional: true,
    secret: true,
    doc: 'Password of `LINKER_REDIS_USERNAME`, or of the `default` user (`requirepass`) when no user is set. Never logged.',
  }),
};

/** TLS and an ACL user for Redis, as the Redis client takes them. */
export interface RedisSecurity {
  tls?: ClientTls;
  username?: string;
  password?: string;
}

type RedisSecurityConfig = { readonly [K in keyof typeof redisSecuritySettings]?: string };

/** The Redis security of `config`, read and checked at start-up (files readable, certificate with key, user with password). */
export function redisSecurityOf(config: RedisSecurityConfig): RedisSecurity {
  const { redisUsername: username, redisPassword: password } = config;
  const [tls] = checkAll(
    () =>
      clientTlsOf(
        { caFile: config.redisTlsCaFile, certFile: config.redisTlsCertFile, keyFile: config.redisTlsKeyFile },
        { ca: 'LINKER_REDIS_TLS_CA_FILE', cert: 'LINKER_REDIS_TLS_CERT_FILE', key: 'LINKER_REDIS_TLS_KEY_FILE' },
      ),
    () => checkPartners([['LINKER_REDIS_USERNAME', username !== undefined, 'LINKER_REDIS_PASSWORD', password !== undefined]]),
  );
  return {
    ...(tls === undefined ? {} : { tls }),
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
  };
}
