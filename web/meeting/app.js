// The citizen's meeting page: what happened to their request, in Bengali first. Meeting
// events never reach public channels, so this page polls its own meeting every 20 s and
// whenever the phone brings it back to the screen.

import { api } from "/static/common/api.js";
import { bnTime, currentLang, installToggle, num, onLangChange, pick } from "/static/common/i18n.js";

const POLL_MS = 20000;
const boot = JSON.parse(document.getElementById("sheba-boot").textContent);
const reasons = boot.reasons ?? {};
let meeting = boot.meeting;
let checkedAt = new Date();
const $ = (id) => document.getElementById(id);
const en = () => currentLang() === "en";

function when(iso) {
  const date = new Date(iso);
  const day = date.toLocaleDateString(en() ? "en-GB" : "bn-BD", {
    timeZone: "Asia/Dhaka", weekday: "long", day: "numeric", month: "long",
  });
  const time = en()
    ? date.toLocaleTimeString("en-GB", { timeZone: "Asia/Dhaka", hour: "numeric", minute: "2-digit", hour12: true })
    : bnTime(date);
  return `${day} · ${time}`;
}

function who(m) {
  return pick(m.official) || (en() ? "The official" : "কর্মকর্তা");
}

function reasonText(m) {
  const label = reasons[m.reason_code]?.[currentLang()] ?? "";
  return [label, m.reason].filter(Boolean).join(" — ");
}

/** [headline, detail, the meeting's time if any] for the meeting's state. */
function describe(m) {
  const name = who(m);
  const room = m.official?.room_bn ? (en() ? "" : ` স্থান: ${m.official.room_bn}।`) : "";
  switch (m.status) {
    case "scheduled":
      return en()
        ? ["Your meeting time is set", `${name} will see you. Please come ten minutes early.`, when(m.at)]
        : ["আপনার সাক্ষাতের সময় নির্ধারিত হয়েছে", `${name} আপনার সাথে দেখা করবেন। দশ মিনিট আগে আসুন।${room}`, when(m.at)];
    case "declined":
      return en()
        ? ["Sorry, the meeting could not be given", reasonText(m)]
        : ["দুঃখিত, সাক্ষাৎ দেওয়া সম্ভব হয়নি", reasonText(m)];
    case "cancelled":
      return en() ? ["The request was cancelled", ""] : ["অনুরোধটি বাতিল করা হয়েছে", ""];
    case "attended":
      return en() ? ["The meeting took place", "Thank you."] : ["সাক্ষাৎ সম্পন্ন হয়েছে", "ধন্যবাদ।"];
    case "missed":
      return en()
        ? ["You did not come at the given time", "You may ask again at the kiosk."]
        : ["নির্ধারিত সময়ে আপনি আসেননি", "প্রয়োজনে কিয়স্ক থেকে আবার অনুরোধ করুন।"];
    default: {
      const ahead = m.position ? (en() ? ` ${m.position} requests are before yours.` : ` আপনার আগে ${num(m.position)}টি অনুরোধ আছে।`) : "";
      if (m.seen) {
        return en()
          ? [`${name} has seen your request`, `A time will come to you by SMS.${ahead}`]
          : [`${name} আপনার অনুরোধ দেখেছেন`, `সময় দেওয়া হলে এসএমএস পাবেন।${ahead}`];
      }
      if (m.forwarded) {
        return en()
          ? [`Your request was passed to ${name}`, `A time will come to you by SMS.${ahead}`]
          : [`আপনার অনুরোধটি ${name}-এর কাছে পাঠানো হয়েছে`, `সময় দেওয়া হলে এসএমএস পাবেন।${ahead}`];
      }
      return en()
        ? [`Your request has reached ${name}`, `Waiting for a reply; it comes by SMS.${ahead}`]
        : [`আপনার অনুরোধ ${name}-এর কাছে পৌঁছেছে`, `উত্তরের অপেক্ষায়; উত্তর এসএমএস-এ যাবে।${ahead}`];
    }
  }
}

function steps(m) {
  const answered = !["pending"].includes(m.status);
  const list = [
    [true, en() ? `Request made, ${when(m.requested_at)}` : `অনুরোধ জমা, ${when(m.requested_at)}`],
    [m.seen || answered, en() ? "Seen by the official" : "কর্মকর্তা দেখেছেন"],
    [answered, en() ? "Answered" : "উত্তর দেওয়া হয়েছে"],
  ];
  return list.map(([done, text]) => {
    const li = document.createElement("li");
    li.className = done ? "done" : "";
    li.textContent = text;
    return li;
  });
}

function render() {
  const [headline, detail, moment = ""] = describe(meeting);
  $("when").textContent = moment;
  $("ref").textContent = en() ? meeting.ref : meeting.ref_bn;
  $("headline").textContent = headline;
  $("detail").textContent = detail;
  $("status").dataset.status = meeting.seen && meeting.status === "pending" ? "seen" : meeting.status;
  $("steps").replaceChildren(...steps(meeting));
  const at = en() ? checkedAt.toLocaleTimeString("en-GB", { timeZone: "Asia/Dhaka" }) : bnTime(checkedAt);
  $("checked").textContent = en() ? `Checked at ${at}` : `সর্বশেষ দেখা: ${at}`;
}

async function poll() {
  try {
    meeting = await api(`/api/v1/meetings/${encodeURIComponent(meeting.id)}`);
    checkedAt = new Date();
    render();
  } catch (error) {
    if (error.status === 404) location.reload();
  }
}

installToggle(document.querySelector(".lang-toggle"));
onLangChange(render);
render();
setInterval(() => { if (!document.hidden) poll(); }, POLL_MS);
document.addEventListener("visibilitychange", () => { if (!document.hidden) poll(); });
