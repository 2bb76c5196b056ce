// The counter console: log in, pick a counter (remembered), then follow it live and act on it.

import { api } from "/static/common/api.js";
import { connectFeed } from "/static/common/feed.js";
import { currentLang, installToggle, onLangChange, pick } from "/static/common/i18n.js";
import { staffLogin } from "/static/common/login.js";
import { createActions } from "./actions.js";
import { buildActions, render, tick } from "./console.js";

const office = document.body.dataset.office;
const COUNTER_KEY = `sheba.counter.${office}`;
const $ = (id) => document.getElementById(id);
let me = null;
let officeInfo = null;
let counter = Number(localStorage.getItem(COUNTER_KEY)) || null;
let view = null;
let feed = null;
let pending = null;
let settle = null;
const SETTLE_MS = 2000;
// A quiet counter still looks again now and then (counts written late, a missed event).
const HEARTBEAT_MS = 30000;

function show(id) {
  for (const part of ["login", "picker", "console"]) $(part).hidden = part !== id;
}

function notice(text) {
  $("notice").textContent = text;
}

// Refreshes can overlap (an event burst, an action's own reply): only the newest may paint,
// or a slower, older answer would put back a state the counter has already left.
let asked = 0;

async function refresh() {
  if (!counter) return;
  const mine = ++asked;
  try {
    const fresh = await api(`/api/v1/offices/${office}/counters/${counter}/console`);
    if (mine !== asked) return;
    view = fresh;
    render(view, officeInfo, me);
  } catch (error) {
    if (error.status === 401 || error.status === 403) {
      loggedOut();
      if (error.status === 403) login.fail(error.text(currentLang()));
    } else throw error;
  }
}

// Events come in bursts (a call is one event per tab): one refresh per burst is enough.
// Today's counts are read from the event history, which the server writes a moment after
// the event itself: look once more when the burst has settled, or the last action of a
// morning would stay uncounted until the next one.
function refreshSoon() {
  clearTimeout(pending);
  clearTimeout(settle);
  pending = setTimeout(() => refresh().catch(() => {}), 60);
  settle = setTimeout(() => refresh().catch(() => {}), SETTLE_MS);
}

function loggedOut() {
  feed?.close();
  feed = null;
  me = null;
  view = null;
  show("login");
  $("login").username.focus();
}

async function startConsole() {
  notice("");
  // Shown once its state is painted: a key pressed on a console still loading did nothing.
  // Offline, it is shown anyway and the feed paints it when the server answers.
  await refresh().catch(() => {});
  if (!me) return; // refused: back at the login form
  show("console");
  feed?.close();
  feed = await connectFeed({
    office,
    channel: "counter",
    onSnapshot: refreshSoon,
    onEvent: refreshSoon,
    onStatus: (status) => {
      $("offline").hidden = status === "online";
      if (status === "online") refreshSoon();
    },
    poll: async () => { await refresh(); return null; },
  });
}

function showPicker() {
  show("picker");
  $("picker-list").replaceChildren(...officeInfo.counters.map((c) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn";
    button.dataset.counter = c.number;
    button.textContent = pick(c);
    button.addEventListener("click", () => {
      counter = c.number;
      localStorage.setItem(COUNTER_KEY, String(counter));
      startConsole();
    });
    return button;
  }));
}

async function enter() {
  officeInfo ??= await api(`/api/v1/offices/${office}`);
  const known = officeInfo.counters.some((c) => c.number === counter);
  if (known) await startConsole(); else showPicker();
}

const login = staffLogin({
  onLogin: async (who) => { me = who; await enter(); },
  onLoggedOut: loggedOut,
});
$("logout").addEventListener("click", () => login.logout());
$("change-counter").addEventListener("click", () => {
  feed?.close();
  feed = null;
  showPicker();
});

installToggle(document.querySelector(".lang-toggle"));
onLangChange(() => { if (view) render(view, officeInfo, me); if (!$("picker").hidden) showPicker(); });
const actions = createActions({
  office,
  get officeInfo() { return officeInfo; },
  counter: () => counter,
  view: () => view,
  refresh,
  notice,
  loggedOut,
});
buildActions($("actions"), actions.run);
setInterval(tick, 1000);
setInterval(() => { if (feed && !$("console").hidden) refresh().catch(() => {}); }, HEARTBEAT_MS);

await login.start(notice);
