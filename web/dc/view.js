// Paints the official's screen from its state: the count, the waiting requests (oldest
// first, ticking, amber then red near and past the reply target) and the schedule.

import { bnTime, currentLang, minutes, num, pick } from "/static/common/i18n.js";

const $ = (id) => document.getElementById(id);
const en = () => currentLang() === "en";
const say = (bn, english) => (en() ? english : bn);
const DONE = { attended: ["উপস্থিত ছিলেন", "Attended"], missed: ["আসেননি", "Missed"] };

/** Now on the server's clock (the snapshot says how far this screen's clock is off). */
export const serverNow = (state) => Date.now() + state.skew;

export function timeText(iso) {
  const date = new Date(iso);
  return en()
    ? date.toLocaleTimeString("en-GB", { timeZone: "Asia/Dhaka", hour: "numeric", minute: "2-digit", hour12: true })
    : bnTime(date);
}

export function dayText(iso, state) {
  const day = (d) => new Date(d).toLocaleDateString("en-CA", { timeZone: "Asia/Dhaka" });
  const today = day(serverNow(state));
  const tomorrow = day(serverNow(state) + 86400000);
  const name = new Date(iso).toLocaleDateString(en() ? "en-GB" : "bn-BD", {
    timeZone: "Asia/Dhaka", weekday: "long", day: "numeric", month: "long",
  });
  if (day(iso) === today) return `${say("আজ", "Today")} · ${name}`;
  if (day(iso) === tomorrow) return `${say("আগামীকাল", "Tomorrow")} · ${name}`;
  return name;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = text;
  return node;
}

function button(act, label, className = "btn") {
  const node = el("button", className, label);
  node.type = "button";
  node.dataset.act = act;
  return node;
}

function phoneButton(m) {
  const phone = button("phone", num(m.phone_masked ?? "—"), "phone");
  phone.title = say("পুরো নম্বর দেখুন (রেকর্ড থাকবে)", "Show the full number (recorded)");
  return phone;
}

function requestRow(m, state) {
  const li = el("li", "req");
  li.dataset.id = m.id;
  li.classList.toggle("fresh", state.fresh.has(m.id));
  const main = el("div", "req-main");
  const top = el("div", "req-top");
  top.append(el("b", "req-name", m.name || "—"), el("span", "ref", en() ? m.ref : m.ref_bn),
    el("span", "purpose", en() ? m.purpose_en : m.purpose_bn));
  if (state.fresh.has(m.id)) top.append(el("span", "badge-new", say("নতুন", "New")));
  if (m.escalated) top.append(el("span", "badge-late", say("সময় পেরিয়েছে", "Overdue")));
  main.append(top);
  if (m.details) main.append(el("p", "req-details", m.details));
  const meta = el("div", "req-meta");
  meta.append(phoneButton(m), el("span", "", `${say("অনুরোধ", "Asked")} ${timeText(m.requested_at)}`));
  if (m.forwarded_from) meta.append(el("span", "", say("অন্য কর্মকর্তা পাঠিয়েছেন", "Forwarded to you")));
  if (!state.official) meta.append(el("span", "", pick(m.official)));
  main.append(meta);
  const wait = el("div", "req-wait");
  wait.dataset.since = m.requested_at;
  wait.append(el("span", "wait-num"), el("span", "wait-label", say("অপেক্ষা", "waiting")));
  const actions = el("div", "req-actions");
  actions.append(button("slots", say("সময় দিন", "Give a time")),
    button("decline", say("ফিরিয়ে দিন", "Decline"), "btn ghost"),
    button("forward", say("অন্যজনের কাছে পাঠান", "Forward"), "btn ghost"));
  li.append(main, wait, actions);
  return li;
}

function scheduleRow(m, state) {
  const li = el("li", `appt ${m.status}`);
  li.dataset.id = m.id;
  li.dataset.at = m.at;
  const head = el("div", "appt-head");
  head.append(el("span", "appt-time", timeText(m.at)), el("b", "appt-name", m.name || "—"));
  const info = el("div", "appt-info");
  info.append(el("span", "", `${en() ? m.ref : m.ref_bn} · ${en() ? m.purpose_en : m.purpose_bn}`));
  if (!state.official) info.append(el("span", "", pick(m.official)));
  info.append(phoneButton(m));
  const actions = el("div", "appt-actions");
  if (m.status === "scheduled") {
    actions.append(button("attended", say("উপস্থিত", "Attended"), "btn small"),
      button("missed", say("আসেননি", "Missed"), "btn small danger"),
      button("reschedule", say("সময় বদলান", "Move"), "btn ghost small"),
      button("cancel", say("বাতিল", "Cancel"), "btn ghost small"));
  } else {
    actions.append(el("span", "pill", say(...DONE[m.status])));
  }
  li.append(head, info, actions);
  return li;
}

function renderSchedule(state) {
  const groups = new Map();
  for (const m of state.schedule) {
    const label = dayText(m.at, state);
    if (!groups.has(label)) groups.set(label, []);
    groups.get(label).push(m);
  }
  $("schedule").replaceChildren(...[...groups].flatMap(([label, list]) => {
    const ol = el("ol", "appts");
    ol.append(...list.map((m) => scheduleRow(m, state)));
    return [el("h3", "day", label), ol];
  }));
  $("schedule-empty").hidden = state.schedule.length > 0;
}

export function render(state) {
  const who = state.info ? pick(state.info) : say("সকল কর্মকর্তা", "All officials");
  $("official-name").textContent = who;
  $("who").textContent = state.me?.name ?? "";
  $("waiting-count").textContent = num(state.pending.length);
  const stats = state.stats ?? {};
  $("avg-reply").textContent = stats.avg_reply_minutes == null ? "—" : minutes(stats.avg_reply_minutes);
  $("target").textContent = minutes(state.target);
  $("today-counts").textContent = `${num(stats.requested_today ?? 0)} / ${num(stats.replied_today ?? 0)}`;
  const today = dayText(new Date(serverNow(state)).toISOString(), state);
  $("today-meetings").textContent = num(state.schedule.filter((m) => dayText(m.at, state) === today).length);
  $("pending").replaceChildren(...state.pending.map((m) => requestRow(m, state)));
  $("pending-empty").hidden = state.pending.length > 0;
  renderSchedule(state);
  tick(state);
}

/** Once a second: how long each request has waited, and which appointments have come. */
export function tick(state) {
  const now = serverNow(state);
  for (const wait of document.querySelectorAll("#pending .req-wait")) {
    const waited = (now - Date.parse(wait.dataset.since)) / 60000;
    wait.querySelector(".wait-num").textContent = minutes(waited);
    const row = wait.closest(".req");
    row.classList.toggle("late", waited >= state.target);
    row.classList.toggle("near", waited < state.target && waited >= (state.target * 2) / 3);
  }
  for (const row of document.querySelectorAll("#schedule .appt.scheduled")) {
    const due = Date.parse(row.dataset.at) <= now;
    for (const b of row.querySelectorAll("[data-act=attended], [data-act=missed]")) b.disabled = !due;
  }
}
