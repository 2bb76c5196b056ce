// A page's live feed: realtime.js when the server has it, else polling a snapshot over HTTP.
// Either way the page gets onSnapshot(data) / onEvent(event) / onStatus("online"|"offline").

const POLL_MS = 700;

/**
 * opts: the realtime.js options ({office, channel, key, onSnapshot, onEvent, onStatus}) plus
 * `poll`, an async function returning a snapshot, used only without realtime.js.
 * Returns an object with close().
 */
export async function connectFeed(opts) {
  let realtime = null;
  try {
    realtime = await import("/static/common/realtime.js");
  } catch {
    realtime = null;
  }
  if (realtime?.connect) {
    return realtime.connect({ ...opts, onStatus: (s) => opts.onStatus?.(normalise(s)) });
  }
  return pollInstead(opts);
}

function normalise(status) {
  const text = String(status?.state ?? status ?? "").toLowerCase();
  return ["online", "open", "connected", "live", "ok"].includes(text) ? "online" : "offline";
}

function pollInstead({ poll, onSnapshot, onStatus }) {
  let stopped = false;
  let online = null;
  let timer = null;
  const tick = async () => {
    if (stopped) return;
    try {
      const data = await poll();
      if (online !== true) onStatus?.("online");
      online = true;
      if (data) onSnapshot?.(data, { polled: true });
    } catch (error) {
      if (error?.status === 401 || error?.status === 403) onSnapshot?.(null, { error });
      if (online !== false) onStatus?.("offline");
      online = false;
    }
    if (!stopped) timer = setTimeout(tick, POLL_MS);
  };
  tick();
  return { close() { stopped = true; clearTimeout(timer); } };
}
