// The official's answers, one or two clicks each: a free slot (or a typed time), a refusal
// with a reason, a forward to a colleague; then attended / missed / move / cancel. One panel
// is open at a time; it is one element moved into its row whenever the list repaints, so a
// half-typed reason survives a new request arriving.

import { api } from "/static/common/api.js";
import { currentLang, num, pick } from "/static/common/i18n.js";
import { dayText, timeText } from "./view.js";

const en = () => currentLang() === "en";
const say = (bn, english) => (en() ? english : bn);
// Enough to choose from at a glance; a later time goes through the time field.
const SLOTS_PER_DAY = 8;
// A forwarded request must be answered by then: the choices a busy official needs.
const DEADLINES = [[60, "১ ঘণ্টার মধ্যে", "Within 1 hour"], [180, "৩ ঘণ্টার মধ্যে", "Within 3 hours"],
  [1440, "আগামীকালের মধ্যে", "By tomorrow"]];

/** ctx: { office, state, place(meeting), notice(text), loggedOut(), rerender() } */
export function createReplies(ctx) {
  const base = `/api/v1/offices/${ctx.office}`;
  const panel = document.createElement("div");
  panel.className = "panel";
  let open = null; // { id, kind: "slots" | "reschedule" | "decline" | "forward" }

  const find = (id) => [...ctx.state.pending, ...ctx.state.schedule].find((m) => m.id === id);

  function line(text, className = "panel-line") {
    const p = document.createElement("p");
    p.className = className;
    p.textContent = text;
    return p;
  }

  function choice(label, act, data = {}, className = "btn ghost") {
    const b = document.createElement("button");
    b.type = "button";
    b.className = className;
    b.textContent = label;
    b.dataset.act = act;
    Object.assign(b.dataset, data);
    return b;
  }

  async function send(id, action, body) {
    try {
      const meeting = await api(`${base}/meetings/${id}/${action}`, { method: "POST", body });
      ctx.state.fresh.delete(id);
      close();
      ctx.place(meeting);
      return meeting;
    } catch (error) {
      if (error.status === 401) return ctx.loggedOut();
      if (error.code === "slot_taken" && open?.id === id) {
        await showSlots(say("সময়টি আর খালি নেই — খালি সময়গুলো আবার দেখানো হলো।",
          "That time was just taken — the free times are shown again."));
      } else if (open?.id === id && panel.querySelector(".panel-error")) {
        panel.querySelector(".panel-error").textContent = error.text(currentLang());
      } else ctx.notice(error.text(currentLang()));
      return null;
    }
  }

  async function showSlots(message = "") {
    const m = find(open.id);
    panel.replaceChildren(line(say("খালি সময় আনা হচ্ছে…", "Loading free times…")));
    let plan;
    try {
      plan = await api(`${base}/officials/${m.official.slug}/slots?days=3`);
    } catch (error) {
      panel.replaceChildren(line(error.text(currentLang()), "panel-error"));
      return;
    }
    const rows = plan.days.filter((d) => d.slots.length).map((d) => {
      const row = document.createElement("div");
      row.className = "slot-day";
      row.append(line(dayText(d.slots[0].at, ctx.state), "slot-date"));
      row.append(...d.slots.slice(0, SLOTS_PER_DAY).map((s) =>
        choice(timeText(s.at), "at", { at: s.at }, "btn slot")));
      return row;
    });
    const custom = document.createElement("form");
    custom.className = "custom";
    custom.innerHTML = `<label><span></span> <input type="datetime-local" name="at" required></label>
      <button class="btn ghost" type="submit"></button>`;
    custom.querySelector("span").textContent = say("অন্য সময়:", "Another time:");
    custom.querySelector("button").textContent = say("এই সময় দিন", "Give this time");
    custom.addEventListener("submit", (e) => {
      e.preventDefault();
      const action = open.kind === "reschedule" ? "reschedule" : "schedule";
      send(open.id, action, { at: custom.at.value });
    });
    panel.replaceChildren(line(message, "panel-error"), ...rows, custom);
    if (!rows.length) panel.prepend(line(say("সামনের দিনগুলোতে খালি সময় নেই।", "No free times in the coming days.")));
  }

  function showDecline() {
    const text = document.createElement("input");
    text.name = "reason";
    text.maxLength = 300;
    text.placeholder = say("কারণ লিখুন (ঐচ্ছিক), তারপর একটি কারণ বেছে নিন", "Add a note (optional), then pick a reason");
    const reasons = ctx.state.options?.decline_reasons ?? [];
    panel.replaceChildren(line("", "panel-error"), text, ...reasons.map((r) =>
      choice(pick(r), "reason", { code: r.code }, "btn danger")));
    text.focus();
  }

  function showForward() {
    const m = find(open.id);
    const others = (ctx.state.options?.officials ?? []).filter((o) => o.slug !== m.official.slug);
    const select = document.createElement("select");
    select.name = "deadline";
    select.append(...DEADLINES.map(([mins, bn, english]) => {
      const o = document.createElement("option");
      o.value = mins;
      o.textContent = en() ? english : bn;
      return o;
    }));
    const label = line(say("উত্তর দেওয়ার সময়সীমা:", "Answer by:"), "panel-label");
    label.append(" ", select);
    panel.replaceChildren(line("", "panel-error"), label, ...others.map((o) =>
      choice(pick(o), "to", { to: o.slug })));
  }

  function close() {
    open = null;
    panel.remove();
  }

  function toggle(id, kind) {
    if (open?.id === id && open.kind === kind) return close();
    open = { id, kind };
    reattach();
    if (kind === "slots" || kind === "reschedule") showSlots();
    else if (kind === "decline") showDecline();
    else showForward();
  }

  /** After a repaint: the open panel goes back into its row (or closes if the row left). */
  function reattach() {
    if (!open) return;
    const row = document.querySelector(`[data-id="${CSS.escape(open.id)}"]`);
    if (!row) return close();
    row.append(panel);
  }

  async function reveal(id, buttonEl) {
    try {
      const { phone } = await api(`${base}/meetings/${id}/reveal-phone`, { method: "POST" });
      buttonEl.textContent = num(phone);
    } catch (error) {
      if (error.status === 401) return ctx.loggedOut();
      ctx.notice(error.text(currentLang()));
    }
  }

  async function onClick(event) {
    const target = event.target.closest("[data-act]");
    const row = event.target.closest("[data-id]");
    if (row && ctx.state.fresh.delete(row.dataset.id)) row.classList.remove("fresh");
    if (!target || !row) return;
    const id = row.dataset.id;
    const act = target.dataset.act;
    ctx.notice("");
    if (["slots", "reschedule", "decline", "forward"].includes(act)) toggle(id, act);
    else if (act === "at") await send(id, open.kind === "reschedule" ? "reschedule" : "schedule", { at: target.dataset.at });
    else if (act === "reason") await send(id, "decline", { reason_code: target.dataset.code, reason: panel.querySelector("[name=reason]").value });
    else if (act === "to") {
      const minutes = Number(panel.querySelector("[name=deadline]").value);
      const deadline = new Date(Date.now() + ctx.state.skew + minutes * 60000).toISOString();
      await send(id, "forward", { to: target.dataset.to, deadline });
    } else if (act === "phone") await reveal(id, target);
    else if (["attended", "missed", "cancel"].includes(act)) await send(id, act);
  }

  document.getElementById("pending").addEventListener("click", onClick);
  document.getElementById("schedule").addEventListener("click", onClick);
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") close(); });
  return { reattach, close };
}
