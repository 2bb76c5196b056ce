-- Prepended to every command script. KEYS[1] is the office's events stream; every other key
-- of the office is built from the same prefix, so all of them share the `{office}` hash tag.
local P = string.sub(KEYS[1], 1, #KEYS[1] - #'events')
local OFFICE = ARGV[1]
local NOW = ARGV[2]          -- milliseconds since the epoch, as a string (exact)
local AT = ARGV[3]           -- the same moment as ISO-8601 in the office's timezone
local DAY = ARGV[4]          -- the office-local business day, YYYY-MM-DD
local MINID = ARGV[5]        -- stream entries older than this id may be trimmed
local ACTOR = ARGV[6]        -- JSON of who asked, or ''
local A = {}
for i = 7, #ARGV do A[#A + 1] = ARGV[i] end

-- Day statistics outlive the day a little, for late reports; tokens likewise.
local KEEP_SECS = 3 * 86400
-- A token's place in a queue is its issue order within the day (exact, unlike a clock that
-- gives two tokens the same millisecond); priority tokens sit this far ahead of every other.
local PRIORITY_OFFSET = 1000000000

local function hash(key)
  local flat = redis.call('HGETALL', key)
  local t = {}
  for i = 1, #flat, 2 do t[flat[i]] = flat[i + 1] end
  return t
end

local function token(id)
  if id == nil or id == '' then return nil end
  local t = hash(P .. 'tok:' .. id)
  if t.id == nil then return nil end
  return t
end

local function save(t, fields)
  local flat = {}
  for _, f in ipairs(fields) do
    flat[#flat + 1] = f
    flat[#flat + 1] = t[f] or ''
  end
  redis.call('HSET', P .. 'tok:' .. t.id, unpack(flat))
end

local function fail(code, extra)
  extra = extra or {}
  extra.error = code
  return cjson.encode(extra)
end

-- The one way a command records what happened: exactly one entry on the office's stream.
local function emit(etype, data, result)
  if ACTOR ~= '' then data.actor = cjson.decode(ACTOR) end
  local id = redis.call('XADD', KEYS[1], 'MINID', '~', MINID, '*',
    'type', etype, 'at', AT, 'data', cjson.encode(data))
  result = result or data
  result.event_id = id
  result.event_type = etype
  return cjson.encode(result)
end

local function dequeue(t)
  redis.call('ZREM', P .. 'q:' .. t.service, t.id)
  if t.counter ~= nil and t.counter ~= '' then
    redis.call('ZREM', P .. 'qa:' .. t.counter, t.id)
  end
end

-- A pinned token waits for one counter only; any other waits on its service's queue and,
-- when a counter was assigned to it, also on that counter's own queue.
local function enqueue(t)
  if t.pinned == '1' then
    redis.call('ZADD', P .. 'qa:' .. t.counter, t.score, t.id)
    return
  end
  redis.call('ZADD', P .. 'q:' .. t.service, t.score, t.id)
  if t.counter ~= nil and t.counter ~= '' then
    redis.call('ZADD', P .. 'qa:' .. t.counter, t.score, t.id)
  end
end

local function release_counter(t)
  if t.counter == nil or t.counter == '' then return end
  local ck = P .. 'ctr:' .. t.counter
  if redis.call('HGET', ck, 'token') == t.id then redis.call('HSET', ck, 'token', '') end
end

local function in_csv(csv, item)
  for x in string.gmatch(csv or '', '[^,]+') do
    if x == item then return true end
  end
  return false
end

local function day_stats()
  local key = P .. 'day:' .. DAY
  redis.call('EXPIRE', key, KEEP_SECS)
  return key
end

-- Assigned policy: the open counter with the fewest people before it, busy counters
-- counting one more; with none open, the first that serves the service.
local function choose_counter(counters)
  local best, best_len = '', nil
  for c in string.gmatch(counters, '[^,]+') do
    local ck = P .. 'ctr:' .. c
    if redis.call('HGET', ck, 'state') == 'open' then
      local len = redis.call('ZCARD', P .. 'qa:' .. c)
      local cur = redis.call('HGET', ck, 'token')
      if cur and cur ~= '' then len = len + 1 end
      if best_len == nil or len < best_len then best, best_len = c, len end
    end
  end
  if best == '' then best = string.match(counters, '[^,]+') or '' end
  return best
end
