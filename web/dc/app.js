// The official's screen: log in, follow the official channel, and keep a state that every
// meeting event updates in place. A request the screen shows for the first time is marked
// seen at once (the citizen's page then says so) and chimes softly.

import { api } from "/static/common/api.js";
import { installToggle, onLangChange } from "/static/common/i18n.js";
import { staffLogin } from "/static/common/login.js";
import { connect } from "/static/common/realtime.js";
import { createReplies } from "./reply.js";
import { render, tick } from "./view.js";

const office = document.body.dataset.office;
const PICK_KEY = `sheba.dc.official.${office}`;
const SHOWN = ["scheduled", "attended", "missed"];
const $ = (id) => document.getElementById(id);
const state = {
  me: null, options: null, official: null, info: null, target: 30, skew: 0,
  pending: [], schedule: [], stats: {}, fresh: new Set(),
};
const seenSent = new Set();
let feed = null;
let audio = null;
let statsTimer = null;

function notice(text) { $("notice").textContent = text; }

function paint() {
  render(state);
  replies.reattach();
  markSeen();
}

/** Put a meeting where it now belongs: waiting, on the schedule, or off this screen. */
function place(m) {
  state.pending = state.pending.filter((x) => x.id !== m.id);
  state.schedule = state.schedule.filter((x) => x.id !== m.id);
  if (state.official && m.official.slug !== state.official) return paint();
  if (m.status === "pending") {
    state.pending.push(m);
    state.pending.sort((a, b) => Date.parse(a.requested_at) - Date.parse(b.requested_at));
  } else if (SHOWN.includes(m.status) && m.at) {
    state.schedule.push(m);
    state.schedule.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  }
  paint();
}

// The official's own eyes only: an admin looking on does not count as the official seeing.
function markSeen() {
  if (state.me?.role !== "official" || document.hidden) return;
  for (const m of state.pending) {
    if (m.seen_at || seenSent.has(m.id)) continue;
    seenSent.add(m.id);
    api(`/api/v1/offices/${office}/meetings/${m.id}/seen`, { method: "POST" })
      .then((updated) => { if (updated) place(updated); })
      .catch(() => seenSent.delete(m.id));
  }
}

function chime() {
  try {
    audio ??= new AudioContext();
    const now = audio.currentTime;
    for (const [i, freq] of [[0, 660], [1, 880]]) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, now + i * 0.18);
      gain.gain.exponentialRampToValueAtTime(0.12, now + i * 0.18 + 0.03);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + i * 0.18 + 0.5);
      osc.connect(gain).connect(audio.destination);
      osc.start(now + i * 0.18);
      osc.stop(now + i * 0.18 + 0.55);
    }
  } catch { /* no audio on this machine: the highlight is enough */ }
}

// Today's average reply time comes from the same report the office is judged by.
function refreshStats() {
  clearTimeout(statsTimer);
  statsTimer = setTimeout(async () => {
    const query = state.official ? `?official=${encodeURIComponent(state.official)}` : "";
    try {
      const report = await api(`/api/v1/offices/${office}/meetings/report${query}`);
      const rows = report.officials;
      const replied = rows.reduce((n, r) => n + r.replied, 0);
      const total = rows.reduce((n, r) => n + (r.avg_reply_minutes ?? 0) * r.replied, 0);
      state.stats = {
        requested_today: rows.reduce((n, r) => n + r.requested, 0),
        replied_today: replied,
        avg_reply_minutes: replied ? total / replied : null,
      };
      render(state);
      replies.reattach();
    } catch { /* the next event tries again */ }
  }, 300);
}

function onSnapshot(data) {
  state.skew = Date.parse(data.now) - Date.now();
  state.info = data.official ?? state.options?.officials.find((o) => o.slug === state.official) ?? null;
  state.target = state.info?.reply_target_minutes ?? data.reply_target_minutes;
  const mine = (m) => !state.official || m.official.slug === state.official;
  state.pending = data.meetings.pending.filter(mine);
  state.schedule = data.meetings.scheduled.filter(mine);
  state.stats = data.meetings.stats;
  for (const m of state.pending) if (!m.seen_at) state.fresh.add(m.id);
  if (state.me.role === "admin") refreshStats();
  paint();
}

function onEvent(event) {
  const m = event.data?.meeting;
  if (!event.type.startsWith("meeting.") || !m) return;
  const arrived = event.type === "meeting.requested" || event.type === "meeting.forwarded";
  const forMe = !state.official || m.official.slug === state.official;
  if (arrived && forMe && m.status === "pending") {
    state.fresh.add(m.id);
    chime();
  }
  place(m);
  if (event.type !== "meeting.seen") refreshStats();
}

function follow() {
  feed?.close();
  // A page load, or another official picked, starts from a snapshot: the screen keeps no
  // state across loads, and the snapshot is what it filters by official.
  feed = connect({
    office, channel: "official", resume: false, onSnapshot, onEvent,
    onStatus: (s) => { $("offline").hidden = s !== "offline"; },
  });
}

function pickOfficial() {
  const select = $("official-pick");
  select.hidden = false;
  const all = [{ slug: "", name_bn: "সকল কর্মকর্তা", name_en: "All officials" }, ...state.options.officials];
  select.replaceChildren(...all.map((o) => new Option(o.name_bn, o.slug)));
  select.value = state.official ?? "";
  select.onchange = () => {
    state.official = select.value || null;
    localStorage.setItem(PICK_KEY, select.value);
    follow();
  };
}

async function enter(me) {
  if (!["official", "admin"].includes(me.role) || me.office !== office) {
    await login.logout();
    login.fail("এই পাতাটি এই অফিসের কর্মকর্তাদের জন্য। / This screen is for this office's officials.");
    return;
  }
  state.me = me;
  state.options ??= await api(`/api/v1/offices/${office}/meeting-options`);
  state.official = me.role === "official" ? me.official : localStorage.getItem(PICK_KEY) || null;
  $("login").hidden = true;
  $("screen").hidden = false;
  if (me.role === "admin") pickOfficial();
  follow();
}

function loggedOut() {
  feed?.close();
  feed = null;
  Object.assign(state, { me: null, pending: [], schedule: [] });
  $("screen").hidden = true;
  $("login").hidden = false;
  $("login").username.focus();
}

const login = staffLogin({ onLogin: enter, onLoggedOut: loggedOut });
const replies = createReplies({ office, state, place, notice, loggedOut });
$("logout").addEventListener("click", () => login.logout());
// Browsers let sound start only after a gesture: the first click on the page unlocks it.
document.addEventListener("click", () => { audio ??= new AudioContext(); audio.resume(); }, { once: true });
document.addEventListener("visibilitychange", markSeen);
installToggle(document.querySelector(".lang-toggle"));
onLangChange(() => { if (state.me) paint(); });
setInterval(() => tick(state), 1000);
await login.start(notice);
