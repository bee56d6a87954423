/**
 * The ledger's Lua scripts: each runs atomically in Redis, so a body's facts land in one round trip, a status never
 * goes back, and one answer takes one wait once however many processes receive it.
 */

/**
 * Records one webhook body's facts. ARGV[1] = now (ms); then per key i: ARGV[2i] = kind, ARGV[2i+1] = payload.
 * `w` window and `t` heartbeat: payload = time (ms), kept if later, expiring `ttl` after it (ARGV[2i+1] = "at:ttl").
 * `s` status: payload = "rank|ttl|json"; kept only if its rank is higher (failed, the highest, is final).
 */
export const RECORD_FACTS = `
local now = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  local kind = ARGV[2 * i]
  local payload = ARGV[2 * i + 1]
  if kind == 's' then
    local rank, ttl, json = string.match(payload, '^(%d+)|(%d+)|(.*)$')
    local current = redis.call('GET', key)
    local currentRank = current and tonumber(string.match(current, '^(%d+)|')) or 0
    if tonumber(rank) > currentRank then
      redis.call('SET', key, rank .. '|' .. json, 'PX', ttl)
    end
  else
    local at, ttl = string.match(payload, '^(%d+):(%d+)$')
    at = tonumber(at)
    local current = tonumber(redis.call('GET', key) or '0')
    if at > current and at + tonumber(ttl) > now then
      redis.call('SET', key, at, 'PX', at + tonumber(ttl) - now)
    end
  end
end
return #KEYS
`;

/**
 * Takes the wait an answer belongs to. KEYS[1] = the contact's waits (sorted set, score = createdAt), KEYS[2] =
 * the quoted message's wait ID (optional). ARGV = now, the contact's wait key prefix (same hash slot), phoneNumberId, contact.
 */
export const TAKE_WAIT = `
local now = tonumber(ARGV[1])
local waitPrefix = ARGV[2]
local function live(id)
  local raw = redis.call('GET', waitPrefix .. id)
  if not raw then return nil end
  local wait = cjson.decode(raw)
  if tonumber(wait.expiresAt) <= now or wait.phoneNumberId ~= ARGV[3] or wait.contact ~= ARGV[4] then return nil end
  return raw, wait
end
local function take(id, raw, wait)
  redis.call('DEL', waitPrefix .. id, wait._keys.wm)
  redis.call('ZREM', KEYS[1], id)
  return raw
end
if #KEYS > 1 then
  local id = redis.call('GET', KEYS[2])
  if id then
    local raw, wait = live(id)
    if raw then return take(id, raw, wait) end
  end
end
local ids = redis.call('ZREVRANGE', KEYS[1], 0, -1)
for _, id in ipairs(ids) do
  local raw, wait = live(id)
  if raw then return take(id, raw, wait) end
  -- An expired or removed wait leaves the index here.
  redis.call('ZREM', KEYS[1], id)
end
return false
`;

/** Removes one wait and its index entries (their hashed names are stored with it). KEYS[1] = the wait. */
export const REMOVE_WAIT = `
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local wait = cjson.decode(raw)
redis.call('DEL', KEYS[1], wait._keys.wm)
redis.call('ZREM', wait._keys.wq, wait.id)
return 1
`;
