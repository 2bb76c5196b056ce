// The service grid: each tile with its icon, the people waiting and the expected wait, from
// the live snapshot. Closed services are greyed out and cannot be chosen.

import { currentLang, minutes, num, pick } from "/static/common/i18n.js";
import { icon } from "./icons.js";

/** The tiles that are not counter services: a meeting request, and what is coming soon. */
export const EXTRA_TILES = [
  {
    code: "meet",
    icon: "meet",
    name_bn: "জেলা প্রশাসক / কর্মকর্তার সাথে সাক্ষাৎ",
    name_en: "Meet the DC / an official",
    meta_bn: "কর্মকর্তার কাছে অনুরোধ পাঠান",
    meta_en: "Send a request to an official",
  },
  { code: "complaint", icon: "complaint", name_bn: "অভিযোগ দাখিল", name_en: "File a complaint", soon: true },
];

function waitLine(service) {
  const bn = currentLang() === "bn";
  if (!service.open) return bn ? "এখন বন্ধ" : "Closed now";
  const people = bn ? `অপেক্ষায় ${num(service.waiting)} জন` : `${service.waiting} waiting`;
  const eta = service.eta_minutes > 0 ? minutes(service.eta_minutes) : bn ? "এখনই" : "now";
  return `${people} · ${bn ? "আনুমানিক" : "about"} ${eta}`;
}

function tile(service, extra) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = `k-tile${extra ? ` k-tile-${service.soon ? "extra" : service.code}` : ""}`;
  button.dataset.service = service.code;
  button.disabled = !extra && !service.open;
  button.setAttribute("aria-disabled", String(button.disabled));
  const name = document.createElement("span");
  name.className = "k-tile-name";
  name.textContent = pick(service);
  const meta = document.createElement("span");
  meta.className = "k-tile-meta";
  meta.textContent = !extra ? waitLine(service)
    : service.soon ? (currentLang() === "bn" ? "শীঘ্রই আসছে" : "Coming soon") : pick(service, "meta");
  button.innerHTML = icon(service.icon);
  button.append(name, meta);
  return button;
}

export function renderGrid(root, services) {
  root.replaceChildren(
    ...services.map((s) => tile(s, false)),
    ...EXTRA_TILES.map((s) => tile(s, true)),
  );
}

/** The confirm card: service, what to bring (from the citizen's charter), fee and time. */
export function renderConfirm(root, service) {
  const bn = currentLang() === "bn";
  const docs = (bn ? service.documents_bn : service.documents_en?.length ? service.documents_en : service.documents_bn) ?? [];
  const rows = [
    [bn ? "ফি" : "Fee", pick(service, "fee")],
    [bn ? "সেবা প্রদানের সময়" : "Time to deliver", pick(service, "max_time")],
    [bn ? "অপেক্ষা" : "Waiting", waitLine(service)],
  ].filter(([, value]) => value);
  root.innerHTML = `${icon(service.icon)}<h2 class="k-confirm-name"></h2>
    <h3>${bn ? "সঙ্গে আনুন" : "Please bring"}</h3><ul class="k-docs"></ul><dl class="k-facts"></dl>`;
  root.querySelector(".k-confirm-name").textContent = pick(service);
  root.querySelector(".k-docs").replaceChildren(
    ...docs.map((d) => Object.assign(document.createElement("li"), { textContent: d })),
  );
  root.querySelector(".k-facts").replaceChildren(
    ...rows.flatMap(([label, value]) => [
      Object.assign(document.createElement("dt"), { textContent: label }),
      Object.assign(document.createElement("dd"), { textContent: value }),
    ]),
  );
}
