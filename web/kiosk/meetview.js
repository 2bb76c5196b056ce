// What the meeting flow draws: the officials as big name-and-title cards, the purposes as big
// buttons, the confirm card, and the finished request with its number and QR code.

import { bnDigits, bnTime, currentLang, num, pick } from "/static/common/i18n.js";

const en = () => currentLang() === "en";
const el = (tag, className, text) => Object.assign(document.createElement(tag), { className, textContent: text ?? "" });

function hours(official) {
  if (!official.opens || !official.closes) return "";
  if (en()) return `Meets visitors ${official.opens}–${official.closes}`;
  const at = (hhmm) => bnTime(new Date(`2000-01-01T${hhmm}:00+06:00`));
  return `সাক্ষাতের সময় ${at(official.opens)} – ${at(official.closes)}`;
}

export function renderOfficials(root, officials, chosen) {
  root.replaceChildren(...officials.map((o) => {
    const card = el("button", `k-official${o.slug === chosen ? " k-chosen" : ""}`);
    card.type = "button";
    card.dataset.official = o.slug;
    card.append(el("strong", "k-official-name", pick(o)), el("span", "k-official-title", pick(o, "title")));
    const line = [en() ? "" : o.room_bn, hours(o)].filter(Boolean).join(" · ");
    if (line) card.append(el("span", "k-official-hours", line));
    return card;
  }));
}

export function renderPurposes(root, purposes, chosen) {
  root.replaceChildren(...purposes.map((p) => {
    const button = el("button", `k-purpose${p.code === chosen ? " k-chosen" : ""}`, pick(p));
    button.type = "button";
    button.dataset.purpose = p.code;
    button.setAttribute("aria-pressed", String(p.code === chosen));
    return button;
  }));
}

/** "৯ মার্চ, রবিবার" / "Sunday 9 March" for an ISO day. */
export function dayText(iso) {
  const date = new Date(`${iso}T12:00:00+06:00`);
  const part = (opts) => date.toLocaleDateString(en() ? "en-GB" : "bn-BD", { timeZone: "Asia/Dhaka", ...opts });
  if (en()) return part({ weekday: "long", day: "numeric", month: "long" });
  return bnDigits(`${part({ day: "numeric", month: "long" })}, ${part({ weekday: "long" })}`);
}

export function renderSummary(root, { official, name, phone, purpose, details }) {
  const rows = [
    [en() ? "Meeting with" : "সাক্ষাৎ", `${pick(official)} — ${pick(official, "title")}`],
    [en() ? "Name" : "নাম", name],
    [en() ? "Mobile" : "মোবাইল", phone],
    [en() ? "About" : "বিষয়", pick(purpose)],
    [en() ? "Details" : "বিস্তারিত", details],
  ].filter(([, value]) => value);
  const list = el("dl", "k-facts");
  list.append(...rows.flatMap(([label, value]) => [el("dt", "", label), el("dd", "", value)]));
  root.replaceChildren(list);
}

/** The official's day is full: say so and offer the next working day on one button. */
export function renderFull(root, full) {
  const next = full?.next_day;
  root.querySelector(".k-full").hidden = !full;
  root.querySelector(".k-send").hidden = Boolean(full);
  if (!full) return;
  root.querySelector(".k-full-text").textContent = en()
    ? `Today's list is full.${next ? ` Next working day: ${dayText(next)}` : ""}`
    : `আজকের সাক্ষাতের তালিকা পূর্ণ।${next ? ` পরের কর্মদিবস: ${dayText(next)}` : ""}`;
  const later = root.querySelector(".k-send-later");
  later.hidden = !next;
  later.textContent = next ? (en() ? `Send for ${dayText(next)}` : `${dayText(next)}-এর জন্য পাঠান`) : "";
}

/**
 * The finished request: `meeting` is the 201 answer, or the earlier open request when the
 * phone already had one (`existing`).
 */
export function renderMeetDone(root, { meeting, official, existing, day }) {
  const ref = en() ? meeting.ref : meeting.ref_bn;
  let lead = en() ? "Your meeting request number" : "আপনার সাক্ষাতের অনুরোধ নম্বর";
  if (existing) {
    const scheduled = meeting.meeting_status === "scheduled";
    lead = en()
      ? `Your earlier request (${ref}) is ${scheduled ? "already given a time — see your SMS" : "still waiting"}`
      : `আপনার আগের অনুরোধ (${ref}) ${scheduled ? "এর সময় দেওয়া হয়েছে — SMS দেখুন" : "এখনো অপেক্ষমাণ"}`;
  }
  root.querySelector(".k-meet-done-lead").textContent = lead;
  root.querySelector(".k-meet-done-lead").classList.toggle("k-existing", Boolean(existing));
  root.querySelector(".k-meet-ref").textContent = ref;
  const facts = [en()
    ? `${pick(official)} will see your request; the time will come by SMS`
    : `${pick(official)} আপনার অনুরোধ দেখবেন; সময় SMS-এ জানানো হবে`];
  if (day) facts.push(en() ? `For ${dayText(day)}` : `সাক্ষাতের দিন: ${dayText(day)}`);
  if (meeting.position != null) {
    const n = meeting.position;
    facts.push(n
      ? (en() ? `${n} ${n === 1 ? "person" : "people"} before you` : `আপনার আগে ${num(n)} জন`)
      : (en() ? "Nobody before you" : "আপনার আগে কেউ নেই"));
  }
  root.querySelector(".k-meet-facts").replaceChildren(...facts.map((text) => el("p", "", text)));
  const qr = root.querySelector(".k-meet-qr");
  const src = `/m/${encodeURIComponent(meeting.id)}/qr.svg`;
  if (qr.getAttribute("src") !== src) qr.src = src;
  root.querySelector(".k-meet-link").textContent = `${location.host}/m/${meeting.id}`;
}
