-- A waiting citizen asked for more time (SMS reply "2"): move the token back a few places,
-- once. Its queue score becomes a midpoint between the tokens it lets pass; the `score`
-- field (its issue-order place, persisted as an integer) is left as it was.
local t = token(A[1])
local places = tonumber(A[2])
if not t then return fail('not_found', {field = 'token'}) end
if t.status ~= 'waiting' then return fail('invalid_state', {status = t.status}) end
if t.deferred == '1' then return fail('invalid_state', {status = t.status, deferred = true}) end

local function move_back(qkey)
  local rank = redis.call('ZRANK', qkey, t.id)
  if not rank then return 0 end
  local after = redis.call('ZRANGE', qkey, rank + 1, rank + places, 'WITHSCORES')
  local passed = #after / 2
  if passed == 0 then return 0 end
  local last = tonumber(after[#after])
  local beyond = redis.call('ZRANGE', qkey, rank + places + 1, rank + places + 1, 'WITHSCORES')
  local score = last + 0.5
  if beyond[2] then score = (last + tonumber(beyond[2])) / 2 end
  redis.call('ZADD', qkey, score, t.id)
  return passed
end

local moved = 0
if t.pinned ~= '1' then moved = move_back(P .. 'q:' .. t.service) end
if t.counter ~= nil and t.counter ~= '' then
  moved = math.max(moved, move_back(P .. 'qa:' .. t.counter))
end
t.deferred = '1'
save(t, {'deferred'})
return emit('token.deferred', {token = t, places = moved})
