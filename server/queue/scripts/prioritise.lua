-- Staff mark a waiting citizen as priority (elderly, disabled, pregnant, freedom fighter).
local t = token(A[1])
local cap_ok = A[2]
if not t then return fail('not_found', {field = 'token'}) end
if t.status ~= 'waiting' then return fail('invalid_state', {status = t.status}) end
if t.priority == '1' then return fail('invalid_state', {status = t.status, priority = true}) end
if cap_ok ~= '1' then return fail('priority_cap') end
t.priority, t.score = '1', tostring(tonumber(t.order) - PRIORITY_OFFSET)
save(t, {'priority', 'score'})
enqueue(t)
redis.call('HINCRBY', day_stats(), 'priority', 1)
return emit('token.prioritised', {token = t})
