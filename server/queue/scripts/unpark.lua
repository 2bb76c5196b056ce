-- A parked citizen is back with their paper: they wait again for the same counter, in
-- their original place by issue time.
local t = token(A[1])
if not t then return fail('not_found', {field = 'token'}) end
if t.status ~= 'parked' then return fail('invalid_state', {status = t.status}) end
t.status = 'waiting'
if t.counter ~= nil and t.counter ~= '' then t.pinned = '1' end
save(t, {'status', 'pinned'})
redis.call('SREM', P .. 'parked', t.id)
enqueue(t)
return emit('token.unparked', {token = t, counter = tonumber(t.counter)})
