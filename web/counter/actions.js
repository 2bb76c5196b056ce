// What the buttons and keys do: one HTTP command each, then a fresh look at the counter.
// A 409 means someone (another tab, a colleague) acted first: refresh and say so.

import { api } from "/static/common/api.js";
import { currentLang, num, pick } from "/static/common/i18n.js";
import { ACTIONS, tokenLabel } from "./console.js";

const KEYS = new Map(ACTIONS.flatMap((a) => a.keys.map((k) => [k === "Space" ? " " : k.toLowerCase(), a.id])));

/**
 * ctx: { office, officeInfo, counter(), view(), refresh(), notice(text), loggedOut() }
 */
export function createActions(ctx) {
  const base = `/api/v1/offices/${ctx.office}`;
  const dialog = document.getElementById("transfer");
  const lang = () => currentLang();

  async function send(path, body) {
    try {
      const result = await api(`${base}${path}`, { method: "POST", body });
      await ctx.refresh();
      return result;
    } catch (error) {
      if (error.status === 401) return ctx.loggedOut();
      if (error.status === 409) {
        await ctx.refresh();
        ctx.notice(lang() === "en"
          ? `Someone else acted first; the counter is up to date again. (${error.text("en")})`
          : `অন্য কেউ আগেই কাজটি করেছেন; অবস্থা হালনাগাদ করা হলো। (${error.text("bn")})`);
        return null;
      }
      ctx.notice(error.text ? error.text(lang()) : String(error));
      return null;
    }
  }

  async function run(id) {
    const view = ctx.view();
    if (!view) return;
    const button = document.querySelector(`[data-action="${id}"]`);
    if (button?.disabled) return;
    ctx.notice("");
    const token = view.token;
    if (id === "call") {
      const called = await send(`/counters/${ctx.counter()}/call-next`);
      if (called === null && ctx.view()?.waiting_total === 0) {
        ctx.notice(lang() === "en" ? "Nobody is waiting." : "কেউ অপেক্ষায় নেই।");
      }
    } else if (id === "pause") {
      const next = view.counter.state === "open" ? "pause" : "open";
      await send(`/counters/${ctx.counter()}/${next}`);
    } else if (id === "transfer") {
      openTransfer(token);
    } else if (id === "unpark") {
      // The key and the button bring back whoever was parked first; the list has one each.
      if (view.parked?.length) await send(`/tokens/${view.parked[0].id}/unpark`);
    } else if (id === "call-token") {
      openOutOfOrder(view.waiting[0]?.id);
    } else if (token) {
      await send(`/tokens/${token.id}/${id}`);
    }
  }

  function choice(label, onPick) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn ghost";
    button.textContent = label;
    button.addEventListener("click", async () => {
      dialog.close();
      await onPick();
    });
    return button;
  }

  function openTransfer(token) {
    if (!token) return;
    const info = ctx.officeInfo;
    document.getElementById("transfer-services").replaceChildren(...info.services
      .filter((s) => s.kind !== "meeting" && s.code !== token.service)
      .map((s) => choice(`${s.code} · ${pick(s)}`, () => send(`/tokens/${token.id}/transfer`, { service: s.code }))));
    document.getElementById("transfer-counters").replaceChildren(...info.counters
      .filter((c) => c.number !== ctx.counter())
      .map((c) => choice(lang() === "en" ? `Counter ${c.number}` : `কাউন্টার ${num(c.number)}`,
        () => send(`/tokens/${token.id}/transfer`, { counter: c.number }))));
    dialog.showModal();
  }

  // Out of order: where favouritism hides, so the server wants a reason and audits it.
  const ooo = document.getElementById("out-of-order");
  const oooForm = document.getElementById("out-of-order-form");
  const oooError = document.getElementById("ooo-error");

  function openOutOfOrder(tokenId) {
    const view = ctx.view();
    if (!view?.waiting.length) return;
    oooForm.token.replaceChildren(...view.waiting.map((t) => {
      const option = document.createElement("option");
      option.value = t.id;
      const service = ctx.officeInfo.services.find((s) => s.code === t.service);
      option.textContent = `${tokenLabel(t)} · ${pick(service)}`;
      return option;
    }));
    oooForm.token.value = tokenId ?? view.waiting[0].id;
    oooForm.reason.value = "";
    oooError.textContent = "";
    ooo.showModal();
    oooForm.reason.focus();
  }

  document.getElementById("ooo-reasons").addEventListener("click", (event) => {
    const chip = event.target.closest("button");
    if (!chip) return;
    oooForm.reason.value = chip.textContent;
    oooForm.reason.focus();
  });

  oooForm.addEventListener("submit", async (event) => {
    if (event.submitter?.value === "cancel") return;
    event.preventDefault();
    const reason = oooForm.reason.value.trim();
    if (!reason) {
      oooError.textContent = lang() === "en" ? "Write why this citizen is called first."
        : "কেন এই নাগরিককে আগে ডাকছেন, তা লিখুন।";
      oooForm.reason.focus();
      return;
    }
    const tokenId = oooForm.token.value;
    ooo.close();
    ctx.notice("");
    await send(`/tokens/${tokenId}/call`, { counter: ctx.counter(), reason });
  });

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.altKey || event.metaKey || event.repeat) return;
    if (document.querySelector("dialog[open]") || document.getElementById("console").hidden) return;
    if (event.target.closest?.("input, textarea, select")) return;
    const id = KEYS.get(event.key.toLowerCase());
    if (!id) return;
    event.preventDefault();
    run(id);
  });

  document.getElementById("waiting").addEventListener("click", (event) => {
    const id = event.target.closest("[data-prioritise]")?.dataset.prioritise;
    if (id) send(`/tokens/${id}/prioritise`);
    const now = event.target.closest("[data-call-token]");
    if (now && !now.disabled) openOutOfOrder(now.dataset.callToken);
  });

  document.getElementById("parked").addEventListener("click", (event) => {
    const id = event.target.closest("[data-unpark]")?.dataset.unpark;
    if (id) send(`/tokens/${id}/unpark`);
  });

  document.getElementById("now-phone").addEventListener("click", async (event) => {
    const button = event.currentTarget;
    try {
      const { phone } = await api(`${base}/tokens/${button.dataset.token}/phone`, { method: "POST" });
      button.textContent = num(phone);
    } catch (error) {
      if (error.status === 401) return ctx.loggedOut();
      ctx.notice(error.text(lang()));
    }
  });

  return { run };
}
