-- Prepended after lib.lua to every meeting_*.lua script. Key names mirror server/queue/keys.py.
-- A meeting stays in Redis for a month: long enough for the day's screens and reports.
local MEETING_KEEP_SECS = 30 * 86400
local MEETING_FIELDS = {'id', 'office', 'official', 'official_name_bn', 'official_name_en',
  'first_official', 'ref', 'ref_bn', 'day', 'status', 'phone', 'name', 'purpose', 'details',
  'lang', 'order', 'requested_ms', 'requested_at', 'seen_ms', 'replied_ms', 'at', 'at_ms',
  'slot_day', 'slot', 'reason_code', 'reason', 'forwarded_from', 'deadline_ms', 'due_ms',
  'escalated', 'closed_ms'}
local BN = {['0'] = '০', ['1'] = '১', ['2'] = '২', ['3'] = '৩', ['4'] = '৪',
  ['5'] = '৫', ['6'] = '৬', ['7'] = '৭', ['8'] = '৮', ['9'] = '৯'}

local function meeting(id)
  if id == nil or id == '' or id == false then return nil end
  local m = hash(P .. 'mtg:' .. id)
  if m.id == nil then return nil end
  for _, f in ipairs(MEETING_FIELDS) do m[f] = m[f] or '' end
  return m
end

local function save_meeting(m)
  local flat = {}
  for _, f in ipairs(MEETING_FIELDS) do
    flat[#flat + 1] = f
    flat[#flat + 1] = m[f] or ''
  end
  redis.call('HSET', P .. 'mtg:' .. m.id, unpack(flat))
  redis.call('EXPIRE', P .. 'mtg:' .. m.id, MEETING_KEEP_SECS)
end

-- Every action names the official it was checked against; a meeting forwarded meanwhile
-- belongs to someone else now, and the action must not land on it.
local function load_for(id, official)
  local m = meeting(id)
  if not m then return nil, fail('not_found', {field = 'meeting'}) end
  if official ~= '' and m.official ~= official then
    return nil, fail('invalid_state', {meeting_status = m.status, why = 'moved'})
  end
  return m, nil
end

-- The first answer (a time, a refusal, a forward) is what the official is accountable for.
local function mark_replied(m)
  if m.replied_ms == '' then m.replied_ms = NOW end
  redis.call('ZREM', P .. 'mesc', m.id)
end

local function unqueue(m)
  redis.call('ZREM', P .. 'mq:' .. m.official, m.id)
end

-- A closed meeting frees the phone to ask the same official again.
local function release_phone(m)
  local k = P .. 'mopen:' .. m.official
  if redis.call('HGET', k, m.phone) == m.id then redis.call('HDEL', k, m.phone) end
end

local function free_slot(m)
  if m.slot_day == '' then return end
  local k = P .. 'mslot:' .. m.official .. ':' .. m.slot_day
  if redis.call('HGET', k, m.slot) == m.id then redis.call('HDEL', k, m.slot) end
end
