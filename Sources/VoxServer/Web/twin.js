// The twin page: open (or create) a user's twin, see what it holds and how the user writes,
// teach it files (each ingestion's progress live from /v1/events, or polled when the socket is
// down), talk to it with the answer streamed as Server-Sent Events and its sources cited, and
// search its memories.

import { authHeaders, socketURL, statusLine } from "/app/common.js";

/// Readable by people and by browser automation (tests, kiosks).
const state = {
  connected: false, twin: null, ingestions: {}, lastAnswer: null, citations: 0, error: null,
  generator: null, session: null, answering: false, memories: null,
};
window.voxface = { state };

const $ = (id) => document.getElementById(id);
const status = statusLine(state);
const params = new URLSearchParams(location.search);

const USER = /^[A-Za-z0-9._@-]{1,128}$/;
const FINAL = new Set(["done", "failed"]);
const RANK = { queued: 0, running: 1, done: 2, failed: 2 };

const rows = new Map();      // ingestion id -> {data, element}
const tracked = new Set();   // ingestion ids with a poller
let pendingAsk = params.get("ask");  // asked once the twin is open and no ingestion is running
let generation = 0;          // bumped by each open: replies for an older twin are dropped
let socket = null, lastSeq = null, summaryTimer = null, session = null, chatBusy = false;

// MARK: - HTTP

class APIFailure extends Error {
  constructor(message, status = 0, code = null) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const twinPath = (user) => `/v1/twins/${encodeURIComponent(user)}`;

/// A request to this server; throws an APIFailure (status 0) when it cannot be reached.
async function send(method, path, { json, form, headers = {} } = {}) {
  const extra = json !== undefined ? { "Content-Type": "application/json" } : {};
  try {
    return await fetch(path, {
      method, headers: authHeaders({ Accept: "application/json", ...extra, ...headers }),
      body: json !== undefined ? JSON.stringify(json) : form,
    });
  } catch {
    throw new APIFailure("The server is unreachable: is voxface serve running?", 0, "unreachable");
  }
}

/// The error a failed reply carries (`{"error": {"code", "message"}}`).
async function failure(reply) {
  let data = null;
  try { data = await reply.json(); } catch { /* not JSON */ }
  if (reply.status === 401) return new APIFailure("This server needs an API key: open the page with ?key=YOUR_KEY.", 401, "unauthorized");
  return new APIFailure(data?.error?.message ?? `the server answered ${reply.status}`, reply.status, data?.error?.code ?? null);
}

/// A JSON call: the reply's object, or an APIFailure.
async function api(method, path, json) {
  const reply = await send(method, path, { json });
  if (!reply.ok) throw await failure(reply);
  return reply.status === 204 ? {} : reply.json();
}

async function run(action) {
  try { await action(); } catch (e) { status(e.message, true); }
}

// MARK: - Small views

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

/// `[1, 2, 3, 7]` -> "1-3, 7".
function ranges(list) {
  const sorted = [...list].sort((a, b) => a - b), out = [];
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    out.push(j > i ? `${sorted[i]}–${sorted[j]}` : `${sorted[i]}`);
    i = j;
  }
  return out.join(", ");
}

/// Where a memory came from, in words: its ingestion (and file) and the items in it.
function sourceText(s) {
  const parts = [];
  if (s.ingestion) {
    const file = rows.get(s.ingestion)?.data.filename;
    parts.push(`ingestion ${s.ingestion}${file ? ` (${file})` : ""}`);
  }
  if (s.chat) parts.push(`chat with the twin ${s.chat}`);
  if (s.turns?.length) parts.push(`${s.turns.length === 1 ? "message" : "messages"} ${ranges(s.turns)}`);
  if (s.bytes?.length === 2) parts.push(`bytes ${s.bytes[0]}–${s.bytes[1]}`);
  if (s.events?.length) parts.push(`${s.events.length === 1 ? "event" : "events"} ${ranges(s.events)}`);
  return parts.join(", ") || "unknown source";
}

function sourceList(sources) {
  const list = element("ul", "twin-sources");
  for (const s of sources ?? []) list.append(element("li", null, sourceText(s)));
  return list;
}

const snippet = (text, max = 240) => (text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text);
const when = (seconds) => new Date(seconds * 1000).toLocaleString();

function bars(target, values) {
  target.replaceChildren();
  for (const [name, value] of values) {
    const dt = element("dt", null, name), dd = element("dd"), fill = element("span");
    fill.style.width = `${Math.round(Math.max(0, Math.min(1, value)) * 100)}%`;  // CSSOM: the CSP allows no inline styles
    dd.title = value.toFixed(2);
    dd.append(fill);
    target.append(dt, dd);
  }
}

function setLive() {
  const live = $("live");
  live.textContent = state.connected ? "live" : state.twin ? "no live connection: polling" : "not connected";
  live.classList.toggle("twin-off", !state.connected && Boolean(state.twin));
}

function showPanels(visible) {
  for (const id of ["summary", "uploads-panel", "chat-panel", "search-panel"]) $(id).hidden = !visible;
}

// MARK: - The twin

function renderSummary(t) {
  $("twin-name").textContent = t.name;
  $("twin-meta").textContent = `${t.user} · created ${when(t.created_at)}`;
  $("count-memories").textContent = t.memories;
  $("count-ingestions").textContent = t.ingestions;
  $("count-entities").textContent = t.entities;
  $("count-relations").textContent = t.relations;
  const style = t.style;
  $("style-none").hidden = Boolean(style);
  $("style").hidden = !style;
  $("style-words").textContent = "";
  if (style) {
    bars($("style"), [
      ["Formality", style.formality], ["Vocabulary", style.vocabulary], ["Questions", style.question_rate],
      ["Exclamations", style.exclamation_rate], ["Emoji", Math.min(1, style.emoji_rate)],
    ]);
    const words = style.signature_words?.length ? ` Favourite words: ${style.signature_words.join(", ")}.` : "";
    $("style-words").textContent =
      `From ${style.messages} messages; about ${style.sentence_length.toFixed(1)} words a sentence.${words}`;
  }
  const va = t.vote_alignment ?? { compared: 0, agreed: 0, rate: null };
  $("alignment").textContent = va.compared > 0
    ? `${va.agreed} of ${va.compared} votes matched the twin's recommendation (${Math.round((va.rate ?? va.agreed / va.compared) * 100)}%).`
    : "No votes to compare with the twin's recommendations yet.";
}

/// Re-reads the twin's summary, at most twice a second.
function refreshSummary() {
  if (summaryTimer || !state.twin) return;
  const user = state.twin, gen = generation;
  summaryTimer = setTimeout(async () => {
    summaryTimer = null;
    try {
      const twin = await api("GET", twinPath(user));
      if (gen === generation) renderSummary(twin);
    } catch (e) {
      if (gen !== generation) return;
      if (e.status === 404) twinGone(user);
      else status(e.message, true);
    }
  }, 500);
}

function twinGone(user) {
  if (state.twin !== user) return;
  status(`${user} has no twin any more: press "Open / create twin" to create it again.`, true);
  state.twin = null;
  showPanels(false);
  closeSocket();
}

/// Opens `user`'s twin; when it has none, creates it (`create`) or says so.
async function openTwin(user, { create = true, display = "" } = {}) {
  if (!USER.test(user)) {
    status("A user name is 1 to 128 letters, digits, '-', '.', '_' or '@'.", true);
    return;
  }
  const gen = ++generation;
  state.twin = null;
  state.ingestions = {};
  state.error = null;
  rows.clear();
  tracked.clear();
  $("ingestions").replaceChildren();
  $("memories").replaceChildren();
  $("search-status").textContent = "";
  resetConversation();
  chatBusy = false;
  state.answering = false;
  $("send").disabled = false;
  showPanels(false);
  closeSocket();
  status(`Opening ${user}'s twin...`);
  let twin;
  try {
    twin = await api("GET", twinPath(user));
  } catch (e) {
    if (e.status !== 404) throw e;
    if (!create) {
      if (gen === generation) status(`${user} has no twin yet: press "Open / create twin" to create it.`);
      showPanels(false);
      return;
    }
    status(`${user} has no twin yet: creating it...`);
    try {
      await api("POST", "/v1/twins", { user, name: display || user });
    } catch (e2) {
      if (e2.code !== "twin_exists") throw new APIFailure(`Could not create ${user}'s twin: ${e2.message}`, e2.status, e2.code);
    }
    twin = await api("GET", twinPath(user));
  }
  if (gen !== generation) return;
  try { localStorage.setItem("voxface.twin", user); } catch { /* private mode */ }
  const url = new URL(location.href);
  if (url.searchParams.get("user") !== user) {
    url.searchParams.set("user", user);
    url.searchParams.delete("ask");
    history.replaceState(null, "", url);
  }
  renderSummary(twin);
  showPanels(true);
  state.twin = user;
  subscribe(user, gen);
  await loadIngestions(user, gen);
  if (gen !== generation) return;
  status(`${twin.name}'s twin is open: ${twin.memories} memories from ${twin.ingestions} ingestions.`);
  maybeAsk();
}

// MARK: - Ingestions

function renderRow(row) {
  const d = row.data, node = row.element;
  node.className = `twin-ingestion twin-${d.status ?? "queued"}`;
  const title = element("div", "twin-row");
  title.append(element("strong", null, d.filename || d.id), element("span", "badge", d.kind ?? "file"));
  const bar = element("div", "twin-progress"), fill = element("span");
  const progress = FINAL.has(d.status) ? 1 : Math.max(0, Math.min(1, d.progress ?? 0));
  fill.style.width = `${Math.round(progress * 100)}%`;
  bar.setAttribute("role", "progressbar");
  bar.setAttribute("aria-valuemin", "0");
  bar.setAttribute("aria-valuemax", "100");
  bar.setAttribute("aria-valuenow", String(Math.round(progress * 100)));
  bar.append(fill);
  let text;
  if (d.status === "failed") text = `Failed: ${d.error ?? "the file could not be read"}`;
  else if (d.status === "done") text = `Done: ${d.items ?? 0} items, ${d.memories ?? 0} memories, ${d.relations ?? 0} relations.`;
  else if (d.status === "running") text = `Reading... ${Math.round(progress * 100)}%${d.items ? ` (${d.items} items)` : ""}`;
  else text = "Queued.";
  if (row.duplicate) text = `Already ingested. ${text}`;
  node.replaceChildren(title, bar, element("p", "twin-note", text), element("small", "hint", d.id));
}

/// Adds or updates an ingestion from a reply or an event; an older status never replaces a newer one.
/// `quiet`: from the list read at open (old news: no message); `replacing`: the upload's placeholder.
function upsert(data, { duplicate = false, replacing = null, quiet = false } = {}) {
  if (!data?.id) return;
  const old = rows.get(data.id);
  if (old && replacing) { replacing.remove(); replacing = null; }
  if (old && (RANK[data.status] ?? 0) < (RANK[old.data.status] ?? 0)) return;
  const wasFinal = old ? FINAL.has(old.data.status) : false;
  const fields = Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined));
  const row = old ?? { data: {}, element: element("li"), duplicate: false };
  row.data = { ...row.data, ...fields };
  row.duplicate = row.duplicate || duplicate;
  if (!old) {
    rows.set(data.id, row);
    if (replacing) replacing.replaceWith(row.element);
    else $("ingestions").prepend(row.element);
  }
  renderRow(row);
  state.ingestions = { ...state.ingestions, [data.id]: row.data.status };
  if (FINAL.has(row.data.status) && !wasFinal && !quiet && !duplicate) finished(row.data);
  else if (!FINAL.has(row.data.status)) track(data.id);
}

function finished(d) {
  const name = d.filename || d.id;
  if (d.status === "failed") status(`${name} could not be read: ${d.error ?? "unknown error"}`, true);
  else status(`${name} read: ${d.memories ?? 0} memories, ${d.relations ?? 0} relations.`);
  refreshSummary();
  maybeAsk();
}

/// Follows an unfinished ingestion: every 500 ms while the events socket is down, every 3 s
/// (a safety net for a missed event) while it is up.
function track(id) {
  if (tracked.has(id)) return;
  tracked.add(id);
  const user = state.twin, gen = generation;
  let waited = 0;
  const tick = async () => {
    const row = rows.get(id);
    if (gen !== generation || !row || FINAL.has(row.data.status)) { if (gen === generation) tracked.delete(id); return; }
    waited += 500;
    if (!state.connected || waited >= 3000) {
      waited = 0;
      try {
        const ingestion = await api("GET", `${twinPath(user)}/ingestions/${encodeURIComponent(id)}`);
        if (gen === generation) upsert(ingestion);
      } catch (e) {
        if (gen === generation && e.status === 0 && $("status").textContent !== e.message) status(e.message, true);
      }
    }
    setTimeout(tick, 500);
  };
  setTimeout(tick, 500);
}

async function loadIngestions(user, gen) {
  const list = await api("GET", `${twinPath(user)}/ingestions?limit=50`);
  if (gen !== generation) return;
  for (const ingestion of [...list.ingestions].reverse()) upsert(ingestion, { quiet: true });  // newest first on screen
}

/// Posts each file as multipart/form-data, one after another.
async function upload(files) {
  if (!state.twin) { status("Open a twin first.", true); return; }
  const user = state.twin, gen = generation, kind = $("kind").value;
  for (const file of files) {
    const pending = element("li", "twin-ingestion twin-queued");
    pending.append(element("div", "twin-row", file.name), element("p", "twin-note", `Uploading ${Math.ceil(file.size / 1024)} KiB...`));
    $("ingestions").prepend(pending);
    status(`Uploading ${file.name}...`);
    const form = new FormData();
    if (kind) form.append("kind", kind);
    form.append("file", file, file.name);
    let reply;
    try {
      reply = await send("POST", `${twinPath(user)}/ingest`, { form });
      if (!reply.ok) throw await failure(reply);
    } catch (e) {
      if (gen !== generation) return;
      const why = e.status === 404 ? `${user} has no twin any more` : e.message;
      pending.className = "twin-ingestion twin-failed";
      pending.replaceChildren(element("div", "twin-row", file.name), element("p", "twin-note", `Upload failed: ${why}`));
      status(`Upload of ${file.name} failed: ${why}`, true);
      continue;
    }
    const ingestion = await reply.json();
    if (gen !== generation) return;
    upsert(ingestion, { duplicate: ingestion.duplicate === true, replacing: pending });
    if (ingestion.duplicate) status(`${file.name} was already ingested (${ingestion.status}).`);
    else status(`${file.name} queued as ${ingestion.kind}.`);
  }
}

// MARK: - Events

function closeSocket() {
  const old = socket;
  socket = null;
  lastSeq = null;
  state.connected = false;
  if (old) { old.onclose = null; old.close(); }
  setLive();
}

function subscribe(user, gen) {
  closeSocket();
  connect(user, gen);
}

function connect(user, gen) {
  let ws;
  try { ws = new WebSocket(socketURL("/v1/events")); } catch { setLive(); return; }
  socket = ws;
  ws.onopen = () => {
    const request = { subscribe: [`twins/${user}`] };
    if (lastSeq !== null) request.since = lastSeq;
    ws.send(JSON.stringify(request));
  };
  ws.onmessage = (m) => {
    let message;
    try { message = JSON.parse(m.data); } catch { return; }
    if (message.type === "subscribed") { state.connected = true; setLive(); return; }
    if (message.type === "gap") { run(() => loadIngestions(user, gen)); refreshSummary(); return; }
    if (message.topic) onEvent(message, user);
  };
  ws.onclose = () => {
    if (socket !== ws) return;
    state.connected = false;
    setLive();
    // Resumes from lastSeq: nothing missed; meanwhile the trackers poll.
    setTimeout(() => { if (socket === ws && gen === generation) connect(user, gen); }, 2000);
  };
}

function onEvent(e, user) {
  if (typeof e.seq === "number") lastSeq = e.seq;
  if (e.topic !== `twins/${user}` || state.twin !== user) return;
  const d = e.data ?? {};
  if (d.type === "ingestion") upsert(d);
  else if (d.type === "deleted") twinGone(user);
  else refreshSummary();  // facts, recommendation, vote, created
}

// MARK: - Chat

function resetConversation() {
  session = null;
  state.session = null;
  $("conversation").replaceChildren();
  $("session").textContent = "New conversation.";
}

/// Parses a `text/event-stream` body, calling `onEvent(name, data)` for each event as it arrives.
async function readEvents(reply, onEvent) {
  const reader = reply.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const dispatch = (block) => {
    let name = "message";
    const data = [];
    for (const line of block.split("\n")) {
      if (!line || line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? "" : line.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      if (field === "event") name = value;
      else if (field === "data") data.push(value);
    }
    if (!data.length) return;
    let parsed;
    try { parsed = JSON.parse(data.join("\n")); } catch { return; }
    onEvent(name, parsed);
  };
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (value) buffer += decoder.decode(value, { stream: true });
      if (done) buffer += decoder.decode();
      buffer = buffer.replace(/\r\n/g, "\n");
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        dispatch(block);
      }
      if (done) {
        if (buffer.trim()) dispatch(buffer);
        return;
      }
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

function renderCitations(target, citations) {
  if (!citations.length) return;
  target.append(element("p", "twin-cites-title", "Sources"));
  const list = element("ol", "twin-citations");
  for (const c of citations) {
    const item = element("li");
    const head = element("div", "twin-row");
    head.append(element("span", "badge", c.ref), element("span", "twin-snippet", snippet(c.text ?? "")));
    item.append(head, sourceList(c.sources));
    list.append(item);
  }
  target.append(list);
}

/// Asks the twin, streaming the answer as it is written, then shows what it cites.
async function ask(message) {
  message = String(message ?? "").trim();
  if (!message || !state.twin || chatBusy) return;
  chatBusy = true;
  state.answering = true;
  $("send").disabled = true;
  const user = state.twin, gen = generation;
  const turn = element("div", "twin-turn");
  const answer = element("p", "twin-answer twin-streaming");
  const footer = element("div", "twin-answer-meta");
  turn.append(element("p", "twin-question", message), answer, footer);
  $("conversation").append(turn);
  turn.scrollIntoView({ block: "nearest" });
  status("The twin is thinking...");
  let text = "", done = null, context = [];
  try {
    const body = { message };
    if (session) body.session = session;
    const reply = await send("POST", `${twinPath(user)}/chat`, { json: body, headers: { Accept: "text/event-stream" } });
    if (!reply.ok) throw await failure(reply);
    if ((reply.headers.get("content-type") ?? "").includes("text/event-stream")) {
      await readEvents(reply, (name, data) => {
        if (gen !== generation) throw new APIFailure("another twin was opened", 0, "stale");
        if (name === "context") context = data.context ?? [];
        else if (name === "delta") {
          text += data.text ?? "";
          answer.textContent = text;
        } else if (name === "done") done = data;
        else if (name === "error") throw new APIFailure(data.message ?? "the twin could not answer", 0, data.code ?? "error");
      });
    } else {
      done = await reply.json();  // a server that answered in one piece
    }
    if (gen !== generation) return;
    if (!done) throw new APIFailure("The answer was cut off: the connection to the server closed early.", 0, "cut");
    session = done.session;
    state.session = session;
    $("session").textContent = `Conversation ${session}, turn ${done.turn}.`;
    answer.textContent = done.text;
    answer.classList.remove("twin-streaming");
    const citations = done.citations ?? [];
    if (done.generator === "offline") {
      const reason = done.fallback_reason ? ` (${done.fallback_reason})` : "";
      footer.append(element("p", "twin-offline", `Answered by the offline twin, not a language model${reason}: it quotes what it remembers.`));
    } else {
      footer.append(element("p", "hint", `Answered by ${done.model ?? "the language model"}.`));
    }
    renderCitations(footer, citations);
    if (!citations.length && context.length) footer.append(element("p", "hint", `${context.length} memories and facts were consulted; none is cited.`));
    state.citations = citations.length;
    state.generator = done.generator ?? null;
    state.lastAnswer = done.text;
    status(done.generator === "offline" ? "The offline twin answered." : "The twin answered.");
  } catch (e) {
    if (gen !== generation) return;
    let why = e instanceof APIFailure ? e.message : "The connection to the server was lost while the twin answered.";
    if (e.status === 404) why = `${user} has no twin any more: open or create it again.`;
    answer.classList.remove("twin-streaming");
    footer.append(element("p", "twin-error", why));
    status(why, true);
  } finally {
    if (gen === generation) {
      chatBusy = false;
      state.answering = false;
      $("send").disabled = false;
    }
  }
}

/// Asks `?ask=` once the twin is open and nothing is being ingested.
function maybeAsk() {
  if (!pendingAsk || !state.twin || chatBusy) return;
  if (Object.values(state.ingestions).some((s) => !FINAL.has(s))) return;
  const question = pendingAsk;
  pendingAsk = null;
  ask(question);
}

// MARK: - Memory search

async function search(q) {
  if (!state.twin) return;
  const user = state.twin, gen = generation;
  $("search-status").textContent = "Searching...";
  $("search-status").classList.remove("twin-error");
  try {
    const reply = await api("GET", `${twinPath(user)}/memories?q=${encodeURIComponent(q)}&k=10`);
    if (gen !== generation) return;
    const list = reply.memories ?? [];
    $("memories").replaceChildren(...list.map((m) => {
      const item = element("li");
      const said = m.valid_at ? ` · ${when(m.valid_at)}` : "";
      item.append(
        element("p", "twin-memory", m.text),
        element("small", "hint", `${m.kind} · ${m.domain} · score ${Number(m.score).toFixed(2)} · importance ${Number(m.importance).toFixed(2)}${said}`),
        sourceList(m.sources),
      );
      return item;
    }));
    state.memories = list.length;
    $("search-status").textContent = list.length ? `${list.length} memories.` : "Nothing found.";
  } catch (e) {
    if (gen !== generation) return;
    $("search-status").textContent = e.message;
    $("search-status").classList.add("twin-error");
    status(e.message, true);
  }
}

// MARK: - Wiring

$("open").addEventListener("submit", (e) => {
  e.preventDefault();
  const user = $("user").value.trim();
  run(() => openTwin(user, { create: true, display: $("display").value.trim() }));
});
$("chat").addEventListener("submit", (e) => {
  e.preventDefault();
  const message = $("question").value;
  $("question").value = "";
  ask(message);
});
$("new-session").addEventListener("click", resetConversation);
$("search").addEventListener("submit", (e) => {
  e.preventDefault();
  search($("query").value.trim());
});
$("files").addEventListener("change", (e) => {
  const files = [...e.target.files];
  e.target.value = "";
  if (files.length) run(() => upload(files));
});
const drop = $("drop");
for (const type of ["dragenter", "dragover"]) {
  drop.addEventListener(type, (e) => { e.preventDefault(); drop.classList.add("twin-over"); });
}
drop.addEventListener("dragleave", (e) => { if (!drop.contains(e.relatedTarget)) drop.classList.remove("twin-over"); });
drop.addEventListener("drop", (e) => {
  e.preventDefault();
  drop.classList.remove("twin-over");
  const files = [...(e.dataTransfer?.files ?? [])];
  if (files.length) run(() => upload(files));
});
drop.addEventListener("keydown", (e) => {
  if (e.target === drop && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); $("files").click(); }
});
// A file dropped beside the area does not replace the page.
window.addEventListener("dragover", (e) => e.preventDefault());
window.addEventListener("drop", (e) => e.preventDefault());
window.addEventListener("error", (e) => { state.error = String(e.message); });
window.voxface.open = (user) => run(() => openTwin(user));
window.voxface.ask = (message) => ask(message);
window.voxface.search = (q) => search(q);

const fromURL = params.get("user");
let remembered = null;
try { remembered = localStorage.getItem("voxface.twin"); } catch { /* private mode */ }
const initial = (fromURL || remembered || "").trim();
$("user").value = initial;
setLive();
// `?user=` opens (and creates) that twin; a remembered one is only opened.
if (initial) run(() => openTwin(initial, { create: Boolean(fromURL) }));
