// The realtime client: the only module that touches WebSocket. It applies the snapshot, then
// every event once and in stream order, resumes after a drop with ?since=&epoch= (the server
// answers with the missed events, or with a fresh snapshot when it cannot), and shows a
// banner when the connection has been gone for a while. The position is kept in
// sessionStorage so a reload within a visit resumes too; `resume: false` starts from a
// snapshot instead (the position is still kept for reconnects and later pages).

const BANNER_DELAY_MS = 3000;
const MIN_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30000;
// Closes that no retry can fix: not logged in, not allowed, no such office or channel.
const FINAL_CODES = new Set([4401, 4403, 4404]);
// Channels anyone may open: a device key refused there is dropped, not the screen.
const PUBLIC_CHANNELS = new Set(["display", "kiosk"]);

function idParts(id) {
  const [ms, seq = "0"] = String(id).split("-");
  return [BigInt(ms), BigInt(seq)];
}

// Stream ids order as (milliseconds, sequence), not as strings.
function newer(a, b) {
  if (b == null) return true;
  const [am, as] = idParts(a);
  const [bm, bs] = idParts(b);
  return am > bm || (am === bm && as > bs);
}

function showBanner() {
  const banner = document.createElement("div");
  banner.className = "rt-banner";
  banner.setAttribute("role", "status");
  banner.append("সংযোগ বিচ্ছিন্ন — আবার চেষ্টা করা হচ্ছে… ");
  const en = document.createElement("span");
  en.lang = "en";
  en.textContent = "Connection lost — retrying…";
  banner.append(en);
  document.body.append(banner);
  return banner;
}

export function connect({
  office, channel, key = null, resume = true,
  onSnapshot = () => {}, onEvent = () => {}, onStatus = () => {}, onKeyRefused = () => {},
  url = location,
}) {
  const storageKey = `sheba.realtime.${office}.${channel}`;
  let saved = {};
  if (resume) {
    try { saved = JSON.parse(sessionStorage.getItem(storageKey) || "{}"); } catch { saved = {}; }
  }
  let lastId = saved.id ?? null;
  let epoch = saved.epoch ?? null;
  let socket = null, state = "", attempt = 0, stopped = false;
  let retryTimer = null, bannerTimer = null, banner = null;

  function setStatus(next) {
    if (next === state) return;
    state = next;
    if (next === "online") {
      clearTimeout(bannerTimer);
      bannerTimer = null;
      banner?.remove();
      banner = null;
    } else if (!banner && !bannerTimer) {
      bannerTimer = setTimeout(() => { bannerTimer = null; banner = showBanner(); }, BANNER_DELAY_MS);
    }
    onStatus(next);
  }

  function remember() {
    try { sessionStorage.setItem(storageKey, JSON.stringify({ id: lastId, epoch })); } catch { /* private mode */ }
  }

  function handle(message) {
    if (message.type === "ping") {
      socket.send('{"type":"pong"}');
    } else if (message.type === "snapshot") {
      lastId = message.id;
      epoch = message.epoch;
      remember();
      onSnapshot(message.data, { epoch, id: lastId, resumed: message.resumed ?? null });
      attempt = 0;
      setStatus("online");
    } else if (message.type === "resumed") {
      epoch = message.epoch;
      attempt = 0;
      setStatus("online");
    } else if (message.id && newer(message.id, lastId)) {
      lastId = message.id;
      remember();
      onEvent(message);
    }
  }

  function open() {
    const scheme = url.protocol === "https:" ? "wss:" : "ws:";
    let address = `${scheme}//${url.host}/ws/${encodeURIComponent(office)}/${encodeURIComponent(channel)}`;
    if (lastId && epoch) {
      address += `?since=${encodeURIComponent(lastId)}&epoch=${encodeURIComponent(epoch)}`;
    }
    setStatus(state === "" ? "connecting" : state);
    const ws = new WebSocket(address);
    socket = ws;
    ws.onopen = () => { if (key) ws.send(JSON.stringify({ type: "auth", key })); };
    ws.onmessage = (e) => { if (ws === socket) handle(JSON.parse(e.data)); };
    ws.onclose = (e) => {
      if (ws !== socket || stopped) return;
      setStatus("offline");
      if (e.code === 4401 && key && PUBLIC_CHANNELS.has(channel)) {
        // A revoked device key: go on without it (the channel is public) and say so.
        key = null;
        onKeyRefused();
        open();
        return;
      }
      if (FINAL_CODES.has(e.code)) return;
      const delay = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** attempt);
      attempt += 1;
      // Jitter spreads a hall full of screens reconnecting after one server restart.
      retryTimer = setTimeout(() => { setStatus("connecting"); open(); }, delay * (0.5 + Math.random() / 2));
    };
  }

  open();
  return {
    close() {
      stopped = true;
      clearTimeout(retryTimer);
      clearTimeout(bannerTimer);
      banner?.remove();
      socket?.close(1000);
      state = "offline";
      onStatus("offline");
    },
    get state() { return state; },
  };
}
