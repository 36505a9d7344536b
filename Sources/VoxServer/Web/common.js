// What the app's pages share: the JSON API helper and the status line.

/// Calls the HTTP API; throws an Error with the server's one-line message (or "unreachable").
export async function api(method, path, body) {
  let reply;
  try {
    reply = await fetch(path, { method, headers: body ? { "Content-Type": "application/json" } : {}, body: body ? JSON.stringify(body) : undefined });
  } catch {
    throw new Error("The server is unreachable.");
  }
  const data = reply.status === 204 ? {} : await reply.json();
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
