// The one way pages call the HTTP API: JSON in and out, errors as ApiError in both languages.

export class ApiError extends Error {
  constructor(status, body) {
    const error = body?.error ?? {};
    super(error.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = error.code ?? "unavailable";
    this.messageBn = error.message_bn ?? "সার্ভারে সমস্যা হয়েছে; একটু পরে আবার চেষ্টা করুন।";
    this.field = error.field ?? null;
    this.details = error;
  }

  /** The message in the page's language. */
  text(lang) {
    return lang === "en" ? this.message : this.messageBn;
  }
}

const DEVICE_KEY = "sheba.deviceKey";

/** A device (kiosk, display) stores its API key once, at its setup screen. */
export function deviceKey(office) {
  return localStorage.getItem(`${DEVICE_KEY}.${office}`);
}

export function setDeviceKey(office, key) {
  localStorage.setItem(`${DEVICE_KEY}.${office}`, key);
}

/**
 * Call the API. `key` sends a device API key; otherwise the staff session cookie goes along.
 * `idempotencyKey` makes a retried request safe (the server returns the first result).
 */
export async function api(path, { method = "GET", body, key, idempotencyKey, signal } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (key) headers.Authorization = `Bearer ${key}`;
  if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      signal,
    });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(0, {
      error: {
        code: "offline",
        message: "Cannot reach the server.",
        message_bn: "সার্ভারের সাথে যোগাযোগ করা যাচ্ছে না।",
      },
    });
  }
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

export function newIdempotencyKey() {
  return crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
}
