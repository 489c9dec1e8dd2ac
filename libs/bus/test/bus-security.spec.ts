import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, defineConfig } from '@linker/config';
import { busSecurityOf, busSecuritySettings } from '../src/bus-security.settings';

const dir = mkdtempSync(join(tmpdir(), 'linker-bus-security-'));
const file = (name: string, content: string): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const ca = file('ca.pem', 'CA');
const cert = file('client.pem', 'CERT');
const key = file('client.key', 'KEY');
const creds = file('user.creds', 'CREDS');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const securityOf = (env: Record<string, string>) => busSecurityOf(defineConfig(busSecuritySettings).load(env));
/** The problems `env` is refused with, or [] when it is taken. */
function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    securityOf(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('busSecurityOf', () => {
  it('is plain and anonymous with nothing set', () => {
    expect(securityOf({})).toEqual({ kafka: {}, nats: {} });
  });

  it('gives Kafka TLS with the files read and SASL with the mechanism as the client names it', () => {
    const security = securityOf({
      LINKER_KAFKA_TLS_CA_FILE: ca,
      LINKER_KAFKA_TLS_CERT_FILE: cert,
      LINKER_KAFKA_TLS_KEY_FILE: key,
      LINKER_KAFKA_SASL_MECHANISM: 'SCRAM-SHA-256',
      LINKER_KAFKA_SASL_USERNAME: 'linker',
      LINKER_KAFKA_SASL_PASSWORD: 'secret',
    });
    expect(security.kafka).toEqual({
      ssl: { ca: Buffer.from('CA'), cert: Buffer.from('CERT'), key: Buffer.from('KEY') },
      sasl: { mechanism: 'scram-sha-256', username: 'linker', password: 'secret' },
    });
  });

  it("gives Kafka TLS with the system's CAs when only LINKER_KAFKA_SSL is set", () => {
    expect(securityOf({ LINKER_KAFKA_SSL: 'true' }).kafka).toEqual({ ssl: true });
  });

  it('gives NATS its TLS files and one way of authenticating', () => {
    expect(securityOf({ LINKER_NATS_TLS_CA_FILE: ca, LINKER_NATS_USER: 'linker', LINKER_NATS_PASSWORD: 'pw' }).nats).toEqual({
      tls: { ca: Buffer.from('CA') },
      user: 'linker',
      pass: 'pw',
    });
    expect(securityOf({ LINKER_NATS_TOKEN: 't0ken' }).nats).toEqual({ token: 't0ken' });
    expect(securityOf({ LINKER_NATS_CREDS_FILE: creds }).nats).toEqual({ creds: Buffer.from('CREDS') });
  });

  it.each([
    [{ LINKER_KAFKA_TLS_CERT_FILE: cert }, 'LINKER_KAFKA_TLS_KEY_FILE is required with LINKER_KAFKA_TLS_CERT_FILE'],
    [{ LINKER_NATS_TLS_KEY_FILE: key }, 'LINKER_NATS_TLS_CERT_FILE is required with LINKER_NATS_TLS_KEY_FILE'],
    [
      { LINKER_KAFKA_SASL_MECHANISM: 'PLAIN', LINKER_KAFKA_SASL_USERNAME: 'u' },
      'LINKER_KAFKA_SASL_MECHANISM needs LINKER_KAFKA_SASL_PASSWORD',
    ],
    [{ LINKER_KAFKA_SASL_PASSWORD: 'pw' }, 'LINKER_KAFKA_SASL_PASSWORD needs LINKER_KAFKA_SASL_MECHANISM'],
    [{ LINKER_NATS_USER: 'u' }, 'LINKER_NATS_USER needs LINKER_NATS_PASSWORD'],
    [{ LINKER_NATS_USER: 'u', LINKER_NATS_PASSWORD: 'p', LINKER_NATS_TOKEN: 't' }, 'LINKER_NATS_USER and LINKER_NATS_TOKEN are set'],
    [{ LINKER_KAFKA_TLS_CA_FILE: join(dir, 'missing.pem') }, `LINKER_KAFKA_TLS_CA_FILE ${join(dir, 'missing.pem')} cannot be read`],
    [{ LINKER_NATS_CREDS_FILE: join(dir, 'missing.creds') }, `LINKER_NATS_CREDS_FILE ${join(dir, 'missing.creds')} cannot be read`],
  ])('refuses %j at start-up: %s', (env, problem) => {
    expect(problemsOf(env)).toEqual([expect.stringContaining(problem)]);
  });

  it('never says a password or a token in its problems', () => {
    const problems = problemsOf({
      LINKER_KAFKA_SASL_PASSWORD: 'kafka-SECRET',
      LINKER_NATS_PASSWORD: 'nats-SECRET',
      LINKER_NATS_TOKEN: 'token-SECRET',
    });
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join('\n')).not.toMatch(/SECRET/);
  });
});
