// One-time setup of a hall TV: either the display key made for it (`sheba apikey create
// --role display`) is typed in, checked and stored; or an admin logs in here, the page gets
// a display key for this device, stores it and logs the admin out again. Then the display.

import { api, deviceKey, setDeviceKey } from "/static/common/api.js";
import { currentLang, installToggle } from "/static/common/i18n.js";

const office = document.body.dataset.office;
const english = document.getElementById("english");
const say = (failure) => (failure.text ? failure.text(currentLang()) : String(failure));
installToggle(document.querySelector(".lang-toggle"));
english.checked = localStorage.getItem("sheba.display.english") === "1";
document.getElementById("current").hidden = !deviceKey(office);

function start(key) {
  setDeviceKey(office, key);
  localStorage.setItem("sheba.display.english", english.checked ? "1" : "0");
  location.href = `/display/${office}`;
}

const keyForm = document.getElementById("setup-key");
const keyError = document.getElementById("key-error");
keyForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  keyError.textContent = "";
  const key = keyForm.key.value.trim();
  const button = keyForm.querySelector("button");
  button.disabled = true;
  try {
    // The server says whose key it is: it must be a display key of this office.
    const who = await api("/api/v1/auth/me", { key });
    if (who.kind !== "apikey" || who.role !== "display" || who.office !== office) {
      keyError.textContent = currentLang() === "en"
        ? "This is not a display key of this office."
        : "এটি এই অফিসের হল ডিসপ্লের কী নয়।";
      return;
    }
    start(key);
  } catch (failure) {
    keyError.textContent = say(failure);
  } finally {
    button.disabled = false;
  }
});

const form = document.getElementById("setup");
const error = document.getElementById("error");
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
    await api("/api/v1/auth/logout", { method: "POST" }).catch(() => {});
    start(device.key);
  } catch (failure) {
    error.textContent = say(failure);
  }
});
