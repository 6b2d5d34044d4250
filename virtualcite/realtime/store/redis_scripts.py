"""The Lua scripts of the Redis store; each runs atomically on the Redis server.

Kept apart from `redis.py` so that each script reads as one commented unit, as in
channels_redis. Versions are `<epoch>:<seq>`: `seq` counts commits, and `epoch` (the id of
the first commit) changes if Redis ever loses the state and starts again, so that a process
never mistakes a new history for the one it cached. The log (a sorted set of entry names
scored by the `seq` of their last change or removal) lets a process fetch only the entries
changed since the version it holds.
"""

from __future__ import annotations

# A process that missed more commits than this reloads the whole state instead: ten
# thousand is several seconds of the busiest desk measured (docs/benchmarks.md), and the
# log then holds at most the entries that many commits touched.
LOG_WINDOW = 10_000

_FETCH = """
-- What a process holding version `known` needs to catch up:
-- {'', 'none'} nothing is stored; {version, 'same'} nothing changed;
-- {version, 'full', {name, value, ...}} everything (another epoch, or too far behind);
-- {version, 'delta', names, values} the entries changed since, a missing value = removed.
local function fetch(state_key, version_key, log_key, known, window)
  local current = redis.call('GET', version_key)
  if not current then
    return {'', 'none'}
  end
  if current == known then
    return {current, 'same'}
  end
  local epoch, seq = string.match(current, '^(.+):(%d+)$')
  local known_epoch, known_seq = string.match(known, '^(.+):(%d+)$')
  if not epoch or known_epoch ~= epoch or tonumber(seq) - tonumber(known_seq) > window then
    return {current, 'full', redis.call('HGETALL', state_key)}
  end
  local names = redis.call('ZRANGEBYSCORE', log_key, '(' .. known_seq, '+inf')
  local values = {}
  -- Chunks of 1000: Lua's unpack has a stack limit of a few thousand values.
  for i = 1, #names, 1000 do
    local chunk = redis.call('HMGET', state_key, unpack(names, i, math.min(i + 999, #names)))
    for j = 1, #chunk do
      values[#values + 1] = chunk[j]
    end
  end
  return {current, 'delta', names, values}
end
"""

READ = _FETCH + """
-- KEYS: state, version, log. ARGV: known version, log window.
return fetch(KEYS[1], KEYS[2], KEYS[3], ARGV[1], tonumber(ARGV[2]))
"""

ACQUIRE = _FETCH + """
-- Take the writer lock (or keep it: a retry of the same mutation reuses its token), say
-- whether this mutation already committed, and return what the caller needs to catch up.
-- KEYS: lock, commit marker, state, version, log.
-- ARGV: token, lock TTL ms, known version, log window.
-- Returns {0} when another writer holds the lock, else {1, committed version or nil, fetch}.
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then
  return {0}
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return {1, redis.call('GET', KEYS[2]),
        fetch(KEYS[3], KEYS[4], KEYS[5], ARGV[3], tonumber(ARGV[4]))}
"""

RELEASE = """
-- Release the writer lock only if this mutation still holds it.
-- KEYS: lock. ARGV: token.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
end
return 1
"""

COMMIT = """
-- Write a mutation's changed entries if the state is still at the version it was computed
-- on and no other writer holds the lock; log them, move the version, release the lock.
-- KEYS: state, version, lock, commit marker, log.
-- ARGV: expected version, token, state TTL ms, marker TTL ms, log window,
--       number of removed names, the removed names, then name/value pairs to set.
-- Returns the new version, or nil when refused.
-- The marker exists only if this very mutation committed: when redis-py resends the call
-- after a lost reply, the resend must not be mistaken for a conflict and applied again.
local done = redis.call('GET', KEYS[4])
if done then
  return done
end
local current = redis.call('GET', KEYS[2]) or ''
if current ~= ARGV[1] then
  return nil
end
-- A writer holding the lock may be computing on this very version: leave it the turn.
local holder = redis.call('GET', KEYS[3])
if holder and holder ~= ARGV[2] then
  return nil
end
-- The first commit (or the first over a version in another format) starts an epoch.
local epoch, seq = string.match(current, '^(.+):(%d+)$')
if epoch then
  seq = tonumber(seq) + 1
else
  epoch, seq = ARGV[2], 1
end
local version = epoch .. ':' .. seq
local removed = tonumber(ARGV[6])
local first_pair = 7 + removed
for i = 7, first_pair - 1, 1000 do
  redis.call('HDEL', KEYS[1], unpack(ARGV, i, math.min(i + 999, first_pair - 1)))
end
for i = first_pair, #ARGV, 1000 do
  redis.call('HSET', KEYS[1], unpack(ARGV, i, math.min(i + 999, #ARGV)))
end
for i = 7, first_pair - 1 do
  redis.call('ZADD', KEYS[5], seq, ARGV[i])
end
for i = first_pair, #ARGV, 2 do
  redis.call('ZADD', KEYS[5], seq, ARGV[i])
end
redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', '(' .. (seq - tonumber(ARGV[5])))
redis.call('SET', KEYS[2], version, 'PX', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[5], ARGV[3])
redis.call('SET', KEYS[4], version, 'PX', ARGV[4])
if redis.call('GET', KEYS[3]) == ARGV[2] then
  redis.call('DEL', KEYS[3])
end
return version
"""
