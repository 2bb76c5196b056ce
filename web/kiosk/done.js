// The printed token on screen: number, counter, people ahead, wait, QR of the tracking link,
// and what to do when the printer could not print it.

import { currentLang, minutes, num } from "/static/common/i18n.js";

export function renderDone(root, token, printer) {
  if (!token) return;
  const bn = currentLang() === "bn";
  root.querySelector(".k-token").textContent = bn ? token.display_bn : token.display;
  const ahead = Math.max(0, (token.position ?? 1) - 1);
  const facts = [];
  if (token.counter) facts.push(["k-counter", bn ? `কাউন্টার ${num(token.counter)}` : `Counter ${token.counter}`]);
  facts.push(["", ahead
    ? (bn ? `আপনার আগে ${num(ahead)} জন` : `${ahead} ${ahead === 1 ? "person" : "people"} ahead of you`)
    : (bn ? "আপনার আগে কেউ নেই" : "Nobody ahead of you")]);
  facts.push(["", `${bn ? "আনুমানিক অপেক্ষা" : "Estimated wait"}: ${
    token.eta_minutes ? minutes(token.eta_minutes) : bn ? "এক মিনিটেরও কম" : "under a minute"}`]);
  root.querySelector(".k-done-facts").replaceChildren(
    ...facts.map(([cls, text]) => Object.assign(document.createElement("p"), { className: cls, textContent: text })),
  );
  const qr = root.querySelector(".k-qr");
  const src = `/t/${encodeURIComponent(token.id)}/qr.svg`;
  if (qr.getAttribute("src") !== src) qr.src = src;
  root.querySelector(".k-printer-down").hidden = !printer || printer.state === "ok";
}
