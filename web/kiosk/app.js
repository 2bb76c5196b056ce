// The kiosk: start → phone → service → confirm → printed token, then back to start; or, from
// the service grid, a request to meet an official (meeting.js).
// Any screen left alone for the idle time goes back to start with every input cleared.

import { deviceKey, newIdempotencyKey } from "/static/common/api.js";
import { currentLang, installToggle, num, onLangChange, pick } from "/static/common/i18n.js";
import { createKeypad, phoneText, validPhone } from "./keypad.js";
import { createMeetingFlow } from "./meeting.js";
import { watchOffice } from "./live.js";
import { EXTRA_TILES, renderConfirm, renderGrid } from "./services.js";
import { issueToken } from "./issue.js";
import { renderDone } from "./done.js";

const $ = (selector) => document.querySelector(selector);
const root = $(".k-root");
const office = document.body.dataset.office;
const IDLE_MS = Number(root.dataset.idleSecs || 60) * 1000;
const DONE_SECS = Number(root.dataset.doneSecs || 20);
const INVALID_PHONE_BN = "সঠিক মোবাইল নম্বর দিন, যেমন ০১৭১২-৩৪৫৬৭৮।";
const INVALID_PHONE_EN = "Enter a Bangladeshi mobile number, e.g. 01712-345678.";

const state = {
  screen: "start",
  snapshot: JSON.parse($("#sheba-boot").textContent || "{}"),
  service: null,
  token: null,
  online: true,
  sending: false,
};
const key = deviceKey(office);

const keypad = createKeypad($(".k-keypad"), {
  onChange(digits) {
    $(".k-number").textContent = phoneText(digits);
    $(".k-number").classList.toggle("k-empty", !digits);
    $(".k-phone-error").textContent = "";
  },
  onEnter: () => phoneNext(),
});

const meeting = createMeetingFlow({
  root, office, key, show,
  phone: () => keypad.value,
  phoneText: () => phoneText(keypad.value),
  onPhoneError(error) {
    show("phone");
    phoneError(error.messageBn, error.message);
  },
  doneSecs: DONE_SECS,
  onHome: () => reset(),
});

function show(screen) {
  state.screen = screen;
  for (const el of document.querySelectorAll("[data-screen]")) el.hidden = el.dataset.screen !== screen;
  root.dataset.current = screen;
}

function reset() {
  state.service = null;
  state.token = null;
  keypad.clear();
  meeting.reset();
  $(".k-soon").hidden = true;
  $(".k-confirm-error").textContent = "";
  clearInterval(state.doneTimer);
  show(key ? "start" : "setup");
}

function phoneError(bn, en) {
  $(".k-phone-error").textContent = currentLang() === "en" ? en : bn;
}

function phoneNext() {
  if (!validPhone(keypad.value)) return phoneError(INVALID_PHONE_BN, INVALID_PHONE_EN);
  renderGrid($(".k-grid"), state.snapshot.services ?? []);
  show("services");
}

function chooseService(code) {
  if (code === "meet") return meeting.start();
  const extra = EXTRA_TILES.find((t) => t.code === code);
  if (extra) {
    $(".k-soon-title").textContent = pick(extra);
    $(".k-soon").hidden = false;
    return;
  }
  const service = (state.snapshot.services ?? []).find((s) => s.code === code);
  if (!service?.open) return;
  state.service = service;
  state.attempt = newIdempotencyKey(); // one key per attempt: every retry of it is the same token
  renderConfirm($(".k-confirm-body"), service);
  $(".k-confirm-error").textContent = "";
  show("confirm");
}

async function print() {
  if (state.sending || !state.service) return;
  state.sending = true;
  $(".k-print").disabled = true;
  try {
    const token = await issueToken({
      office, key, idempotencyKey: state.attempt,
      body: { service: state.service.code, phone: keypad.value, lang: currentLang() },
      onWaiting: (waiting) => setOnline(!waiting),
    });
    state.token = token;
    showDone();
  } catch (error) {
    if (error.field === "phone" || error.code === "invalid_phone") {
      show("phone");
      phoneError(error.messageBn, error.message);
    } else {
      $(".k-confirm-error").textContent = error.text ? error.text(currentLang()) : String(error);
    }
  } finally {
    state.sending = false;
    $(".k-print").disabled = false;
  }
}

function showDone() {
  renderDone(root, state.token, state.snapshot.printer);
  show("done");
  let left = DONE_SECS;
  const tick = () => {
    $(".k-countdown").textContent = `(${num(left)})`;
    // The spooler prints within seconds: look again so a failure shows while it matters.
    if ((DONE_SECS - left) % 3 === 2) live.refresh();
    if (left-- <= 0) reset();
  };
  tick();
  state.doneTimer = setInterval(tick, 1000);
}

function setOnline(online) {
  state.online = online;
  $(".k-offline").hidden = online;
}

// Idle: any touch or key restarts the clock; silence for IDLE_MS resets the kiosk.
let idleTimer;
const poke = () => {
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => { if (!state.sending && !meeting.busy) reset(); }, IDLE_MS);
};
for (const type of ["pointerdown", "keydown", "click"]) document.addEventListener(type, poke, true);

document.addEventListener("keydown", (event) => {
  if (state.screen === "phone" && keypad.key(event)) event.preventDefault();
  else if (meeting.key(event, state.screen)) event.preventDefault();
  else if (state.screen === "start" && event.key === "Enter") show("phone");
});

root.addEventListener("click", (event) => {
  const tileEl = event.target.closest(".k-tile");
  if (tileEl && !tileEl.disabled) return chooseService(tileEl.dataset.service);
  if (state.screen.startsWith("meet-") && meeting.click(event.target)) return;
  const action = event.target.closest("[data-action]")?.dataset.action;
  if (action === "start") show("phone");
  else if (action === "home") reset();
  else if (action === "phone-next") phoneNext();
  else if (action === "back-phone") show("phone");
  else if (action === "back-services") phoneNext();
  else if (action === "close-soon") $(".k-soon").hidden = true;
  else if (action === "print") print();
});
document.addEventListener("contextmenu", (event) => event.preventDefault());

onLangChange(() => {
  $(".k-number").textContent = phoneText(keypad.value);
  if (state.screen === "services") renderGrid($(".k-grid"), state.snapshot.services ?? []);
  if (state.screen === "confirm") renderConfirm($(".k-confirm-body"), state.service);
  if (state.screen === "done") renderDone(root, state.token, state.snapshot.printer);
  meeting.rerender(state.screen);
});

const live = watchOffice({
  office,
  key,
  onState(snapshot) {
    state.snapshot = snapshot;
    if (state.screen === "services") renderGrid($(".k-grid"), snapshot.services ?? []);
    if (state.screen === "done") renderDone(root, state.token, snapshot.printer);
  },
  onOnline: setOnline,
  onPrinter(printer) {
    state.snapshot = { ...state.snapshot, printer };
    if (state.screen === "done") renderDone(root, state.token, printer);
  },
});

installToggle($(".k-lang"));
reset();
poke();
