/*
 * The Lua scripts of RedisPresence. Each runs atomically inside Redis, so no write is a read-modify-write done by the
 * client, and two processes writing at once can never lose each other's update.
 *
 * Keys (P = the adapter's key prefix):
 *   P:u:<userId>     hash  field = pair(connector, socketId), value = domain        (the user's sockets)
 *   P:c:<connector>  set   member = pair(userId, socketId)                          (what the sweep must forget)
 *   P:leases         zset  member = connector, score = lease expiry (Redis server time, epoch ms; 0 = ended)
 *   P:ttls           hash  field = connector, value = ttl of its last heartbeat      (what `add` renews the lease by)
 *
 * pair(a, b) = byteLength(a) ":" a b, an injective encoding for any strings, decoded here with byte offsets.
 * Invariant: a connector with a non-empty set has an entry in P:leases (add writes both; the sweep removes the lease
 * entry only once the set is empty), so the sweep finds every dead connector through P:leases.
 * Time is always the Redis server's (TIME), so the clocks of connectors and processors never matter.
 */

const NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

const SPLIT = `
local function split(s)
  local i = string.find(s, ':', 1, true)
  local n = tonumber(string.sub(s, 1, i - 1))
  return string.sub(s, i + 1, i + n), string.sub(s, i + n + 1)
end
`;

/**
 * KEYS: leases, user hashes...  Returns one flat list of the live sockets of all asked users, four items per socket:
 * the index of its user's key (1 = the first user), connector, socketId, domain. Flat, because building one reply
 * table per user doubled the script's time for 500 users.
 */
export const LOOKUP = `${NOW}
local alive = {}
local out = {}
local n = 0
for k = 2, #KEYS do
  local flat = redis.call('HGETALL', KEYS[k])
  for i = 1, #flat, 2 do
    local field = flat[i]
    local colon = string.find(field, ':', 1, true)
    local stop = colon + tonumber(string.sub(field, 1, colon - 1))
    local connector = string.sub(field, colon + 1, stop)
    local live = alive[connector]
    if live == nil then
      local score = redis.call('ZSCORE', KEYS[1], connector)
      live = score ~= false and tonumber(score) > now
      alive[connector] = live
    end
    if live then
      out[n + 1] = k - 1
      out[n + 2] = connector
      out[n + 3] = string.sub(field, stop + 1)
      out[n + 4] = flat[i + 1]
      n = n + 4
    end
  end
end
return out
`;

/**
 * KEYS: user hash, connector set, leases, ttls.  ARGV: connector, field, domain, member, default ttl.
 * Renews the lease by the connector's last heartbeat ttl (or the default), never shortening it.
 */
export const ADD = `${NOW}
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
redis.call('SADD', KEYS[2], ARGV[4])
local ttl = tonumber(redis.call('HGET', KEYS[4], ARGV[1])) or tonumber(ARGV[5])
local expiry = now + ttl
local current = redis.call('ZSCORE', KEYS[3], ARGV[1])
if current == false or tonumber(current) < expiry then
  redis.call('ZADD', KEYS[3], expiry, ARGV[1])
end
return 1
`;

/** KEYS: user hash, connector set.  ARGV: field, member. */
export const REMOVE = `
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('SREM', KEYS[2], ARGV[2])
return 1
`;

/** KEYS: leases, ttls.  ARGV: connector, ttl.  The lease ends `ttl` ms from now (Redis time). */
export const HEARTBEAT = `${NOW}
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
return 1
`;

/** KEYS: leases, ttls.  ARGV: connector.  Ends the lease now (score 0) so lookups stop returning its sockets. */
export const END_LEASE = `
redis.call('ZADD', KEYS[1], 'XX', 0, ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return 1
`;

/**
 * KEYS: leases, ttls.  ARGV: user key prefix, connector key prefix, batch size, connector ('' = any dead one).
 * Forgets up to `batch` sockets of one connector whose lease has expired; once none is left, drops its lease entry.
 * Returns {forgotten, more}: more = 1 when a dead connector was found (call again), 0 when there was nothing to do.
 * A connector whose lease is alive is never touched, so a connector that came back keeps what it re-added.
 * Touches keys it computes (user hashes): fine on one Redis or Sentinel, not on Redis Cluster.
 */
export const SWEEP = `${NOW}${SPLIT}
local connector = ARGV[4]
if connector == '' then
  local dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, 1)
  if #dead == 0 then return {0, 0} end
  connector = dead[1]
else
  local score = redis.call('ZSCORE', KEYS[1], connector)
  if score == false or tonumber(score) > now then return {0, 0} end
end
local setKey = ARGV[2] .. connector
local members = redis.call('SPOP', setKey, tonumber(ARGV[3]))
local prefix = string.len(connector) .. ':' .. connector
for _, member in ipairs(members) do
  local userId, socketId = split(member)
  redis.call('HDEL', ARGV[1] .. userId, prefix .. socketId)
end
if redis.call('EXISTS', setKey) == 0 then
  redis.call('ZREM', KEYS[1], connector)
  redis.call('HDEL', KEYS[2], connector)
end
return {#members, 1}
`;
