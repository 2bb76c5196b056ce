-- Open, pause or close a counter. A counter cannot close with a citizen at it.
local c, state, etype = A[1], A[2], A[3]
local ck = P .. 'ctr:' .. c
local was = redis.call('HGET', ck, 'state')
if not was then return fail('not_found', {field = 'counter'}) end
if was == state then return fail('invalid_state', {counter_state = was}) end
local busy = token(redis.call('HGET', ck, 'token'))
if state == 'closed' and busy and (busy.status == 'called' or busy.status == 'serving') then
  return fail('invalid_state', {counter_state = was, status = busy.status})
end
redis.call('HSET', ck, 'state', state)
return emit(etype, {counter = tonumber(c), state = state, was = was})
