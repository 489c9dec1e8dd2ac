/*
 * The Lua scripts of RedisChannelHistory, each atomic. Keys (H = the adapter's prefix and the channel):
 *   H        hash    epoch, offset (the last), out (publications numbered here), from:<domain> (the last number seen
 *                    from that domain); expires `ttl` after the last append
 *   H:s      stream  the entries, id `<offset>-1`, fields e (the entry's JSON) and t (when appended, epoch ms); at most
 *                    `size`; expires with H
 *   H:i:<id> string  `epoch|offset|origin domain|origin seq` of an appended publication (a retry gets it back); `ttl`
 * Time is the caller's (`now`): the entries' age only decides what a recovery leaves out.
 */

/** Lua: the hash's epoch, made (with offset 0) when it has none; refreshes nothing else. */
const ENSURE_EPOCH = `
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch then
  epoch = ARGV[1]
  redis.call('DEL', KEYS[2])
  redis.call('HSET', KEYS[1], 'epoch', epoch, 'offset', 0, 'out', 0)
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
end
`;

/** KEYS: H, H:s.  ARGV: new epoch, ttl ms.  Returns {epoch, offset}. */
export const POSITION = `${ENSURE_EPOCH}
return {epoch, tonumber(redis.call('HGET', KEYS[1], 'offset'))}
`;

/**
 * KEYS: H, H:s, H:i:<id>.  ARGV: new epoch, ttl ms, size, origin domain ('' = here), origin seq, this domain, entry
 * JSON, now.  Returns `epoch|offset|origin domain|origin seq`.
 */
export const APPEND = `
local done = redis.call('GET', KEYS[3])
if done then return done end
${ENSURE_EPOCH}
local origin, seq = ARGV[4], tonumber(ARGV[5])
if origin == '' then
  origin = ARGV[6]
  seq = redis.call('HINCRBY', KEYS[1], 'out', 1)
else
  local last = tonumber(redis.call('HGET', KEYS[1], 'from:' .. origin))
  if last ~= nil and seq ~= last + 1 then
    epoch = ARGV[1]
    redis.call('DEL', KEYS[2])
    redis.call('HSET', KEYS[1], 'epoch', epoch, 'offset', 0)
  end
  redis.call('HSET', KEYS[1], 'from:' .. origin, seq)
end
local offset = redis.call('HINCRBY', KEYS[1], 'offset', 1)
redis.call('XADD', KEYS[2], 'MAXLEN', tonumber(ARGV[3]), offset .. '-1', 'e', ARGV[7], 't', ARGV[8])
local ttl = tonumber(ARGV[2])
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('PEXPIRE', KEYS[2], ttl)
local result = epoch .. '|' .. offset .. '|' .. origin .. '|' .. seq
redis.call('SET', KEYS[3], result, 'PX', ttl)
return result
`;

/**
 * KEYS: H, H:s.  ARGV: new epoch, ttl ms, epoch asked, offset asked.  Returns {epoch, offset, entries}: entries (id,
 * fields, as XRANGE gives them) after the offset asked when the epoch is the current one, else none.
 */
export const SINCE = `${ENSURE_EPOCH}
local offset = tonumber(redis.call('HGET', KEYS[1], 'offset'))
local entries = {}
if epoch == ARGV[3] and tonumber(ARGV[4]) < offset then
  entries = redis.call('XRANGE', KEYS[2], (tonumber(ARGV[4]) + 1) .. '-1', '+')
end
return {epoch, offset, entries}
`;
