// The kiosk's live view of its office: the realtime kiosk channel when it is there, else a
// poll of the same snapshot. Calls onState(snapshot) and onOnline(true|false).

import { api } from "/static/common/api.js";

const POLL_MS = 10_000;
const REFRESH_DEBOUNCE_MS = 400;

export function watchOffice({ office, key, onState, onOnline, onPrinter }) {
  let refreshTimer = null;

  const refresh = async () => {
    try {
      onState(await api(`/api/v1/offices/${office}/kiosk`));
      onOnline(true);
    } catch {
      onOnline(false);
    }
  };
  // Queue counts and waits change with every token event: ask for them once things settle.
  const refreshSoon = () => {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(refresh, REFRESH_DEBOUNCE_MS);
  };

  const poll = () => {
    refresh();
    setInterval(refresh, POLL_MS);
  };

  import("/static/common/realtime.js")
    .then(({ connect }) => {
      connect({
        office,
        channel: "kiosk",
        key,
        onSnapshot(data) {
          onState(data); // the same snapshot as the page's and the poll's, charter included
        },
        onEvent(event) {
          if (event.type === "printer.status") onPrinter(event.data);
          else if (event.type.startsWith("token.") || event.type.startsWith("counter.")) refreshSoon();
        },
        onStatus(status) {
          // "connecting" keeps whatever was shown: only a lost connection says "please wait".
          if (status === "online" || status === "offline") onOnline(status === "online");
        },
      });
      // Realtime carries changes; a slow poll still heals anything missed.
      setInterval(refresh, POLL_MS * 6);
    })
    .catch(poll);

  return { refresh };
}
