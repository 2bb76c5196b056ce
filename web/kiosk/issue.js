// Issuing a token from the kiosk: one Idempotency-Key per attempt, so a retry after a lost
// answer returns the same token instead of making a second one.

import { api } from "/static/common/api.js";

// While the server is unreachable the kiosk says "please wait" and keeps trying this long.
const GIVE_UP_MS = 45_000;
const RETRY_MS = [500, 1000, 2000, 3000, 5000];

const transient = (error) => error.status === 0 || error.status >= 502;

export async function issueToken({ office, key, idempotencyKey, body, onWaiting }) {
  const started = Date.now();
  for (let attempt = 0; ; attempt += 1) {
    try {
      const token = await api(`/api/v1/offices/${office}/tokens`, {
        method: "POST", body, key, idempotencyKey,
      });
      onWaiting(false);
      return token;
    } catch (error) {
      if (!transient(error) || Date.now() - started > GIVE_UP_MS) {
        onWaiting(false);
        throw error;
      }
      onWaiting(true);
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)]));
    }
  }
}
