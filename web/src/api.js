// The web API over fetch: JSON in and out, errors as ApiError with the server's code,
// message and field (share/openapi.yaml, "Errors").

export class ApiError extends Error {
  constructor(status, code, message, field, retryAfter) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
    this.retryAfter = retryAfter;
  }
}

// A network failure (no answer at all) is status 0, so callers can retry it.
export async function api(method, path, body, { raw = false, headers = {} } = {}) {
  const init = { method, headers: { ...headers }, credentials: "same-origin" };
  if (body !== undefined) {
    if (raw) {
      init.body = body;
      init.headers["Content-Type"] ??= "application/octet-stream";
    } else {
      init.body = JSON.stringify(body);
      init.headers["Content-Type"] = "application/json";
    }
  }
  let response;
  try {
    response = await fetch("/api/v1" + path, init);
  } catch (e) {
    throw new ApiError(0, "network", "the server did not answer: " + e.message);
  }
  if (response.status === 204) return null;
  const type = response.headers.get("Content-Type") || "";
  if (!response.ok) {
    let code = "http-" + response.status, message = response.statusText || "request failed", field;
    if (type.startsWith("application/json")) {
      const doc = await response.json().catch(() => null);
      if (doc && doc.error) ({ code, message, field } = doc.error);
    }
    if (response.status === 401 && onUnauthenticated && !path.startsWith("/session")) onUnauthenticated();
    throw new ApiError(response.status, code, message, field, response.headers.get("Retry-After"));
  }
  if (type.startsWith("application/json")) return response.json();
  return response.text();
}

let onUnauthenticated = null;
// Called when a request answers 401: the session ended, so the app goes to the login page.
export function setUnauthenticatedHandler(fn) {
  onUnauthenticated = fn;
}

// A file's path in a URL: each segment encoded, the slashes kept.
export function filePath(path) {
  return path.split("/").map(encodeURIComponent).join("/");
}

export const get = (path) => api("GET", path);
export const post = (path, body) => api("POST", path, body);
export const patch = (path, body) => api("PATCH", path, body);
export const put = (path, body) => api("PUT", path, body);
export const del = (path) => api("DELETE", path);
