-- Send a token to another service (keeping its place by issue time) or to a named counter.
local t = token(A[1])
local to_service, to_counter, policy, counters = A[2], A[3], A[4], A[5]
if not t then return fail('not_found', {field = 'token'}) end
if t.status ~= 'waiting' and t.status ~= 'called' and t.status ~= 'serving' then
  return fail('invalid_state', {status = t.status})
end
if to_counter ~= '' and not redis.call('HGET', P .. 'ctr:' .. to_counter, 'state') then
  return fail('not_found', {field = 'counter'})
end
local from_service, from_counter = t.service, t.counter
if t.status == 'waiting' then dequeue(t) else release_counter(t) end
t.status = 'waiting'
t.transfers = tostring(tonumber(t.transfers or '0') + 1)
if to_counter ~= '' then
  t.counter, t.pinned = to_counter, '1'
else
  t.service, t.counter, t.pinned = to_service, '', '0'
  if policy == 'assigned' then t.counter = choose_counter(counters) end
end
save(t, {'status', 'transfers', 'counter', 'pinned', 'service'})
enqueue(t)
return emit('token.transferred', {
  token = t, from_service = from_service, from_counter = tonumber(from_counter),
  to_service = t.service, to_counter = tonumber(to_counter),
})
