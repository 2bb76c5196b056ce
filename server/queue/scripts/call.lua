-- Call the next token to a counter, or (with a reason) one named token out of order.
local c, wanted, reason = A[1], A[2], A[3]
local ck = P .. 'ctr:' .. c
local state = redis.call('HGET', ck, 'state')
if not state then return fail('not_found', {field = 'counter'}) end
if state ~= 'open' then return fail('invalid_state', {counter_state = state}) end
local busy = token(redis.call('HGET', ck, 'token'))
if busy and (busy.status == 'called' or busy.status == 'serving') then
  return fail('invalid_state', {status = busy.status, token = busy})
end
local services = redis.call('HGET', ck, 'services') or ''

local chosen
if wanted ~= '' then
  chosen = token(wanted)
  if not chosen then return fail('not_found', {field = 'token'}) end
  if chosen.status ~= 'waiting' then return fail('invalid_state', {status = chosen.status}) end
  local mine = chosen.pinned == '1' and chosen.counter == c
  if not mine and (chosen.pinned == '1' or not in_csv(services, chosen.service)) then
    return fail('forbidden', {field = 'counter'})
  end
else
  local best, best_score
  local head = redis.call('ZRANGE', P .. 'qa:' .. c, 0, 0, 'WITHSCORES')
  if head[1] then best, best_score = head[1], tonumber(head[2]) end
  if not best then
    for svc in string.gmatch(services, '[^,]+') do
      local h = redis.call('ZRANGE', P .. 'q:' .. svc, 0, 0, 'WITHSCORES')
      if h[1] and (best == nil or tonumber(h[2]) < best_score) then
        best, best_score = h[1], tonumber(h[2])
      end
    end
  end
  if not best then return cjson.encode({empty = true}) end
  chosen = token(best)
end

dequeue(chosen)
chosen.status, chosen.counter, chosen.called_ms, chosen.recalls = 'called', c, NOW, '0'
save(chosen, {'status', 'counter', 'called_ms', 'recalls'})
redis.call('HSET', ck, 'token', chosen.id)
redis.call('LPUSH', P .. 'calls', chosen.id)
redis.call('LTRIM', P .. 'calls', 0, 19)
local data = {token = chosen, counter = tonumber(c)}
if wanted ~= '' then
  local stats = day_stats()
  redis.call('HINCRBY', stats, 'out_of_order', 1)
  redis.call('HINCRBY', stats, 'out_of_order:' .. c, 1)
  data.out_of_order = true
  data.reason = reason
end
return emit('token.called', data)
