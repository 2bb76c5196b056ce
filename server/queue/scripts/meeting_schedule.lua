-- Give a pending request a time, or move a scheduled one. The slot is claimed with HSETNX on
-- the official's day, so two tabs offering the same slot cannot both win.
local m, err = load_for(A[1], A[2])
if not m then return err end
local mode, slot_day, slot, at, at_ms = A[3], A[4], A[5], A[6], A[7]
local wanted = 'pending'
if mode == 'reschedule' then wanted = 'scheduled' end
if m.status ~= wanted then return fail('invalid_state', {meeting_status = m.status}) end
if m.slot_day == slot_day and m.slot == slot then
  return fail('slot_taken', {field = 'at', at = at, same = true})
end
local sk = P .. 'mslot:' .. m.official .. ':' .. slot_day
if redis.call('HSETNX', sk, slot, m.id) == 0 then
  return fail('slot_taken', {field = 'at', at = at})
end
redis.call('EXPIRE', sk, MEETING_KEEP_SECS)
local previous = m.at
free_slot(m)
m.status, m.at, m.at_ms, m.slot_day, m.slot = 'scheduled', at, at_ms, slot_day, slot
if m.seen_ms == '' then m.seen_ms = NOW end
unqueue(m)
mark_replied(m)
save_meeting(m)
if mode == 'reschedule' then
  return emit('meeting.rescheduled', {meeting = m, previous_at = previous})
end
return emit('meeting.scheduled', {meeting = m})
