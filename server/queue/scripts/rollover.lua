-- At the first command of a new business day, close what yesterday left open.
local services, counters = A[1], A[2]
local day_key = P .. 'day'
local last = redis.call('GET', day_key)
if last == DAY then return cjson.encode({same = true}) end
redis.call('SET', day_key, DAY)
if not last then return cjson.encode({first = true}) end

local expired = {}
local function expire(id)
  local t = token(id)
  if t and (t.status == 'waiting' or t.status == 'called' or t.status == 'serving'
      or t.status == 'parked') then
    redis.call('HSET', P .. 'tok:' .. id, 'status', 'expired', 'completed_ms', NOW)
    expired[#expired + 1] = id
  end
end
for svc in string.gmatch(services, '[^,]+') do
  for _, id in ipairs(redis.call('ZRANGE', P .. 'q:' .. svc, 0, -1)) do expire(id) end
  redis.call('DEL', P .. 'q:' .. svc)
end
for c in string.gmatch(counters, '[^,]+') do
  for _, id in ipairs(redis.call('ZRANGE', P .. 'qa:' .. c, 0, -1)) do expire(id) end
  redis.call('DEL', P .. 'qa:' .. c)
  expire(redis.call('HGET', P .. 'ctr:' .. c, 'token') or '')
  redis.call('HSET', P .. 'ctr:' .. c, 'token', '')
end
for _, id in ipairs(redis.call('SMEMBERS', P .. 'parked')) do expire(id) end
redis.call('DEL', P .. 'parked', P .. 'calls')
return emit('day.rolled', {day = DAY, previous = last, expired = expired, count = #expired})
