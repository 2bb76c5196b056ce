// One-time kiosk setup: an administrator logs in; the page asks for a kiosk API key and keeps
// it on this device (api.js setDeviceKey), then opens the kiosk.

import { api, deviceKey, setDeviceKey } from "/static/common/api.js";
import { currentLang, installToggle } from "/static/common/i18n.js";

const office = document.body.dataset.office;
const form = document.querySelector(".k-setup-form");
const error = form.querySelector(".error-line");

installToggle(document.querySelector(".lang-toggle"));
document.querySelector(".k-setup-current").hidden = !deviceKey(office);

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const button = form.querySelector("button");
  button.disabled = true;
  error.textContent = "";
  const data = new FormData(form);
  try {
    await api("/api/v1/auth/login", {
      method: "POST",
      body: { username: data.get("username"), password: data.get("password") },
    });
    const device = await api(`/api/v1/offices/${office}/devices`, {
      method: "POST",
      body: { role: "kiosk", label: data.get("label") || "kiosk" },
    });
    setDeviceKey(office, device.key);
    // The admin's session is not the kiosk's business: end it before handing over.
    await api("/api/v1/auth/logout", { method: "POST" }).catch(() => {});
    location.assign(`/kiosk/${office}`);
  } catch (failure) {
    error.textContent = failure.text ? failure.text(currentLang()) : String(failure);
    button.disabled = false;
  }
});
