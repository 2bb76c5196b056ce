// A citizen's tracking page (/t/{id}): live status, place in the queue, wait and counter,
// and a big green "your turn" with vibration and a beep when a counter calls the token.

import { api } from "/static/common/api.js";
import { clock, currentLang, installToggle, minutes, num, onLangChange, pick } from "/static/common/i18n.js";
import { alertTurn, soundReady, unlockSound } from "./alert.js";

const $ = (s) => document.querySelector(s);
const boot = JSON.parse($("#sheba-boot").textContent);
const office = document.body.dataset.office;
const POLL_MS = 15_000;
const CALLED = new Set(["called"]);
let token = boot.token;
let alertedAt = null;

const counterName = (n) => {
  const c = boot.counters.find((x) => x.number === n);
  return c ? pick(c) : (currentLang() === "bn" ? `কাউন্টার ${num(n)}` : `Counter ${n}`);
};

function words(t) {
  const bn = currentLang() === "bn";
  const counter = t.counter ? counterName(t.counter) : null;
  switch (t.status) {
    case "waiting": {
      const ahead = Math.max(0, (t.position ?? 1) - 1);
      return [bn ? "অপেক্ষায় আছেন" : "You are in the queue",
        ahead ? (bn ? `আপনার আগে ${num(ahead)} জন` : `${ahead} ahead of you`)
              : (bn ? "আপনিই পরবর্তী" : "You are next")];
    }
    case "called":
      return [bn ? `আপনার পালা! ${counter ?? "কাউন্টার"}-এ যান` : `Your turn! Go to ${counter ?? "the counter"}`,
        bn ? "দেরি করবেন না, আপনাকে ডাকা হচ্ছে।" : "Please go now: you are being called."];
    case "serving": return [bn ? "সেবা চলছে" : "Being served", counter ?? ""];
    case "completed": return [bn ? "সেবা সম্পন্ন হয়েছে" : "Service completed", bn ? "ধন্যবাদ।" : "Thank you."];
    case "no_show": return [bn ? "ডাকার সময় আপনাকে পাওয়া যায়নি" : "You were called but not found",
      bn ? "তথ্য কেন্দ্রে যোগাযোগ করুন।" : "Please ask at the help desk."];
    case "parked": return [bn ? "অপেক্ষমাণ রাখা হয়েছে" : "On hold", bn ? "কাউন্টার আবার ডাকবে।" : "The counter will call you again."];
    default: return [bn ? "টোকেনটি আর চালু নেই" : "This token is no longer active", ""];
  }
}

function render() {
  const bn = currentLang() === "bn";
  $(".t-main").dataset.status = token.status;
  $(".t-number").textContent = bn ? token.display_bn : token.display;
  $(".t-service").textContent = pick(boot.service);
  const [headline, detail] = words(token);
  $(".t-headline").textContent = headline;
  $(".t-detail").textContent = detail;
  const facts = [];
  if (token.status === "waiting" && token.eta_minutes != null)
    facts.push([bn ? "আনুমানিক অপেক্ষা" : "Estimated wait", token.eta_minutes ? minutes(token.eta_minutes) : (bn ? "এক মিনিটেরও কম" : "under a minute")]);
  if (token.counter) facts.push([bn ? "কাউন্টার" : "Counter", counterName(token.counter)]);
  if (token.issued_at) facts.push([bn ? "টোকেন নেওয়ার সময়" : "Taken at", clock(token.issued_at)]);
  $(".t-facts").replaceChildren(...facts.flatMap(([k, v]) => [
    Object.assign(document.createElement("dt"), { textContent: k }),
    Object.assign(document.createElement("dd"), { textContent: v }),
  ]));
  $(".t-sound").hidden = soundReady() || !["waiting", "parked"].includes(token.status);
  $(".t-updated").textContent = `${bn ? "হালনাগাদ" : "Updated"} ${clock(new Date())}`;
}

async function refresh() {
  try {
    const next = await api(`/api/v1/tokens/${encodeURIComponent(token.id)}`);
    const calledNow = CALLED.has(next.status) && next.called_at !== alertedAt;
    token = next;
    if (calledNow) {
      alertedAt = next.called_at;
      alertTurn();
    }
    render();
  } catch { /* offline for a moment: the next event or poll tries again */ }
}

let soon;
const refreshSoon = () => { clearTimeout(soon); soon = setTimeout(refresh, 300); };

function onEvent(event) {
  const mine = event.data?.token?.id === token.id;
  if (mine && event.type === "token.recalled") alertedAt = null; // a recall alerts again
  if (mine || (token.status === "waiting" && event.type.startsWith("token."))) refreshSoon();
}

$(".t-sound").addEventListener("click", () => unlockSound().then(render));
installToggle($(".lang-toggle"));
onLangChange(render);
if (CALLED.has(token.status)) alertedAt = token.called_at;
render();

import("/static/common/realtime.js")
  .then(({ connect }) => {
    connect({ office, channel: "display", onSnapshot: refreshSoon, onEvent, onStatus() {} });
    setInterval(refresh, POLL_MS * 4);
  })
  .catch(() => setInterval(refresh, POLL_MS));
