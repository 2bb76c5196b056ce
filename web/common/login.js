// Staff login shared by the staff pages (counter console, official's screen): the form of
// common/login.html, the session check on load, and logout. The page decides what to show.

import { api } from "/static/common/api.js";
import { currentLang } from "/static/common/i18n.js";

/**
 * onLogin(me) runs after a successful login or when a session already exists; onLoggedOut()
 * when there is none. Returns { start(), logout(), fail(text) }.
 */
export function staffLogin({ onLogin, onLoggedOut }) {
  const form = document.getElementById("login");
  const error = document.getElementById("login-error");
  const say = (e) => (e?.text ? e.text(currentLang()) : String(e));

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    try {
      await api("/api/v1/auth/login", {
        method: "POST", body: { username: form.username.value, password: form.password.value },
      });
      const me = await api("/api/v1/auth/me");
      form.password.value = "";
      await onLogin(me);
    } catch (e) {
      error.textContent = say(e);
    }
  });

  return {
    /** Enter with the existing session, or show the form. Other errors go to `onError`. */
    async start(onError = () => {}) {
      let me;
      try {
        me = await api("/api/v1/auth/me");
      } catch (e) {
        if (e.status === 401) return onLoggedOut();
        return onError(say(e));
      }
      return onLogin(me);
    },
    async logout() {
      await api("/api/v1/auth/logout", { method: "POST" }).catch(() => {});
      onLoggedOut();
    },
    fail(text) { error.textContent = text; },
  };
}
