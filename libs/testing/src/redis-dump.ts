import Redis from 'ioredis';

/**
 * Every key of `redisUrl` matching `pattern` (SCAN) and everything it holds, as text: a hash's fields and values, a
 * string's bytes (HyperLogLogs are strings), and the serialized value (DUMP), key by key in sorted order. For tests
 * that look for what must not be stored; the one place outside the Redis adapters that talks to Redis (ARCHITECTURE.md, import rules).
 */
export async function redisDump(redisUrl: string, pattern: string): Promise<{ keys: number; text: string }> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 5_000 });
  try {
    await redis.connect();
    const keys: string[] = [];
    for await (const batch of redis.scanStream({ match: pattern, count: 1_000 }) as AsyncIterable<string[]>) keys.push(...batch);
    // SCAN's order is arbitrary; sorted, a slice's hash comes before its HyperLogLogs (`<hash key>:<name>`)
    keys.sort();
    const parts: string[] = [...keys];
    for (const key of keys) {
      const type = await redis.type(key);
      if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(key)));
      else if (type === 'string') parts.push(((await redis.getBuffer(key)) ?? Buffer.alloc(0)).toString('latin1'));
      parts.push(((await redis.dumpBuffer(key)) ?? Buffer.alloc(0)).toString('latin1'));
    }
    return { keys: keys.length, text: parts.join('\n') };
  } finally {
    redis.disconnect();
  }
}
