// The on-screen letter keyboard for a name or a short note: Bengali letters (vowels,
// consonants, vowel signs), an ABC page for English, big keys, space and backspace. A physical
// keyboard types straight into the same box (inputmode="none" keeps a system keyboard away).

import { bnDigits } from "/static/common/i18n.js";

const SPECIAL = { space: 2, back: 2, switch: 1 };
const BENGALI = [
  ..."১২৩৪৫৬৭৮৯০", "switch",
  ..."অআইঈউঊঋএঐওঔ",
  ..."কখগঘঙচছজঝঞৎ",
  ..."টঠডঢণতথদধনং",
  ..."পফবভমযরলশষঃ",
  ..."\u09be\u09bf\u09c0\u09c1\u09c2\u09c3\u09c7\u09c8\u09cb\u09cc\u09cd",
  ..."সহ", "ড়", "ঢ়", "য়", "ঁ", ".", "space", "back",
];
const LATIN = [
  ..."1234567890", "switch",
  ..."QWERTYUIOP-",
  ..."ASDFGHJKL'.",
  ..."ZXCVBNM", "space", "back",
];
const SIGN = /[\u09be-\u09cd\u0981-\u0983]/;
const BACK_SVG =
  '<svg viewBox="0 0 48 32" aria-hidden="true"><path d="M16 2h28v28H16L2 16z" fill="none" stroke="currentColor" stroke-width="3" stroke-linejoin="round"/><path d="M24 10l12 12M36 10L24 22" stroke="currentColor" stroke-width="3" stroke-linecap="round"/></svg>';

function keyButton(key) {
  const button = document.createElement("button");
  button.type = "button";
  button.tabIndex = -1;
  button.dataset.letter = key;
  button.className = `k-letter${SPECIAL[key] ? ` k-letter-${key}` : ""}${SIGN.test(key) ? " k-letter-sign" : ""}`;
  if (SPECIAL[key]) button.style.gridColumn = `span ${SPECIAL[key]}`;
  if (key === "back") {
    button.innerHTML = BACK_SVG;
    button.setAttribute("aria-label", "⌫");
  } else if (key !== "space" && key !== "switch") { // those two are labelled by render()
    button.textContent = SIGN.test(key) ? `\u25cc${key}` : key;
  }
  return button;
}

/** A keyboard in `root` typing into `input`; `onChange()` runs after every edit. */
export function createLetters(root, input, { onChange }) {
  let page = "bn";

  const render = () => {
    root.replaceChildren(...(page === "bn" ? BENGALI : LATIN).map(keyButton));
    root.dataset.page = page;
    root.querySelector("[data-letter=switch]").textContent = page === "bn" ? "ABC" : "অআক";
    root.querySelector("[data-letter=space]").textContent = page === "bn" ? "ফাঁকা" : "Space";
  };

  const insert = (text) => {
    const { value } = input;
    const start = input.selectionStart ?? value.length;
    const end = input.selectionEnd ?? value.length;
    const next = value.slice(0, start) + text + value.slice(end);
    if (input.maxLength > 0 && next.length > input.maxLength) return;
    input.value = next;
    input.setSelectionRange(start + text.length, start + text.length);
  };

  const press = (key) => {
    if (key === "switch") return setPage(page === "bn" ? "en" : "bn");
    if (key === "back") {
      const start = input.selectionStart ?? input.value.length;
      const end = input.selectionEnd ?? start;
      const from = start === end ? Math.max(0, start - 1) : start;
      input.value = input.value.slice(0, from) + input.value.slice(end);
      input.setSelectionRange(from, from);
    } else if (key === "space") {
      insert(" ");
    } else if (/^[A-Z]$/.test(key)) {
      // Capital at the start of a word, small letters after: "Rahim Uddin".
      const before = input.value.slice(0, input.selectionStart ?? input.value.length);
      insert(/(^|[\s.'-])$/.test(before) ? key : key.toLowerCase());
    } else {
      insert(key);
    }
    onChange();
  };

  // Keep the caret in the box: a tap on a key must not take the focus away.
  root.addEventListener("mousedown", (event) => event.preventDefault());
  root.addEventListener("click", (event) => {
    const button = event.target.closest("[data-letter]");
    if (button) press(button.dataset.letter);
  });
  input.addEventListener("input", onChange);

  function setPage(next) {
    page = next;
    render();
  }
  render();

  return {
    /** Show the page for a language and put the caret at the end of `value`. */
    open(value, maxLength, lang) {
      input.maxLength = maxLength;
      input.value = value;
      setPage(lang === "en" ? "en" : "bn");
      input.focus();
      input.setSelectionRange(value.length, value.length);
      onChange();
    },
    relabel: render,
  };
}

/** "১২/১০০" in the page's digits. */
export function countText(length, max, lang) {
  const text = `${length}/${max}`;
  return lang === "en" ? text : bnDigits(text);
}
