/*
 * The Lua scripts of RedisPresence. Each runs atomically inside Redis, so no write is a read-modify-write done by the
 * client, and two processes writing at once can never lose each other's update.
 *
 * Keys (P = the adapter's key prefix):
 *   P:u:<userId>     hash  field = pair(connector, socketId), value = domain        (the user's sockets)
 *   P:c:<connector>  set   member = pair(userId, socketId)                          (what the sweep must forget)
 *   P:leases         zset  member = connector, score = lease expiry (Redis server time, epoch ms; 0 = ended)
 *   P:ttls           hash  field = connector, value = ttl of its last heartbeat      (what `add` renews the lease by;
 *                          also the mark that heartbeats have kept the lease since its entries were last forgotten)
 *   P:ended          zset  member = connector whose lease ended and whose entries the sweep forgot (its lane topic
 *                          awaits a drain), score = Redis time (epoch ms) from which it may be claimed: the end plus
 *                          the grace, or, while claimed, the end of the claim (that score is the claim's token)
 *
 * pair(a, b) = byteLength(a) ":" a b, an injective encoding for any strings, decoded here with byte offsets.
 * Invariant: a connector with a non-empty set has an entry in P:leases (add writes both; the sweep removes the lease
 * entry only once the set is empty), so the sweep finds every dead connector through P:leases.
 * Invariant: the sweep lists a connector in P:ended in the same script that removes its P:leases entry, so every
 * ended connector gets listed once its entries are gone. A listed connector that has a P:leases entry again came
 * back: CLAIM drops it, and the sweep lists it anew when that lease ends in turn.
 * Invariant: once a connector is claimed with token T, each later score of it is above T until that claim is
 * released: CLAIM starts only from a score <= now (and drops only such entries), and SWEEP lists an end at least 1 ms
 * ahead of now (the grace is >= 1) and above the score it replaces. So a stale token matches nothing, and releasing
 * with it keeps the connector listed.
 * Time is always the Redis server's (TIME), so the clocks of connectors and processors never matter.
 * A caching client (`cached-lookups.ts`) holds what LOOKUP_RAW read of P:u:* and P:leases until Redis tells it that
 * one of them changed: a lookup depends on nothing else, so any new write that changes lookups must touch those keys.
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
 * Lua: `out`, one flat list of the sockets of the users whose hashes are KEYS[2..] for which `keep(connector)` is true,
 * four items per socket: the index of its user's key (1 = the first user), connector, socketId, domain. Flat, because
 * building one reply table per user doubled the script's time for 500 users.
 */
const COLLECT = `
local out = {}
local n = 0
for k = 2, #KEYS do
  local flat = redis.call('HGETALL', KEYS[k])
  for i = 1, #flat, 2 do
    local field = flat[i]
    local colon = string.find(field, ':', 1, true)
    local stop = colon + tonumber(string.sub(field, 1, colon - 1))
    local connector = string.sub(field, colon + 1, stop)
    if keep(connector) then
      out[n + 1] = k - 1
      out[n + 2] = connector
      out[n + 3] = string.sub(field, stop + 1)
      out[n + 4] = flat[i + 1]
      n = n + 4
    end
  end
end
`;

/** KEYS: leases, user hashes...  Returns the live sockets of all asked users, as COLLECT lists them. */
export const LOOKUP = `${NOW}
local alive = {}
local function keep(connector)
  local live = alive[connector]
  if live == nil then
    local score = redis.call('ZSCORE', KEYS[1], connector)
    live = score ~= false and tonumber(score) > now
    alive[connector] = live
  end
  return live
end
${COLLECT}
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

/**
 * KEYS: leases, ttls.  ARGV: connector, ttl.  The lease ends `ttl` ms from now (Redis time).
 * Returns 1 when heartbeats had kept the lease alive (its P:ttls entry there, its score ahead of now), 0 when it is
 * taken anew. Only HEARTBEAT writes P:ttls; END_LEASE and the sweep's last batch delete it, and so does the loss of
 * the whole store: a lease that ADD recreated after such an end or loss still counts as taken anew. A lease that had
 * expired counts as taken anew too: a sweep may have forgotten some of its entries already.
 */
export const HEARTBEAT = `${NOW}
local kept = redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
kept = kept and score ~= false and tonumber(score) > now
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
if kept then return 1 end
return 0
`;

/** KEYS: leases, ttls.  ARGV: connector.  Ends the lease now (score 0) so lookups stop returning its sockets. */
export const END_LEASE = `
redis.call('ZADD', KEYS[1], 'XX', 0, ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return 1
`;

/**
 * KEYS: leases, ttls, ended.  ARGV: user key prefix, connector key prefix, batch size, connector ('' = any dead one),
 * ended grace ms.
 * Forgets up to `batch` sockets of one connector whose lease has expired; once none is left, drops its lease entry
 * and lists the connector in P:ended, claimable `grace` ms from now. When it is already listed with a score at least
 * that late (it is claimed, the claim running past then), the new score is that score + 1: the claim stays exclusive
 * until it runs out, and its token no longer matches, so releasing it keeps this new end listed.
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
  local at = now + tonumber(ARGV[5])
  local listed = redis.call('ZSCORE', KEYS[3], connector)
  if listed ~= false and tonumber(listed) >= at then at = tonumber(listed) + 1 end
  redis.call('ZADD', KEYS[3], at, connector)
end
return {#members, 1}
`;

/**
 * KEYS: ended, leases.  ARGV: claim ms, candidates read at a time.
 * Claims the listed connector claimable the longest (score <= now) that has no lease entry: its score becomes
 * now + claim ms, returned as the token. A candidate with a lease entry came back: it is dropped, and the next one
 * tried. Returns {connector, token}, or nil when nothing is claimable.
 */
export const CLAIM = `${NOW}
local expiry = now + tonumber(ARGV[1])
while true do
  local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
  if #due == 0 then return false end
  for _, connector in ipairs(due) do
    if redis.call('ZSCORE', KEYS[2], connector) == false then
      redis.call('ZADD', KEYS[1], expiry, connector)
      return {connector, expiry}
    end
    redis.call('ZREM', KEYS[1], connector)
  end
end
`;

/** KEYS: ended.  ARGV: connector, token.  Forgets the connector only while its score is still the claim's token. */
export const RELEASE = `
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score ~= false and tonumber(score) == tonumber(ARGV[2]) then
  redis.call('ZREM', KEYS[1], ARGV[1])
end
return 1
`;

/**
 * KEYS: leases, user hashes...  ARGV: '1' to read the leases too.  For a caching client (`lookup-cache.ts`): every
 * socket of the asked users, live or not (the client filters by lease at lookup time), as COLLECT lists them; the
 * leases as ZRANGE WITHSCORES gives them; and Redis time. Returns {now, leases (or an empty list), sockets}.
 */
export const LOOKUP_RAW = `${NOW}
local function keep() return true end
${COLLECT}
local leases = {}
if ARGV[1] == '1' then leases = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES') end
return {now, leases, out}
`;
