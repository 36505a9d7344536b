// The avatars page: the world clock, every avatar's life state and mood, and the selected
// avatar's needs, emotions, relationships and memories, kept live from /v1/events.

import { api, socketURL, statusLine } from "/app/common.js";

const state = { connected: false, avatars: 0, events: 0, selected: null, error: null, world: null };
window.voxface = { state };

const $ = (id) => document.getElementById(id);
const avatars = new Map();  // id -> the avatar as the API shows it, updated by events
let lastSeq = null, socket = null, refreshTimer = null;

const status = statusLine(state);

const strongest = (emotions) => Object.entries(emotions ?? {}).sort((a, b) => b[1] - a[1])[0]?.[0] ?? "Neutral";

function renderList() {
  const list = $("avatars");
  list.replaceChildren();
  for (const a of avatars.values()) {
    const item = document.createElement("li");
    item.setAttribute("aria-selected", String(a.id === state.selected));
    const name = document.createElement("span");
    name.textContent = a.name;
    const life = document.createElement("span");
    life.className = "badge";
    life.textContent = `${a.state.life} · ${strongest(a.state.emotions)}`;
    item.append(name, life);
    item.addEventListener("click", () => select(a.id));
    list.append(item);
  }
  state.avatars = avatars.size;
}

function bars(element, values) {
  element.replaceChildren();
  for (const [name, value] of Object.entries(values ?? {})) {
    const dt = document.createElement("dt"), dd = document.createElement("dd"), fill = document.createElement("span");
    dt.textContent = name;
    fill.style.width = `${Math.round(Math.max(0, Math.min(1, value)) * 100)}%`;
    dd.title = value.toFixed(2);
    dd.append(fill);
    element.append(dt, dd);
  }
}

function renderDetail() {
  const a = avatars.get(state.selected);
  $("detail").hidden = !a;
  if (!a) return;
  $("name").textContent = a.name;
  $("life").textContent = a.state.life;
  $("mood").textContent = `feels ${strongest(a.state.emotions).toLowerCase()}`;
  bars($("needs"), a.state.needs);
  bars($("emotions"), a.state.emotions);
}

/// Relationships and memories of the selected avatar, re-read at most twice a second.
function refreshLists() {
  if (refreshTimer) return;
  refreshTimer = setTimeout(async () => {
    refreshTimer = null;
    const id = state.selected;
    if (!id) return;
    try {
      const [rel, mem] = await Promise.all([api("GET", `/v1/avatars/${id}/relationships`), api("GET", `/v1/avatars/${id}/memories?limit=8`)]);
      if (id !== state.selected) return;
      $("relationships").replaceChildren(...rel.relationships.map((r) => {
        const li = document.createElement("li");
        li.textContent = `${r.name}: ${r.stage.replace("_", " ")} (affinity ${r.affinity.toFixed(2)}, ${r.interactions} talks)`;
        return li;
      }));
      $("memories").replaceChildren(...mem.memories.map((m) => {
        const li = document.createElement("li");
        li.textContent = `${m.text} (strength ${m.strength.toFixed(2)})`;
        return li;
      }));
    } catch (e) { status(e.message, true); }
  }, 500);
}

function select(id) {
  state.selected = id;
  renderList();
  renderDetail();
  $("reply").textContent = "";
  refreshLists();
}

function showWorld(w) {
  state.world = w;
  $("clock").textContent = `day ${w.day}, ${w.clock}${w.paused ? " (paused)" : ""}`;
  $("pause").textContent = w.paused ? "Resume" : "Pause";
  const option = [...$("speed").options].find((o) => Number(o.value) === w.speed);
  if (option) $("speed").value = option.value;
}

function onEvent(e) {
  state.events += 1;
  lastSeq = e.seq;
  const parts = e.topic.split("/");
  if (e.topic === "world" && e.data.clock) showWorld({ ...state.world, ...e.data });
  if (e.topic === "avatars") { loadAvatars(); return; }
  if (parts[0] !== "avatars" || parts.length !== 3) return;
  const a = avatars.get(parts[1]);
  if (!a) return;
  if (parts[2] === "state") {
    a.state.life = e.data.life;
    a.state.needs = e.data.needs;
    a.state.emotions = e.data.emotions;
    renderList();
    if (a.id === state.selected) renderDetail();
  } else if (a.id === state.selected) refreshLists();
}

function connect() {
  socket = new WebSocket(socketURL("/v1/events"));
  socket.onopen = () => {
    const subscribe = { subscribe: ["avatars", "avatars/#", "world"] };
    if (lastSeq !== null) subscribe.since = lastSeq;
    socket.send(JSON.stringify(subscribe));
  };
  socket.onmessage = (m) => {
    const message = JSON.parse(m.data);
    if (message.type === "subscribed") { state.connected = true; status("Live."); return; }
    if (message.type === "gap") { loadAvatars(); return; }
    if (message.topic) onEvent(message);
  };
  socket.onclose = () => {
    if (!state.connected && lastSeq === null) status("The event connection failed; retrying...", true);
    state.connected = false;
    setTimeout(connect, 2000);  // resumes from lastSeq: nothing missed
  };
}

async function loadAvatars() {
  const list = await api("GET", "/v1/avatars?limit=1000");
  avatars.clear();
  for (const a of list.avatars) avatars.set(a.id, a);
  if (!state.selected && list.avatars.length) state.selected = list.avatars[0].id;
  renderList();
  renderDetail();
  refreshLists();
}

async function run(action) {
  try { await action(); } catch (e) { status(e.message, true); }
}

$("pause").addEventListener("click", () => run(async () => showWorld(await api("PATCH", "/v1/world", { paused: !state.world?.paused }))));
$("speed").addEventListener("change", () => run(async () => showWorld(await api("PATCH", "/v1/world", { speed: Number($("speed").value) }))));
$("hour").addEventListener("click", () => run(async () => showWorld(await api("POST", "/v1/world/advance", { minutes: 60 }))));
$("day").addEventListener("click", () => run(async () => showWorld(await api("POST", "/v1/world/advance", { minutes: 1440 }))));
$("create").addEventListener("submit", (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  const traits = ["openness", "conscientiousness", "extraversion", "agreeableness", "neuroticism"];
  const body = {
    name: f.get("name"),
    interests: String(f.get("interests") ?? "").split(",").map((s) => s.trim()).filter(Boolean),
    personality: Object.fromEntries(traits.map((t) => [t, Number(f.get(t))])),
  };
  run(async () => { const a = await api("POST", "/v1/avatars", body); e.target.reset(); await loadAvatars(); select(a.id); });
});
$("message").addEventListener("submit", (e) => {
  e.preventDefault();
  const text = new FormData(e.target).get("text");
  run(async () => {
    const r = await api("POST", `/v1/avatars/${state.selected}/messages`, { text });
    $("reply").textContent = `${r.reply} (${r.generator}${r.fallback_reason ? ", " + r.fallback_reason : ""})`;
    e.target.reset();
  });
});
window.addEventListener("error", (e) => { state.error = String(e.message); });

run(async () => {
  showWorld(await api("GET", "/v1/world"));
  await loadAvatars();
  connect();
});
