-- Issue a token: number it, queue it, and (in the assigned policy) fix its counter.
local id, svc, phone, priority = A[1], A[2], A[3], A[4]
local idem_key, idem_ttl, phone_limit, quota = A[5], A[6], tonumber(A[7]), tonumber(A[8])
local prefix, prefix_bn, policy, counters, lang = A[9], A[10], A[11], A[12], A[13]
local priority_cap_ok = A[14]

if idem_key ~= '' then
  local seen = redis.call('GET', P .. 'idem:' .. idem_key)
  if seen then
    local t = token(seen)
    if t then return cjson.encode({replay = true, token = t}) end
  end
end

local stats = day_stats()
if phone_limit > 0 and tonumber(redis.call('HGET', stats, 'phone:' .. phone) or '0') >= phone_limit then
  return fail('too_many')
end
local number = tonumber(redis.call('HGET', stats, 'seq:' .. svc) or '0') + 1
if quota > 0 and number > quota then return fail('quota_reached') end
if priority == '1' and priority_cap_ok ~= '1' then return fail('priority_cap') end

local assigned = ''
if policy == 'assigned' then assigned = choose_counter(counters) end

redis.call('HSET', stats, 'seq:' .. svc, number)
local order = redis.call('HINCRBY', stats, 'order', 1)
local score = order
if priority == '1' then score = order - PRIORITY_OFFSET end
redis.call('HINCRBY', stats, 'issued', 1)
redis.call('HINCRBY', stats, 'phone:' .. phone, 1)
if priority == '1' then redis.call('HINCRBY', stats, 'priority', 1) end

local t = {
  id = id, office = OFFICE, service = svc, number = tostring(number), prefix = prefix,
  prefix_bn = prefix_bn, day = DAY, status = 'waiting', phone = phone, priority = priority,
  counter = assigned, pinned = '0', issued_ms = NOW, score = tostring(score),
  order = tostring(order), recalls = '0',
  lang = lang, transfers = '0',
}
save(t, {'id', 'office', 'service', 'number', 'prefix', 'prefix_bn', 'day', 'status', 'phone',
  'priority', 'counter', 'pinned', 'issued_ms', 'score', 'order', 'recalls', 'lang',
  'transfers'})
redis.call('EXPIRE', P .. 'tok:' .. id, KEEP_SECS)
enqueue(t)
if idem_key ~= '' then redis.call('SET', P .. 'idem:' .. idem_key, id, 'EX', idem_ttl) end

-- What the citizen is told at once (people ahead, estimated wait) comes back with the reply,
-- so that issuing a token costs one round trip to Redis.
local queue, open = P .. 'q:' .. svc, 0
if assigned ~= '' then
  queue, open = P .. 'qa:' .. assigned, 1
else
  for c in string.gmatch(counters, '[^,]+') do
    if redis.call('HGET', P .. 'ctr:' .. c, 'state') == 'open' then open = open + 1 end
  end
end
local ahead = redis.call('ZRANK', queue, id)
local avg = redis.call('HGET', P .. 'stat:' .. svc, 'avg_secs') or ''
return emit('token.issued', {token = t},
  {token = t, ahead = ahead, avg_secs = avg, open_counters = math.max(open, 1)})
