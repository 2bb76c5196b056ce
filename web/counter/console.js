// Paints the counter's state: the token at the counter, the waiting line, the citizens it has
// parked, today's counts and which actions the current state allows (disabled, never hidden).

import { currentLang, minutes, num, pick } from "/static/common/i18n.js";

const busy = (v) => ["called", "serving"].includes(v.token?.status);
const is = (...statuses) => (v) => statuses.includes(v.token?.status);
/** Whether this counter may call someone now (the next one, or a named one out of order). */
export const canCall = (v) => v.counter.state === "open" && !busy(v);
const recallsLeft = (v) => (v.token?.recalls ?? 0) < (v.counter.recall_limit ?? Infinity);

export const ACTIONS = [
  { id: "call", keys: ["Space", "N"], bn: "পরের জন", en: "Call next",
    enabled: (v) => canCall(v) && v.waiting_total > 0 },
  { id: "recall", keys: ["R"], bn: "আবার ডাকুন", en: "Recall",
    enabled: (v) => is("called")(v) && recallsLeft(v) },
  { id: "serve", keys: ["S"], bn: "সেবা শুরু", en: "Start serving", enabled: is("called") },
  { id: "complete", keys: ["C"], bn: "সম্পন্ন", en: "Complete", enabled: is("called", "serving") },
  { id: "no-show", keys: ["X"], bn: "আসেননি", en: "No-show", enabled: is("called") },
  { id: "transfer", keys: ["T"], bn: "স্থানান্তর", en: "Transfer", enabled: is("called", "serving") },
  // Parked: the citizen went to fetch a paper; unparked, they wait again for this counter.
  { id: "park", keys: ["H"], bn: "সরিয়ে রাখুন", en: "Park", enabled: is("called", "serving") },
  { id: "unpark", keys: ["U"], bn: "ফিরিয়ে আনুন", en: "Unpark",
    enabled: (v) => (v.parked?.length ?? 0) > 0 },
  { id: "call-token", keys: ["O"], bn: "ক্রম ছাড়া ডাকুন", en: "Call out of order",
    enabled: (v) => canCall(v) && v.waiting.length > 0 },
  { id: "pause", keys: ["P"], bn: "বিরতি", en: "Pause", enabled: () => true },
];
const STATUS = {
  called: ["ডাকা হয়েছে", "Called"], serving: ["সেবা চলছে", "Serving"],
  open: ["খোলা", "Open"], paused: ["বিরতি", "Paused"], closed: ["বন্ধ", "Closed"],
};
const TODAY = [["called", "ডাকা", "Called"], ["completed", "সম্পন্ন", "Completed"],
  ["no_show", "আসেননি", "No-show"], ["recalled", "আবার ডাকা", "Recalled"]];

const $ = (id) => document.getElementById(id);
const say = (pair) => (currentLang() === "en" ? pair[1] : pair[0]);

export function tokenLabel(token) {
  return currentLang() === "en" ? token.display : token.display_bn;
}

/** Elapsed time since an ISO moment as m:ss (or h:mm:ss), in the page's digits. */
export function since(iso) {
  const secs = Math.max(0, Math.floor((Date.now() - Date.parse(iso)) / 1000));
  const two = (n) => String(n).padStart(2, "0");
  const h = Math.floor(secs / 3600);
  const text = h ? `${h}:${two(Math.floor(secs / 60) % 60)}:${two(secs % 60)}`
    : `${Math.floor(secs / 60)}:${two(secs % 60)}`;
  return num(text);
}

export function buildActions(root, onAction) {
  for (const action of ACTIONS) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = `btn action action-${action.id}`;
    button.dataset.action = action.id;
    button.innerHTML = `<span class="label"></span> <kbd>${action.keys.join(" / ")}</kbd>`;
    button.addEventListener("click", () => onAction(action.id));
    root.append(button);
  }
}

export function render(view, office, me) {
  const lang = currentLang();
  $("counter-name").textContent = pick(view.counter);
  $("counter-state").textContent = say(STATUS[view.counter.state] ?? [view.counter.state, view.counter.state]);
  $("counter-state").dataset.state = view.counter.state;
  $("who").textContent = me?.name ?? "";
  const token = view.token;
  $("now").hidden = !token;
  $("now-empty").hidden = Boolean(token);
  if (token) {
    $("now-token").textContent = tokenLabel(token);
    $("now-service").textContent = pick(office.services.find((s) => s.code === token.service));
    const phone = $("now-phone");
    if (phone.dataset.token !== token.id) {
      phone.dataset.token = token.id;
      phone.textContent = num(token.phone_masked ?? "—");
      phone.title = lang === "en" ? "Show the full number (recorded)" : "পুরো নম্বর দেখুন (রেকর্ড থাকবে)";
      phone.disabled = !token.phone_masked;
    }
    $("now-status").textContent = say(STATUS[token.status] ?? [token.status, token.status]);
    $("now-status").dataset.state = token.status;
    $("now-since").dataset.since = token.called_at ?? "";
  }
  for (const action of ACTIONS) {
    const button = document.querySelector(`[data-action="${action.id}"]`);
    const paused = action.id === "pause" && view.counter.state !== "open";
    button.querySelector(".label").textContent = paused
      ? (lang === "en" ? "Resume" : "আবার খুলুন") : (lang === "en" ? action.en : action.bn);
    button.disabled = !action.enabled(view);
  }
  renderWaiting(view, office);
  renderParked(view, office);
  $("today").replaceChildren(...TODAY.flatMap(([key, bn, en]) => {
    const dt = document.createElement("dt");
    dt.textContent = lang === "en" ? en : bn;
    const dd = document.createElement("dd");
    dd.textContent = num(view.today?.[key] ?? 0);
    return [dt, dd];
  }));
  tick();
}

function renderWaiting(view, office) {
  const lang = currentLang();
  $("waiting-total").textContent = num(view.waiting_total);
  $("waiting").replaceChildren(...view.waiting.map((token) => {
    const li = document.createElement("li");
    li.dataset.token = token.id;
    const service = office.services.find((s) => s.code === token.service);
    li.innerHTML = `<span class="pos"></span><b class="tok"></b><span class="svc"></span>
      <span class="waited" data-since="${token.issued_at}"></span>`;
    li.querySelector(".pos").textContent = num(token.position);
    li.querySelector(".tok").textContent = tokenLabel(token);
    li.querySelector(".svc").textContent = pick(service);
    const star = document.createElement("button");
    star.type = "button";
    star.className = "btn ghost small prioritise";
    star.dataset.prioritise = token.id;
    star.disabled = token.priority;
    star.textContent = token.priority ? (lang === "en" ? "★ Priority" : "★ অগ্রাধিকার")
      : (lang === "en" ? "Make priority" : "অগ্রাধিকার দিন");
    const now = document.createElement("button");
    now.type = "button";
    now.className = "btn ghost small call-token";
    now.dataset.callToken = token.id;
    now.disabled = !canCall(view);
    now.textContent = lang === "en" ? "Call now" : "এখনই ডাকুন";
    li.append(star, now);
    return li;
  }));
}

function renderParked(view, office) {
  const lang = currentLang();
  const parked = view.parked ?? [];
  $("parked-box").hidden = parked.length === 0;
  $("parked-total").textContent = num(parked.length);
  $("parked").replaceChildren(...parked.map((token) => {
    const li = document.createElement("li");
    li.dataset.token = token.id;
    li.innerHTML = '<b class="tok"></b><span class="svc"></span>';
    li.querySelector(".tok").textContent = tokenLabel(token);
    li.querySelector(".svc").textContent = pick(office.services.find((s) => s.code === token.service));
    const back = document.createElement("button");
    back.type = "button";
    back.className = "btn ghost small";
    back.dataset.unpark = token.id;
    back.textContent = lang === "en" ? "Back: unpark" : "ফিরেছেন: ফিরিয়ে আনুন";
    li.append(back);
    return li;
  }));
}

/** Once a second: time since called, and how long each citizen has waited. */
export function tick() {
  const since$ = $("now-since");
  if (since$.dataset.since) since$.textContent = since(since$.dataset.since);
  for (const el of document.querySelectorAll("#waiting [data-since]")) {
    el.textContent = minutes((Date.now() - Date.parse(el.dataset.since)) / 60000);
  }
}
