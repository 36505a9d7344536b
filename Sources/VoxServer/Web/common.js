// What the app's pages share: the API key, the JSON API helper and the status line.

/// The API key: `?key=` in the page's URL (kept in this browser for the other pages), else the
/// one kept before; null when the server takes no keys.
export const apiKey = (() => {
  const fromURL = new URLSearchParams(location.search).get("key");
  try {
    if (fromURL) localStorage.setItem("voxface.key", fromURL);
    return fromURL ?? localStorage.getItem("voxface.key");
  } catch {
    return fromURL;
  }
})();

/// Request headers with the key.
export function authHeaders(headers = {}) {
  return apiKey ? { ...headers, Authorization: `Bearer ${apiKey}` } : headers;
}

/// A WebSocket URL on this server for `path`, with the key as `?key=` (browsers cannot add headers).
export function socketURL(path) {
  const url = new URL(path, location.href);
  url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  if (apiKey) url.searchParams.set("key", apiKey);
  return url.toString();
}

/// Calls the HTTP API; throws an Error with the server's one-line message (or "unreachable").
export async function api(method, path, body) {
  let reply;
  try {
    reply = await fetch(path, { method, headers: authHeaders(body ? { "Content-Type": "application/json" } : {}), body: body ? JSON.stringify(body) : undefined });
  } catch {
    throw new Error("The server is unreachable.");
  }
  const data = reply.status === 204 ? {} : await reply.json();
  if (reply.status === 401) throw new Error("This server needs an API key: open the page with ?key=YOUR_KEY.");
  if (!reply.ok) throw new Error(data.error?.message ?? `the server answered ${reply.status}`);
  return data;
}

/// A status writer for the page's `#status` element; errors are also kept in `state.error`.
export function statusLine(state) {
  return (text, isError = false) => {
    const element = document.getElementById("status");
    element.textContent = text;
    element.classList.toggle("error", isError);
    if (isError) state.error = text;
  };
}
