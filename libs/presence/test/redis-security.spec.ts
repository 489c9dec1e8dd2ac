import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, defineConfig } from '@linker/config';
import { redisSecurityOf, redisSecuritySettings } from '../src/redis-security.settings';

const dir = mkdtempSync(join(tmpdir(), 'linker-redis-security-'));
const ca = join(dir, 'ca.pem');
writeFileSync(ca, 'CA');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const securityOf = (env: Record<string, string>) => redisSecurityOf(defineConfig(redisSecuritySettings).load(env));

describe('redisSecurityOf', () => {
  it('is plain and the default user with nothing set', () => {
    expect(securityOf({})).toEqual({});
  });

  it('gives TLS with the CA read, and the ACL user', () => {
    expect(securityOf({ LINKER_REDIS_TLS_CA_FILE: ca, LINKER_REDIS_USERNAME: 'linker', LINKER_REDIS_PASSWORD: 'pw' })).toEqual({
      tls: { ca: Buffer.from('CA') },
      username: 'linker',
      password: 'pw',
    });
  });

  it('takes a password alone (the default user, requirepass)', () => {
    expect(securityOf({ LINKER_REDIS_PASSWORD: 'pw' })).toEqual({ password: 'pw' });
  });

  it.each([
    [{ LINKER_REDIS_USERNAME: 'linker' }, 'LINKER_REDIS_USERNAME needs LINKER_REDIS_PASSWORD'],
    [{ LINKER_REDIS_TLS_KEY_FILE: ca }, 'LINKER_REDIS_TLS_CERT_FILE is required with LINKER_REDIS_TLS_KEY_FILE'],
  ])('refuses %j at start-up: %s', (env, problem) => {
    expect(() => securityOf(env)).toThrow(ConfigError);
    expect(() => securityOf(env)).toThrow(problem);
  });
});
