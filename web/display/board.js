// The hall board: one tile per counter and a strip of recent calls. DOM nodes are made once
// and updated in place, so weeks of events never grow the page.

import { bnDigits } from "/static/common/i18n.js";

const RECENT_SHOWN = 8;
const FLASH_MS = 5000;
const STATE_BN = { open: "অপেক্ষা করুন", paused: "বিরতি", closed: "বন্ধ" };

function el(tag, className, text = "") {
  const node = document.createElement(tag);
  node.className = className;
  node.textContent = text;
  return node;
}

export function createBoard(tilesRoot, recentRoot) {
  const tiles = new Map();
  const flashTimers = new Map();
  const slots = [];
  for (let i = 0; i < RECENT_SHOWN; i += 1) {
    const item = el("li", "recent-item");
    const token = el("span", "recent-token");
    const arrow = el("span", "recent-arrow", "→");
    const counter = el("span", "recent-counter");
    const label = el("small", "recent-label", "কাউন্টার");
    const number = el("span", "recent-number");
    counter.append(label, number);
    item.append(token, arrow, counter);
    recentRoot.append(item);
    slots.push({ item, token, number });
  }

  function tile(counter) {
    let parts = tiles.get(counter.number);
    if (!parts) {
      const root = el("article", "tile");
      root.dataset.counter = counter.number;
      const name = el("h2", "tile-name", `কাউন্টার ${bnDigits(counter.number)}`);
      const token = el("div", "tile-token");
      const note = el("div", "tile-note");
      root.append(name, token, note);
      tilesRoot.append(root);
      parts = { root, token, note };
      tiles.set(counter.number, parts);
    }
    return parts;
  }

  function render(state) {
    for (const counter of state.counters ?? []) {
      const { root, token, note } = tile(counter);
      const shown = counter.state === "open" && counter.token ? counter.token.display_bn : "";
      root.dataset.state = counter.state;
      root.classList.toggle("has-token", Boolean(shown));
      const text = shown || (counter.state === "open" ? "—" : "");
      if (token.textContent !== text) token.textContent = text;
      const serving = counter.token?.status === "serving";
      note.textContent = counter.state !== "open" ? STATE_BN[counter.state] ?? counter.state
        : shown ? (serving ? "সেবা চলছে" : "আসুন") : STATE_BN.open;
    }
    const recent = state.recent ?? [];
    slots.forEach((slot, i) => {
      const call = recent[i];
      slot.item.hidden = !call;
      if (!call) return;
      slot.token.textContent = call.token.display_bn;
      slot.number.textContent = bnDigits(call.counter);
    });
  }

  function flash(number) {
    const parts = tiles.get(number);
    if (!parts) return;
    clearTimeout(flashTimers.get(number));
    parts.root.classList.remove("flash");
    void parts.root.offsetWidth; // restart the animation on a second call
    parts.root.classList.add("flash");
    flashTimers.set(number, setTimeout(() => parts.root.classList.remove("flash"), FLASH_MS));
  }

  return { render, flash };
}
