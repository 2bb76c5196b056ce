-- A citizen asks to meet an official: one open request per phone per official, a daily cap
-- per official, and a short reference numbered per official per day.
local id, official, phone, name, purpose, details, lang = A[1], A[2], A[3], A[4], A[5], A[6], A[7]
local day, cap, next_day, name_bn, name_en = A[8], tonumber(A[9]), A[10], A[11], A[12]
local prefix, prefix_bn, due_ms = A[13], A[14], A[15]

local openk = P .. 'mopen:' .. official
local existing = meeting(redis.call('HGET', openk, phone))
if existing and (existing.status == 'pending' or existing.status == 'scheduled') then
  return fail('already_requested', {field = 'phone', id = existing.id, ref = existing.ref,
    ref_bn = existing.ref_bn, meeting_status = existing.status})
end
local dk = P .. 'mday:' .. official .. ':' .. day
if cap > 0 and tonumber(redis.call('HGET', dk, 'count') or '0') >= cap then
  return fail('official_full', {field = 'day', day = day, next_day = next_day})
end
local seq = redis.call('HINCRBY', dk, 'seq', 1)
redis.call('HINCRBY', dk, 'count', 1)
redis.call('EXPIRE', dk, MEETING_KEEP_SECS)
local order = redis.call('INCR', P .. 'morder')
local digits = string.format('%03d', seq)

local m = {
  id = id, office = OFFICE, official = official, official_name_bn = name_bn,
  official_name_en = name_en, first_official = official, ref = prefix .. '-' .. digits,
  ref_bn = prefix_bn .. '-' .. string.gsub(digits, '%d', BN), day = day, status = 'pending',
  phone = phone, name = name, purpose = purpose, details = details, lang = lang,
  order = tostring(order), requested_ms = NOW, requested_at = AT, due_ms = due_ms,
  escalated = '0',
}
save_meeting(m)
redis.call('HSET', openk, phone, id)
redis.call('ZADD', P .. 'mall', NOW, id)
redis.call('ZREMRANGEBYSCORE', P .. 'mall', '-inf', tonumber(NOW) - MEETING_KEEP_SECS * 1000)
redis.call('ZADD', P .. 'mq:' .. official, order, id)
if due_ms ~= '' then redis.call('ZADD', P .. 'mesc', due_ms, id) end
local position = redis.call('ZRANK', P .. 'mq:' .. official, id)
local pending = redis.call('ZCARD', P .. 'mq:' .. official)
m = meeting(id)
return emit('meeting.requested', {meeting = m, position = position, pending = pending})
