import { checkAll, ConfigError, setting } from '@linker/config';
import { checkPartners, clientTlsOf, readSettingFile, type ClientTls } from '@linker/lifecycle';

/** How the lanes reach a secured Kafka and NATS (a managed Kafka, a NATS with TLS and users); all unset: plain, no credentials. */
export const busSecuritySettings = {
  kafkaSsl: setting({
    env: 'LINKER_KAFKA_SSL',
    kind: 'boolean',
    default: false,
    doc: "Connect to Kafka over TLS (a broker's `SSL` or `SASL_SSL` listener), the broker's certificate checked against the system's CAs or `LINKER_KAFKA_TLS_CA_FILE`. On by itself when a CA or client certificate file is set.",
  }),
  kafkaTlsCaFile: setting({
    env: 'LINKER_KAFKA_TLS_CA_FILE',
    kind: 'string',
    optional: true,
    doc: "PEM CA certificate(s) the Kafka brokers' certificates must be signed by (TLS on). Unset: the system's CAs.",
  }),
  kafkaTlsCertFile: setting({
    env: 'LINKER_KAFKA_TLS_CERT_FILE',
    kind: 'string',
    optional: true,
    doc: 'PEM client certificate presented to Kafka (mutual TLS; TLS on). Set with `LINKER_KAFKA_TLS_KEY_FILE`.',
  }),
  kafkaTlsKeyFile: setting({
    env: 'LINKER_KAFKA_TLS_KEY_FILE',
    kind: 'string',
    optional: true,
    doc: 'PEM private key of `LINKER_KAFKA_TLS_CERT_FILE` (both or neither). Never logged.',
  }),
  kafkaSaslMechanism: setting({
    env: 'LINKER_KAFKA_SASL_MECHANISM',
    kind: 'string',
    optional: true,
    oneOf: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'],
    doc: 'SASL authentication with Kafka, with `LINKER_KAFKA_SASL_USERNAME` and `LINKER_KAFKA_SASL_PASSWORD` (all three or none). PLAIN sends the password as is: use it over TLS only. Unset: no SASL.',
  }),
  kafkaSaslUsername: setting({ env: 'LINKER_KAFKA_SASL_USERNAME', kind: 'string', optional: true, doc: 'SASL user name for Kafka.' }),
  kafkaSaslPassword: setting({
    env: 'LINKER_KAFKA_SASL_PASSWORD',
    kind: 'string',
    optional: true,
    secret: true,
    doc: 'SASL password for Kafka. Never logged.',
  }),
  natsTlsCaFile: setting({
    env: 'LINKER_NATS_TLS_CA_FILE',
    kind: 'string',
    optional: true,
    doc: "PEM CA certificate(s) the NATS server's certificate must be signed by; set (or a client certificate), the connection must be TLS. Unset: TLS when the server asks for it (or the URL is `tls://`), checked against the system's CAs.",
  }),
  natsTlsCertFile: setting({
    env: 'LINKER_NATS_TLS_CERT_FILE',
    kind: 'string',
    optional: true,
    doc: 'PEM client certificate presented to NATS (mutual TLS). Set with `LINKER_NATS_TLS_KEY_FILE`.',
  }),
  natsTlsKeyFile: setting({
    env: 'LINKER_NATS_TLS_KEY_FILE',
    kind: 'string',
    optional: true,
    doc: 'PEM private key of `LINKER_NATS_TLS_CERT_FILE` (both or neither). Never logged.',
  }),
  natsUser: setting({
    env: 'LINKER_NATS_USER',
    kind: 'string',
    optional: true,
    doc: 'NATS user, with `LINKER_NATS_PASSWORD`. One way of authenticating at most: a user, a token or a credentials file.',
  }),
  natsPassword: setting({
    env: 'LINKER_NATS_PASSWORD',
    kind: 'string',
    optional: true,
    secret: true,
    doc: 'Password of `LINKER_NATS_USER` (both or neither). Never logged.',
  }),
  natsToken: setting({
    env: 'LINKER_NATS_TOKEN',
    kind: 'string',
    optional: true,
    secret: true,
    doc: 'NATS authentication token (instead of a user or a credentials file). Never logged.',
  }),
  natsCredsFile: setting({
    env: 'LINKER_NATS_CREDS_FILE',
    kind: 'string',
    optional: true,
    doc: 'NATS credentials file (`.creds`: a user JWT and its NKey seed, as `nsc` writes it), instead of a user or a token. Read at start-up.',
  }),
};

type BusSecurityConfig = {
  readonly [K in Exclude<keyof typeof busSecuritySettings, 'kafkaSsl'>]?: string;
} & { readonly kafkaSsl: boolean };

/** Kafka's TLS (`true`: the system's CAs) and SASL, as the Kafka client takes them. */
export interface KafkaSecurity {
  ssl?: ClientTls | true;
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
}

/** NATS's TLS and one way of authenticating, as the NATS client takes them (`creds`: the credentials file's content). */
export interface NatsSecurity {
  tls?: ClientTls;
  user?: string;
  pass?: string;
  token?: string;
  creds?: Uint8Array;
}

export interface BusSecurity {
  kafka: KafkaSecurity;
  nats: NatsSecurity;
}

/**
 * The security of both lanes from `config`, read and checked at start-up: the files readable, each setting with its
 * partners (a client certificate with its key, a SASL mechanism with a user and a password, a NATS user with a password),
 * at most one NATS authentication. Throws `ConfigError` naming every problem (never a secret).
 */
export function busSecurityOf(config: BusSecurityConfig): BusSecurity {
  const [kafka, nats] = checkAll(
    () => kafkaSecurityOf(config),
    () => natsSecurityOf(config),
  );
  return { kafka, nats };
}

function kafkaSecurityOf(config: BusSecurityConfig): KafkaSecurity {
  const { kafkaSaslMechanism: mechanism, kafkaSaslUsername: username, kafkaSaslPassword: password } = config;
  const sasl = mechanism !== undefined;
  const [tls] = checkAll(
    () =>
      clientTlsOf({ caFile: config.kafkaTlsCaFile, certFile: config.kafkaTlsCertFile, keyFile: config.kafkaTlsKeyFile }, tlsNames('KAFKA')),
    () =>
      checkPartners([
        ['LINKER_KAFKA_SASL_MECHANISM', sasl, 'LINKER_KAFKA_SASL_USERNAME', username !== undefined],
        ['LINKER_KAFKA_SASL_MECHANISM', sasl, 'LINKER_KAFKA_SASL_PASSWORD', password !== undefined],
        ['LINKER_KAFKA_SASL_USERNAME', username !== undefined, 'LINKER_KAFKA_SASL_MECHANISM', sasl],
        ['LINKER_KAFKA_SASL_PASSWORD', password !== undefined, 'LINKER_KAFKA_SASL_MECHANISM', sasl],
      ]),
  );
  const ssl = tls ?? (config.kafkaSsl ? true : undefined);
  return {
    ...(ssl === undefined ? {} : { ssl }),
    ...(sasl
      ? { sasl: { mechanism: mechanism.toLowerCase() as 'plain', username: username as string, password: password as string } }
      : {}),
  };
}

function natsSecurityOf(config: BusSecurityConfig): NatsSecurity {
  const { natsUser: user, natsPassword: pass, natsToken: token, natsCredsFile: credsFile } = config;
  const ways = [
    user !== undefined && 'LINKER_NATS_USER',
    token !== undefined && 'LINKER_NATS_TOKEN',
    credsFile !== undefined && 'LINKER_NATS_CREDS_FILE',
  ];
  const named = ways.filter((name) => name !== false);
  const [tls, creds] = checkAll(
    () => clientTlsOf({ caFile: config.natsTlsCaFile, certFile: config.natsTlsCertFile, keyFile: config.natsTlsKeyFile }, tlsNames('NATS')),
    () => (credsFile === undefined ? undefined : readSettingFile(credsFile, 'LINKER_NATS_CREDS_FILE')),
    () =>
      checkPartners([
        ['LINKER_NATS_USER', user !== undefined, 'LINKER_NATS_PASSWORD', pass !== undefined],
        ['LINKER_NATS_PASSWORD', pass !== undefined, 'LINKER_NATS_USER', user !== undefined],
      ]),
    () => {
      if (named.length > 1) throw new ConfigError([`${named.join(' and ')} are set: NATS takes one way of authenticating`]);
    },
  );
  return {
    ...(tls === undefined ? {} : { tls }),
    ...(user === undefined ? {} : { user, pass }),
    ...(token === undefined ? {} : { token }),
    ...(creds === undefined ? {} : { creds }),
  };
}

const tlsNames = (service: string) => ({
  ca: `LINKER_${service}_TLS_CA_FILE`,
  cert: `LINKER_${service}_TLS_CERT_FILE`,
  key: `LINKER_${service}_TLS_KEY_FILE`,
});
