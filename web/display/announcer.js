// Calls are announced one after another, never overlapping and never dropped: a chime, then
// the server's espeak-ng clip; without it speechSynthesis (if it has the voice), else the
// chime alone. Every sound goes through the one <audio> element, so its src shows what played.

import { bnDigits } from "/static/common/i18n.js";

// A clip that neither ends nor fails in this time is abandoned, so the queue never sticks.
const CLIP_TIMEOUT_MS = 20000;
const MAX_QUEUED = 50;
const CHIME = "/api/v1/announce/chime.wav";

export function createAnnouncer({ audio, office, english = false }) {
  const queue = [];
  let busy = false;

  function play(src) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(false), CLIP_TIMEOUT_MS);
      function done(ok) {
        clearTimeout(timer);
        audio.onended = null;
        audio.onerror = null;
        if (ok) resolve(); else reject(new Error(`could not play ${src}`));
      }
      audio.onended = () => done(true);
      audio.onerror = () => done(false);
      audio.src = src;
      audio.play().catch(() => done(false));
    });
  }

  function speak(text, lang) {
    const synth = window.speechSynthesis;
    const voice = synth?.getVoices().find((v) => v.lang.toLowerCase().startsWith(lang));
    if (!voice) return Promise.resolve();
    return new Promise((resolve) => {
      const utterance = new SpeechSynthesisUtterance(text);
      utterance.voice = voice;
      utterance.lang = voice.lang;
      utterance.onend = utterance.onerror = () => resolve();
      synth.speak(utterance);
      setTimeout(resolve, CLIP_TIMEOUT_MS);
    });
  }

  async function announce({ token, counter }) {
    const base = `/api/v1/offices/${office}/announce/${encodeURIComponent(token.display)}/${counter}.wav`;
    const prefixBn = String(token.display_bn ?? "").split("-")[0];
    await play(CHIME).catch(() => {});
    await play(base).catch(() =>
      speak(`টোকেন নম্বর ${prefixBn} ${bnDigits(token.number)}, কাউন্টার ${bnDigits(counter)}`, "bn"));
    if (english) {
      const prefix = String(token.display).split("-")[0];
      await play(`${base}?lang=en`).catch(() =>
        speak(`Token number ${prefix} ${token.number}, counter ${counter}`, "en"));
    }
  }

  async function drain() {
    if (busy) return;
    busy = true;
    while (queue.length) {
      const next = queue.shift();
      try {
        await announce(next);
      } catch (error) {
        console.warn("announcement failed", error);
      }
    }
    busy = false;
  }

  return {
    /** Queue one call: `{token, counter}`. */
    say(call) {
      if (queue.length >= MAX_QUEUED) queue.shift();
      queue.push(call);
      drain();
    },
    pending: () => queue.length + (busy ? 1 : 0),
  };
}
