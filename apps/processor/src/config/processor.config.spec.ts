import { processorConfig } from './processor.config';

/** The required connections, so only the variable under test decides. */
const REQUIRED = {
  LINKER_KAFKA_BROKERS: '127.0.0.1:9092',
  LINKER_NATS_URL: 'nats://127.0.0.1:4222',
  LINKER_REDIS_URL: 'redis://127.0.0.1:6379',
  LINKER_MONGODB_URL: 'mongodb://127.0.0.1:27017',
};

describe('processor config: LINKER_INTERNAL_TOKEN', () => {
  it('is optional: unset or empty → undefined (the public, masked /topology is read)', () => {
    expect(processorConfig.load(REQUIRED).internalToken).toBeUndefined();
    expect(processorConfig.load({ ...REQUIRED, LINKER_INTERNAL_TOKEN: '  ' }).internalToken).toBeUndefined();
  });

  it('is read (trimmed) when set', () => {
    expect(processorConfig.load({ ...REQUIRED, LINKER_INTERNAL_TOKEN: ' s3cret-token ' }).internalToken).toBe('s3cret-token');
  });

  it('is a secret: documented without a value, never printed in a configuration error', () => {
    const row = processorConfig.describe().find((r) => r.env === 'LINKER_INTERNAL_TOKEN');
    expect(row).toMatchObject({ default: '(unset)', doc: expect.stringContaining('/internal/topology') });
    expect(processorConfig.settings.internalToken.secret).toBe(true);
    let message = '';
    try {
      processorConfig.load({ ...REQUIRED, LINKER_INTERNAL_TOKEN: 's3cret-token', LINKER_PARTITIONS: 'many' });
    } catch (error) {
      message = String(error);
    }
    expect(message).toContain('LINKER_PARTITIONS');
    expect(message).not.toContain('s3cret-token');
  });
});
