// One-time setup of a hall TV: an admin logs in here, the page gets a display key for this
// device, stores it, logs the admin out again and opens the display.

import { api, setDeviceKey } from "/static/common/api.js";
import { currentLang, installToggle } from "/static/common/i18n.js";

const office = document.body.dataset.office;
const form = document.getElementById("setup");
const error = document.getElementById("error");
installToggle(document.querySelector(".lang-toggle"));
form.english.checked = localStorage.getItem("sheba.display.english") === "1";

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  error.textContent = "";
  try {
    await api("/api/v1/auth/login", {
      method: "POST",
      body: { username: form.username.value, password: form.password.value },
    });
    const device = await api(`/api/v1/offices/${office}/devices`, {
      method: "POST",
      body: { role: "display", label: `display ${new Date().toISOString().slice(0, 10)}` },
    });
    setDeviceKey(office, device.key);
    localStorage.setItem("sheba.display.english", form.english.checked ? "1" : "0");
    await api("/api/v1/auth/logout", { method: "POST" }).catch(() => {});
    location.href = `/display/${office}`;
  } catch (failure) {
    error.textContent = failure.text ? failure.text(currentLang()) : String(failure);
  }
});
