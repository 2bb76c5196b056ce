// The hall TV: paints the embedded snapshot at once, follows the display channel, flashes and
// announces each call, and looks after itself (clock, offline mark, reload on a new version).

import { api, deviceKey } from "/static/common/api.js";
import { bnTime } from "/static/common/i18n.js";
import { connectFeed } from "/static/common/feed.js";
import { createAnnouncer } from "./announcer.js";
import { createBoard } from "./board.js";

// How often the TV asks whether the server has new pages (also on every reconnect);
// ?version_check_secs= overrides it.
const VERSION_CHECK_MS = 3 * 60 * 1000;
// A call this old when first seen (e.g. in a snapshot after a reconnect) is not announced.
const ANNOUNCE_WITHIN_MS = 60 * 1000;
const RECENT_KEPT = 10;
const ANNOUNCED_KEPT = 200;

const office = document.body.dataset.office;
const params = new URLSearchParams(location.search);
const english = params.get("en") === "1" || localStorage.getItem("sheba.display.english") === "1";
const board = createBoard(document.getElementById("tiles"), document.getElementById("recent"));
const announcer = createAnnouncer({ audio: document.getElementById("announcer"), office, english });
const announced = new Set();
let state = JSON.parse(document.getElementById("sheba-boot").textContent || "{}");

// Public tokens carry no id (it is the citizen's private link): a token is its display code
// on the day it was issued.
const ident = (token) => `${token.display}@${token.issued_at}`;
// One key per call: a recall counts up `recalls`; a token transferred and called again has
// its recalls back at 0 but another service or counter, and a later `called_at` (seconds).
const callKey = (token) =>
  `${ident(token)}:${token.service}:${token.counter}:${token.called_at}:${token.recalls ?? 0}`;

function remember(key) {
  announced.add(key);
  if (announced.size > ANNOUNCED_KEPT) announced.delete(announced.values().next().value);
}

function call(token, counter) {
  const key = callKey(token);
  if (announced.has(key)) return;
  remember(key);
  board.flash(counter);
  announcer.say({ token, counter });
}

function onSnapshot(data) {
  if (!data || !Array.isArray(data.counters)) return;
  for (const counter of data.counters) {
    const token = counter.token;
    if (!token) continue;
    const before = counterOf(counter.number)?.token;
    const recalled = before && ident(before) === ident(token) && (token.recalls ?? 0) > (before.recalls ?? 0);
    const fresh = Date.now() - Date.parse(token.called_at) < ANNOUNCE_WITHIN_MS;
    if (token.status === "called" && counter.state === "open" && (fresh || recalled)) {
      call(token, counter.number);
    } else remember(callKey(token));
  }
  // A recall puts a token on the recent list again: show each token once, newest first.
  const seen = new Set();
  data.recent = (data.recent ?? []).filter((r) => !seen.has(ident(r.token)) && seen.add(ident(r.token)));
  state = data;
  board.render(state);
}

function counterOf(number) {
  return state.counters?.find((c) => c.number === number);
}

function onEvent(event) {
  const { token, counter: number } = event.data ?? {};
  const counter = counterOf(number ?? token?.counter);
  if (event.type === "token.called" || event.type === "token.recalled") {
    if (counter) counter.token = token;
    state.recent = [{ token, counter: counter?.number ?? number },
      ...(state.recent ?? []).filter((r) => ident(r.token) !== ident(token))].slice(0, RECENT_KEPT);
    board.render(state);
    call(token, counter?.number ?? number);
    return;
  }
  if (event.type === "token.serving" && counter) counter.token = token;
  else if (event.type.startsWith("token.") && token) {
    for (const c of state.counters ?? []) if (c.token && ident(c.token) === ident(token)) c.token = null;
  } else if (event.type.startsWith("counter.") && counter) counter.state = event.data.state;
  else if (event.type === "day.rolled") {
    for (const c of state.counters ?? []) c.token = null;
    state.recent = [];
  }
  board.render(state);
}

async function checkVersion() {
  try {
    const { version } = await api("/api/v1/version");
    if (version && version !== document.body.dataset.version) location.reload();
  } catch {
    // Offline: the next check or reconnect tries again.
  }
}

let wasOffline = false;
function onStatus(status) {
  const offline = status !== "online";
  document.getElementById("offline").hidden = !offline;
  if (wasOffline && !offline) checkVersion();
  wasOffline = offline;
}

function tickClock() {
  const now = new Date();
  const opts = { timeZone: "Asia/Dhaka" };
  document.getElementById("date").textContent = now.toLocaleDateString("bn-BD",
    { ...opts, weekday: "long", day: "numeric", month: "long", year: "numeric" });
  document.getElementById("clock").textContent = bnTime(now, true);
}

// The screen's device key, if it still works. A revoked or mistyped key would have the
// socket closed for good: the hall keeps its calls (the channel is public) and the screen
// says it needs setting up again.
async function workingKey() {
  const key = deviceKey(office);
  if (!key) return null;
  let who;
  try {
    who = await api("/api/v1/auth/me", { key });
  } catch (error) {
    if (error.status !== 401 && error.status !== 403) return key; // offline: try it anyway
  }
  if (who && who.office === office && ["display", "counter", "admin"].includes(who.role)) return key;
  showKeyMark();
  return null;
}

function showKeyMark() {
  document.getElementById("key-mark").hidden = false;
}

for (const counter of state.counters ?? []) if (counter.token) remember(callKey(counter.token));
board.render(state);
tickClock();
setInterval(tickClock, 1000);
setInterval(checkVersion, Number(params.get("version_check_secs")) * 1000 || VERSION_CHECK_MS);
connectFeed({
  office,
  channel: "display",
  key: await workingKey(),
  onSnapshot,
  onEvent,
  onStatus,
  onKeyRefused: showKeyMark,
  poll: () => api(`/api/v1/offices/${office}/display`),
});
