// Bengali first, English a toggle away; Bengali digits everywhere a citizen reads a number.

const BN_DIGITS = "০১২৩৪৫৬৭৮৯";
const STORE_KEY = "sheba.lang";

export function bnDigits(value) {
  return String(value).replace(/[0-9]/g, (d) => BN_DIGITS[d]);
}

export function latinDigits(value) {
  return String(value).replace(/[০-৯]/g, (d) => String(BN_DIGITS.indexOf(d)));
}

let lang = localStorage.getItem(STORE_KEY) === "en" ? "en" : "bn";
const listeners = new Set();

export function currentLang() {
  return lang;
}

export function setLang(next) {
  lang = next === "en" ? "en" : "bn";
  localStorage.setItem(STORE_KEY, lang);
  document.documentElement.lang = lang;
  for (const listener of listeners) listener(lang);
}

export function onLangChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** A number as the current language writes it. */
export function num(value) {
  return lang === "bn" ? bnDigits(value) : String(value);
}

/** Pick the right language from a `{bn, en}` pair, or from `name_bn`/`name_en` fields. */
export function pick(pair, field = "name") {
  if (pair == null) return "";
  if (typeof pair === "string") return pair;
  return pair[`${field}_${lang}`] ?? pair[lang] ?? pair[`${field}_bn`] ?? pair.bn ?? "";
}

/**
 * Translate every element carrying data-bn/data-en attributes, and wire a `.lang-toggle`
 * button. Pages call this once; re-rendered parts use pick() and num().
 */
export function applyStatic(root = document) {
  for (const el of root.querySelectorAll("[data-bn]")) {
    el.textContent = lang === "en" && el.dataset.en ? el.dataset.en : el.dataset.bn;
  }
  for (const el of root.querySelectorAll("[data-placeholder-bn]")) {
    el.placeholder = lang === "en" ? el.dataset.placeholderEn : el.dataset.placeholderBn;
  }
}

export function installToggle(button) {
  const label = () => { button.textContent = lang === "bn" ? "English" : "বাংলা"; };
  label();
  button.addEventListener("click", () => setLang(lang === "bn" ? "en" : "bn"));
  onLangChange(() => { label(); applyStatic(); });
  document.documentElement.lang = lang;
  applyStatic();
}

/** A time as "সকাল ১০:১৫" / "10:15 am" in the office's timezone. */
export function clock(iso, withDate = false) {
  const date = iso instanceof Date ? iso : new Date(iso);
  if (lang !== "bn") {
    const opts = { hour: "numeric", minute: "2-digit", timeZone: "Asia/Dhaka" };
    if (withDate) Object.assign(opts, { day: "numeric", month: "long" });
    return date.toLocaleString("en-GB", opts);
  }
  // Browsers write "AM/PM" even in bn-BD; Bangladesh says the part of the day instead,
  // as the printed ticket does (server/bengali.py bn_time).
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", {
      hour: "numeric", minute: "2-digit", hourCycle: "h23", timeZone: "Asia/Dhaka",
    }).formatToParts(date).map((p) => [p.type, p.value]),
  );
  const hour = Number(parts.hour);
  const part = hour < 5 ? "রাত" : hour < 12 ? "সকাল" : hour < 15 ? "দুপুর"
    : hour < 18 ? "বিকাল" : hour < 20 ? "সন্ধ্যা" : "রাত";
  const time = `${part} ${bnDigits(`${hour % 12 || 12}:${parts.minute}`)}`;
  if (!withDate) return time;
  const day = date.toLocaleString("bn-BD", { day: "numeric", month: "long", timeZone: "Asia/Dhaka" });
  return `${day}, ${time}`;
}

/** Minutes as "১২ মিনিট" / "12 min", hours when long. */
export function minutes(value) {
  const m = Math.max(0, Math.round(value));
  if (m < 60) return lang === "bn" ? `${bnDigits(m)} মিনিট` : `${m} min`;
  const h = Math.floor(m / 60);
  const rest = m % 60;
  return lang === "bn"
    ? `${bnDigits(h)} ঘণ্টা${rest ? ` ${bnDigits(rest)} মিনিট` : ""}`
    : `${h} h${rest ? ` ${rest} min` : ""}`;
}

/** "সকাল ১০:১৫" in Dhaka time, the way it is said in Bangladesh (Intl's bn-BD says "AM"). */
export function bnTime(date = new Date(), withSeconds = false) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-GB", {
    timeZone: "Asia/Dhaka", hour: "numeric", minute: "2-digit", second: "2-digit", hourCycle: "h23",
  }).formatToParts(date).map((p) => [p.type, p.value]));
  const hour = Number(parts.hour);
  const part = hour < 5 ? "রাত" : hour < 12 ? "সকাল" : hour < 15 ? "দুপুর"
    : hour < 18 ? "বিকাল" : hour < 20 ? "সন্ধ্যা" : "রাত";
  const time = `${hour % 12 || 12}:${parts.minute}${withSeconds ? `:${parts.second}` : ""}`;
  return `${part} ${bnDigits(time)}`;
}
