-- Move a token along its lifecycle: serve, complete, no-show, cancel, park.
local t = token(A[1])
local allowed, to, etype, outcome = A[2], A[3], A[4], A[5]
if not t then return fail('not_found', {field = 'token'}) end
if not in_csv(allowed, t.status) then return fail('invalid_state', {status = t.status}) end
local was = t.status
if was == 'waiting' then dequeue(t) end
if was == 'parked' then redis.call('SREM', P .. 'parked', t.id) end
if to == 'parked' then redis.call('SADD', P .. 'parked', t.id) end
t.status = to
local fields = {'status'}
if to == 'serving' then
  t.served_ms = NOW
  fields[#fields + 1] = 'served_ms'
else
  release_counter(t)
end
if to == 'completed' or to == 'no_show' or to == 'cancelled' then
  t.completed_ms = NOW
  fields[#fields + 1] = 'completed_ms'
end
if outcome ~= '' then
  t.outcome = outcome
  fields[#fields + 1] = 'outcome'
end
save(t, fields)

if to == 'completed' then
  -- A moving average of real service times feeds every estimated wait.
  local began = tonumber(t.served_ms ~= nil and t.served_ms ~= '' and t.served_ms or t.called_ms)
  local secs = (tonumber(NOW) - began) / 1000
  local sk = P .. 'stat:' .. t.service
  local n = redis.call('HINCRBY', sk, 'n', 1)
  local avg = tonumber(redis.call('HGET', sk, 'avg_secs') or secs)
  local weight = 1 / math.min(n, 20)
  redis.call('HSET', sk, 'avg_secs', tostring(avg + (secs - avg) * weight))
  local stats = day_stats()
  redis.call('HINCRBY', stats, 'completed', 1)
  redis.call('HINCRBY', stats, 'completed:' .. t.counter, 1)
end
return emit(etype, {token = t, counter = tonumber(t.counter), from = was})
