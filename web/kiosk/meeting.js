// "Meet an official" at the kiosk, after the phone number: official → name → purpose (and a
// short optional note) → confirm → the request's number. The meetings API takes no
// Idempotency-Key, so the send button stays disabled while a request is on its way.

import { api } from "/static/common/api.js";
import { currentLang, num } from "/static/common/i18n.js";
import { countText, createLetters } from "./letters.js";
import { renderFull, renderMeetDone, renderOfficials, renderPurposes, renderSummary } from "./meetview.js";

const NAME_MAX = 100;
const say = (bn, en) => (currentLang() === "en" ? en : bn);

export function createMeetingFlow({ root, office, key, show, phone, phoneText, onPhoneError, doneSecs, onHome }) {
  const $ = (selector) => root.querySelector(selector);
  const input = $(".k-text-input");
  const letters = createLetters($(".k-letters"), input, {
    onChange() {
      $(".k-text-count").textContent = countText(input.value.length, input.maxLength, currentLang());
      $(".k-text-error").textContent = "";
    },
  });
  let options = { officials: [], purposes: [], details_max_chars: 300 };
  let s = {};
  let timer;

  const official = () => options.officials.find((o) => o.slug === s.official);
  const purpose = () => options.purposes.find((p) => p.code === s.purpose);
  const error = (selector, apiError) => { $(selector).textContent = apiError.text(currentLang()); };

  function reset() {
    clearInterval(timer);
    s = { official: null, name: "", purpose: null, details: "", field: "name", full: null, sending: false };
    for (const line of root.querySelectorAll(".k-meet .error-line")) line.textContent = "";
    $(".k-full").hidden = true;
  }

  async function start() {
    reset();
    $(".k-officials").replaceChildren();
    show("meet-official");
    try {
      options = await api(`/api/v1/offices/${office}/meeting-options`, { key });
      renderOfficials($(".k-officials"), options.officials, s.official);
    } catch (e) {
      error(".k-meet-official-error", e);
    }
  }

  const textTitle = () => {
    $(".k-text-title").textContent = s.field === "name"
      ? say("আপনার নাম লিখুন", "Write your name")
      : say("বিস্তারিত লিখুন (ঐচ্ছিক)", "Write a few details (optional)");
    $(".k-text-count").textContent = countText(input.value.length, input.maxLength, currentLang());
  };

  function openText(field) {
    s.field = field;
    textTitle();
    show("meet-text");
    letters.open(s[field], field === "name" ? NAME_MAX : options.details_max_chars, currentLang());
  }

  function textNext() {
    const value = input.value.trim();
    if (s.field === "name" && !value) {
      $(".k-text-error").textContent = say("আপনার নাম লিখুন।", "Please write your name.");
      return;
    }
    s[s.field] = value;
    openPurpose();
  }

  function openPurpose() {
    renderPurposes($(".k-purposes"), options.purposes, s.purpose);
    $(".k-details-text").textContent = s.details;
    show("meet-purpose");
  }

  function openConfirm() {
    if (!s.purpose) {
      $(".k-purpose-error").textContent = say("সাক্ষাতের বিষয় বেছে নিন।", "Choose what it is about.");
      return;
    }
    s.full = null;
    renderConfirmScreen();
    show("meet-confirm");
  }

  function renderConfirmScreen() {
    renderSummary($(".k-meet-summary"), {
      official: official(), name: s.name, phone: phoneText(), purpose: purpose(), details: s.details,
    });
    renderFull(root, s.full);
  }

  async function send(day) {
    if (s.sending) return;
    s.sending = true;
    for (const b of root.querySelectorAll(".k-send, .k-send-later")) b.disabled = true;
    $(".k-meet-error").textContent = "";
    const body = { official: s.official, phone: phone(), name: s.name, purpose: s.purpose, details: s.details, lang: currentLang() };
    if (day) body.day = day;
    try {
      s.done = { meeting: await api(`/api/v1/offices/${office}/meetings`, { method: "POST", body, key }), day };
      finish();
    } catch (e) {
      if (e.code === "already_requested") {
        s.done = { meeting: e.details, existing: true };
        finish();
        api(`/api/v1/meetings/${encodeURIComponent(e.details.id)}`)
          .then((m) => {
            if (s.done?.existing && s.done.meeting.id === m.id) {
              s.done.meeting = { ...e.details, position: m.position };
              draw();
            }
          })
          .catch(() => {});
      } else if (e.code === "official_full") {
        s.full = e.details;
        renderConfirmScreen();
      } else if (e.code === "invalid_phone" || e.field === "phone") {
        onPhoneError(e);
      } else if (e.field === "name" || e.field === "details") {
        openText(e.field);
        error(".k-text-error", e);
      } else {
        error(".k-meet-error", e);
      }
    } finally {
      s.sending = false;
      for (const b of root.querySelectorAll(".k-send, .k-send-later")) b.disabled = false;
    }
  }

  const draw = () => renderMeetDone(root, { ...s.done, official: official() });

  function finish() {
    draw();
    show("meet-done");
    let left = doneSecs;
    const tick = () => {
      $(".k-meet-countdown").textContent = `(${num(left)})`;
      if (left-- <= 0) onHome();
    };
    tick();
    timer = setInterval(tick, 1000);
  }

  const actions = {
    "back-services-list": () => show("services"),
    "text-back": () => (s.field === "name" ? show("meet-official") : openPurpose()),
    "text-next": textNext,
    "edit-details": () => openText("details"),
    "purpose-back": () => openText("name"),
    "purpose-next": openConfirm,
    "confirm-back": openPurpose,
    "send-meeting": () => send(null),
    "send-later": () => send(s.full?.next_day),
  };

  return {
    start,
    reset,
    get busy() { return s.sending; },
    /** A tap inside the flow; true when it was one of ours. */
    click(target) {
      const card = target.closest(".k-official");
      if (card) { s.official = card.dataset.official; openText("name"); return true; }
      const button = target.closest(".k-purpose");
      if (button) {
        s.purpose = button.dataset.purpose;
        $(".k-purpose-error").textContent = "";
        renderPurposes($(".k-purposes"), options.purposes, s.purpose);
        return true;
      }
      const action = actions[target.closest("[data-action]")?.dataset.action];
      if (action) action();
      return Boolean(action);
    },
    /** Enter on a physical keyboard moves on from the name or note. */
    key(event, screen) {
      if (screen === "meet-text" && event.key === "Enter") { textNext(); return true; }
      return false;
    },
    rerender(screen) {
      if (screen === "meet-official") renderOfficials($(".k-officials"), options.officials, s.official);
      if (screen === "meet-text") textTitle();
      if (screen === "meet-purpose") openPurpose();
      if (screen === "meet-confirm") renderConfirmScreen();
      if (screen === "meet-done") draw();
    },
  };
}
