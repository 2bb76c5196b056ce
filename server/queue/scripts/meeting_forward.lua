-- Hand a pending request to another official, who must answer it by the deadline.
local m, err = load_for(A[1], A[2])
if not m then return err end
local to, to_bn, to_en, deadline_ms, deadline = A[3], A[4], A[5], A[6], A[7]
if m.status ~= 'pending' then return fail('invalid_state', {meeting_status = m.status}) end
local from = m.official
mark_replied(m)
unqueue(m)
release_phone(m)
m.forwarded_from, m.official, m.official_name_bn, m.official_name_en = from, to, to_bn, to_en
-- The new official has not seen it yet, and is on their own clock.
m.seen_ms, m.deadline_ms, m.due_ms, m.escalated = '', deadline_ms, deadline_ms, '0'
redis.call('ZADD', P .. 'mq:' .. to, m.order, m.id)
redis.call('HSETNX', P .. 'mopen:' .. to, m.phone, m.id)
redis.call('ZADD', P .. 'mesc', deadline_ms, m.id)
save_meeting(m)
return emit('meeting.forwarded', {meeting = m, from_official = from, deadline = deadline})
