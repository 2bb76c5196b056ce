-- Escalate a request nobody answered in time, exactly once however many checkers run.
local m = meeting(A[1])
local contact = A[2]
if not m then
  redis.call('ZREM', P .. 'mesc', A[1])
  return cjson.encode({skipped = true})
end
if m.status ~= 'pending' or m.escalated == '1' then
  redis.call('ZREM', P .. 'mesc', m.id)
  return cjson.encode({skipped = true})
end
if m.due_ms == '' or tonumber(m.due_ms) > tonumber(NOW) then
  return cjson.encode({skipped = true})
end
redis.call('ZREM', P .. 'mesc', m.id)
m.escalated = '1'
save_meeting(m)
local waited = math.floor((tonumber(NOW) - tonumber(m.requested_ms)) / 60000)
return emit('meeting.escalated', {meeting = m, escalation = cjson.decode(contact),
  waited_minutes = waited})
