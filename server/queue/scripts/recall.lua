-- Call the same token again, up to the office's recall limit.
local t = token(A[1])
local limit = tonumber(A[2])
if not t then return fail('not_found', {field = 'token'}) end
if t.status ~= 'called' then return fail('invalid_state', {status = t.status}) end
if tonumber(t.recalls) >= limit then
  return fail('invalid_state', {status = t.status, recalls = tonumber(t.recalls), limit = limit})
end
t.recalls = tostring(tonumber(t.recalls) + 1)
save(t, {'recalls'})
redis.call('LPUSH', P .. 'calls', t.id)
redis.call('LTRIM', P .. 'calls', 0, 19)
return emit('token.recalled', {token = t, counter = tonumber(t.counter)})
