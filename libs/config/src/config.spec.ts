import { checkAll, ConfigError, defineConfig, setting } from '@linker/config';

const declaration = defineConfig({
  domain: setting({ env: 'LINKER_DOMAIN', kind: 'string', default: 'domain-01', doc: 'This domain.' }),
  port: setting({ env: 'LINKER_WS_PORT', kind: 'port', default: 8089, doc: 'Client WebSocket port.' }),
  brokers: setting({ env: 'LINKER_KAFKA_BROKERS', kind: 'list', doc: 'Kafka bootstrap servers.' }),
  mode: setting({ env: 'LINKER_MODE', kind: 'string', default: 'real', oneOf: ['real', 'embedded'], doc: 'Run mode.' }),
  partitions: setting({ env: 'LINKER_PARTITIONS', kind: 'integer', default: 12, min: 1, max: 1000, doc: 'Partitions.' }),
  ack: setting({ env: 'LINKER_ACK', kind: 'boolean', default: false, doc: 'Ack mode.' }),
  token: setting({ env: 'LINKER_ADMIN_TOKEN', kind: 'string', optional: true, secret: true, doc: 'Admin token.' }),
  meta: setting({ env: 'LINKER_META_URL', kind: 'url', optional: true, doc: 'Meta-server URL.' }),
});

describe('defineConfig', () => {
  it('applies defaults, parses kinds, and freezes the result', () => {
    const config = declaration.load({ LINKER_KAFKA_BROKERS: 'a:1, b:2', LINKER_ACK: 'true', LINKER_WS_PORT: '9999' });
    expect(config).toEqual({ domain: 'domain-01', port: 9999, brokers: ['a:1', 'b:2'], mode: 'real', partitions: 12, ack: true });
    expect(Object.isFrozen(config)).toBe(true);
    expect(config.token).toBeUndefined();
  });

  it('lists every problem at once, naming each variable, without printing secrets', () => {
    const load = () =>
      declaration.load({
        LINKER_WS_PORT: '70000',
        LINKER_MODE: 'cloud',
        LINKER_PARTITIONS: '0',
        LINKER_ACK: 'yes',
        LINKER_META_URL: 'not a url',
        LINKER_ADMIN_TOKEN: 's3cret',
      });
    expect(load).toThrow(ConfigError);
    const problems = (() => {
      try {
        load();
        return [];
      } catch (error) {
        return (error as ConfigError).problems;
      }
    })();
    expect(problems).toEqual([
      'LINKER_WS_PORT must be a port number (0-65535), got "70000"',
      'LINKER_KAFKA_BROKERS is required: Kafka bootstrap servers.',
      'LINKER_MODE must be one of real, embedded, got "cloud"',
      'LINKER_PARTITIONS must be an integer in [1, 1000], got "0"',
      'LINKER_ACK must be true or false, got "yes"',
      'LINKER_META_URL must be a URL, got "not a url"',
    ]);
    expect(problems.join()).not.toContain('s3cret');
  });

  it('describes itself for the README table', () => {
    const rows = declaration.describe();
    expect(rows[0]).toEqual({ env: 'LINKER_DOMAIN', kind: 'string', default: 'domain-01', doc: 'This domain.' });
    expect(rows.find((row) => row.env === 'LINKER_KAFKA_BROKERS')?.default).toBe('(required)');
    expect(rows.find((row) => row.env === 'LINKER_MODE')?.doc).toBe('Run mode. One of: real, embedded.');
  });
});

describe('ConfigOf (checked by `npm run typecheck`)', () => {
  it('types each value by its kind, its oneOf and its optionality', () => {
    const config = declaration.load({ LINKER_KAFKA_BROKERS: 'a:1' });
    const port: number = config.port;
    const brokers: string[] = config.brokers;
    const mode: 'real' | 'embedded' = config.mode;
    const ack: boolean = config.ack;
    // @ts-expect-error an optional setting without a default may be undefined
    const token: string = config.token;
    const meta: string | undefined = config.meta;
    // @ts-expect-error a port's default must be a number
    setting({ env: 'X', kind: 'port', default: 'eighty', doc: 'x' });
    expect([port, brokers, mode, ack, token, meta]).toEqual([8089, ['a:1'], 'real', false, undefined, undefined]);
  });
});

describe('checkAll', () => {
  it('returns every result when no check throws', () => {
    expect(
      checkAll(
        () => 1,
        () => 'two',
      ),
    ).toEqual([1, 'two']);
  });

  it('runs every check and lists the problems of all of them in one ConfigError', () => {
    const failing = (problem: string) => (): never => {
      throw new ConfigError([problem]);
    };
    expect(() => checkAll(failing('A needs B'), () => 1, failing('C needs D'))).toThrow(
      expect.objectContaining({ problems: ['A needs B', 'C needs D'] }),
    );
  });

  it('throws another error as is', () => {
    const boom = new Error('boom');
    expect(() =>
      checkAll(() => {
        throw boom;
      }),
    ).toThrow(boom);
  });
});
