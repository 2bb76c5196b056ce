// The phone keypad: Bengali digits on big keys, a physical keyboard too, the number grouped
// as it is typed (০১৭১২-৩৪৫৬৭৮), and the same rule the server applies.

import { bnDigits, latinDigits, num } from "/static/common/i18n.js";

export const PHONE_DIGITS = 11;
const VALID = /^01[3-9]\d{8}$/;

/** "01712345678" → "01712-345678" (Latin digits; pages pass it through num()). */
export function groupPhone(digits) {
  return digits.length > 5 ? `${digits.slice(0, 5)}-${digits.slice(5)}` : digits;
}

export function validPhone(digits) {
  return VALID.test(digits);
}

/**
 * A keypad inside `root` that edits a string of Latin digits. `onChange(digits)` runs after
 * every edit; `onEnter()` when Enter is pressed on a physical keyboard.
 */
export function createKeypad(root, { onChange, onEnter }) {
  let digits = "";
  const keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "back"];
  root.replaceChildren(
    ...keys.map((key) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = `k-key k-key-${/\d/.test(key) ? "digit" : key}`;
      button.dataset.key = key;
      if (key === "clear") {
        button.dataset.bn = "মুছুন";
        button.dataset.en = "Clear";
      } else if (key === "back") {
        button.innerHTML =
          '<svg viewBox="0 0 48 32" aria-hidden="true"><path d="M16 2h28v28H16L2 16z" fill="none" stroke="currentColor" stroke-width="3" stroke-linejoin="round"/><path d="M24 10l12 12M36 10L24 22" stroke="currentColor" stroke-width="3" stroke-linecap="round"/></svg>';
        button.setAttribute("aria-label", "⌫");
      } else {
        button.textContent = bnDigits(key);
      }
      return button;
    }),
  );

  const set = (next) => {
    digits = next.slice(0, PHONE_DIGITS);
    onChange(digits);
  };
  const press = (key) => {
    if (key === "clear") set("");
    else if (key === "back") set(digits.slice(0, -1));
    else if (/^\d$/.test(key) && digits.length < PHONE_DIGITS) set(digits + key);
  };

  root.addEventListener("click", (event) => {
    const button = event.target.closest("[data-key]");
    if (button) press(button.dataset.key);
  });

  return {
    get value() {
      return digits;
    },
    clear: () => set(""),
    /** Keys from a physical keyboard, Latin or Bengali digits; true when handled. */
    key(event) {
      const key = latinDigits(event.key);
      if (/^\d$/.test(key)) press(key);
      else if (event.key === "Backspace") press("back");
      else if (event.key === "Delete" || event.key === "Escape") press("clear");
      else if (event.key === "Enter") onEnter();
      else return false;
      return true;
    },
  };
}

/** What the number box shows: the grouped number, or a placeholder pattern. */
export function phoneText(digits) {
  return digits ? num(groupPhone(digits)) : num("01XXX-XXXXXX").replace(/X/g, "_");
}
