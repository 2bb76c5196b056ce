-- End a meeting: declined, cancelled, attended or missed. Attended and missed only once the
-- meeting's time has come; a refusal or cancellation frees its slot for someone else.
local m, err = load_for(A[1], A[2])
if not m then return err end
local allowed, to, etype, reason_code, reason, after_at = A[3], A[4], A[5], A[6], A[7], A[8]
if not in_csv(allowed, m.status) then return fail('invalid_state', {meeting_status = m.status}) end
if after_at == '1' and tonumber(m.at_ms) > tonumber(NOW) then
  return fail('invalid_state', {meeting_status = m.status, why = 'too_early', at = m.at})
end
local was = m.status
if to == 'declined' or to == 'cancelled' then free_slot(m) end
if was == 'pending' then mark_replied(m) end
unqueue(m)
release_phone(m)
redis.call('ZREM', P .. 'mesc', m.id)
m.status, m.closed_ms = to, NOW
if reason_code ~= '' then m.reason_code = reason_code end
if reason ~= '' then m.reason = reason end
save_meeting(m)
return emit(etype, {meeting = m, from = was})
