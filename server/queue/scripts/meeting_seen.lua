-- The official opened the request: recorded once, so the citizen's page can say so.
local m, err = load_for(A[1], A[2])
if not m then return err end
if m.seen_ms ~= '' then return cjson.encode({meeting = m, unchanged = true}) end
m.seen_ms = NOW
save_meeting(m)
return emit('meeting.seen', {meeting = m})
