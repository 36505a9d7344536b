// The social space page: every profile as a point in 3D (coloured by room), drawn on a canvas
// with a perspective projection; click one to see its neighbours and its matches with each
// dimension; new profiles, moves and room changes arrive live from /v1/events.

import { api, socketURL, statusLine } from "/app/common.js";

const state = { connected: false, profiles: 0, rooms: 0, events: 0, selected: null, error: null, drawn: 0 };
window.voxface = { state };

const $ = (id) => document.getElementById(id);
const canvas = $("space");
const ctx = canvas.getContext("2d");
const people = new Map();  // id -> {id, name, position: [x, y, z], room}
let view = { yaw: 0.6, pitch: 0.35, zoom: 1 };
let lastSeq = null, drawQueued = false, projected = [];

const status = statusLine(state);

/// A stable colour per room (golden-angle hues).
function colour(room) {
  let h = 0;
  for (const c of room ?? "") h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return `hsl(${(h * 137.508) % 360}, 65%, 52%)`;
}

function draw() {
  drawQueued = false;
  const w = canvas.width, h = canvas.height;
  ctx.clearRect(0, 0, w, h);
  const cy = Math.cos(view.yaw), sy = Math.sin(view.yaw), cp = Math.cos(view.pitch), sp = Math.sin(view.pitch);
  let extent = 1;
  for (const p of people.values()) for (const v of p.position) extent = Math.max(extent, Math.abs(v));
  const scale = (Math.min(w, h) * 0.42 * view.zoom) / extent;
  projected = [];
  for (const p of people.values()) {
    const [x, y, z] = p.position;
    const x1 = cy * x + sy * z, z1 = -sy * x + cy * z;
    const y2 = cp * y - sp * z1, z2 = sp * y + cp * z1;
    const depth = 1 / (1 + z2 / (extent * 4));
    projected.push({ id: p.id, x: w / 2 + x1 * scale * depth, y: h / 2 - y2 * scale * depth, z: z2, r: 4 * depth + 1, room: p.room });
  }
  projected.sort((a, b) => b.z - a.z);  // far first
  for (const q of projected) {
    ctx.beginPath();
    ctx.arc(q.x, q.y, q.id === state.selected ? q.r + 3 : q.r, 0, 2 * Math.PI);
    ctx.fillStyle = colour(q.room);
    ctx.fill();
    if (q.id === state.selected) { ctx.lineWidth = 2; ctx.strokeStyle = "#fff"; ctx.stroke(); }
  }
  state.drawn = projected.length;
  $("counts").textContent = `${people.size} people in ${state.rooms} rooms.`;
}

function redraw() {
  if (!drawQueued) { drawQueued = true; requestAnimationFrame(draw); }
}

function item(text) {
  const li = document.createElement("li");
  li.textContent = text;
  return li;
}

async function select(id) {
  state.selected = id;
  redraw();
  $("detail").hidden = !id;
  if (!id) return;
  try {
    const [p, near, match] = await Promise.all([
      api("GET", `/v1/profiles/${id}`), api("GET", `/v1/profiles/${id}/neighbors?k=5`), api("GET", `/v1/profiles/${id}/matches?k=5`),
    ]);
    if (id !== state.selected) return;
    $("name").textContent = p.name;
    $("room").textContent = p.room;
    $("interests").textContent = p.interests.join(", ");
    $("cv").textContent = p.cv_text;
    $("neighbors").replaceChildren(...near.neighbors.map((n) => item(`${n.name} (distance ${n.distance.toFixed(2)})`)));
    $("matches").replaceChildren(...match.matches.map((m) => {
      const li = item(`${m.name}: ${Math.round(m.score * 100)}%`);
      const dims = document.createElement("dl");
      dims.className = "bars";
      for (const [name, d] of Object.entries(m.dimensions)) {
        const dt = document.createElement("dt"), dd = document.createElement("dd"), fill = document.createElement("span");
        dt.textContent = name.replace("_", " ");
        fill.style.width = `${Math.round(d.score * 100)}%`;
        dd.title = d.detail;
        dd.append(fill);
        dims.append(dt, dd);
      }
      li.append(dims);
      return li;
    }));
  } catch (e) { status(e.message, true); }
}

async function loadSpace() {
  people.clear();
  let after = null;
  do {
    const page = await api("GET", `/v1/space?limit=10000${after ? `&after=${after}` : ""}`);
    for (const p of page.profiles) people.set(p.id, p);
    state.rooms = page.rooms;
    after = page.next;
  } while (after);
  state.profiles = people.size;
  redraw();
}

function onEvent(e) {
  state.events += 1;
  lastSeq = e.seq;
  const d = e.data;
  const person = (id) => {
    if (!people.has(id)) people.set(id, { id, name: "", position: [0, 0, 0], room: "" });
    return people.get(id);
  };
  if (d.type === "placed" || d.type === "moved") {
    person(d.id).position = d.position;
  } else if (d.type === "room_changed") {
    person(d.id).room = d.to;
  } else if (d.type === "profile_created" || d.type === "profile_updated") {
    person(d.id).name = d.name;
  } else if (d.type === "profile_deleted") {
    people.delete(d.id);
    if (state.selected === d.id) select(null);
  } else if (d.type === "room_created") state.rooms += 1;
  else if (d.type === "room_closed") state.rooms = Math.max(0, state.rooms - 1);
  state.profiles = people.size;
  redraw();
}

function connect() {
  const socket = new WebSocket(socketURL("/v1/events"));
  socket.onopen = () => {
    const subscribe = { subscribe: ["matchmaking"] };
    if (lastSeq !== null) subscribe.since = lastSeq;
    socket.send(JSON.stringify(subscribe));
  };
  socket.onmessage = (m) => {
    const message = JSON.parse(m.data);
    if (message.type === "subscribed") { state.connected = true; status("Live."); return; }
    if (message.type === "gap") { loadSpace(); return; }
    if (message.topic) onEvent(message);
  };
  socket.onclose = () => {
    if (!state.connected && lastSeq === null) status("The event connection failed; retrying...", true);
    state.connected = false;
    setTimeout(connect, 2000);  // resumes from lastSeq
  };
}

// Turning, zooming and picking.
let drag = null;
canvas.addEventListener("pointerdown", (e) => { drag = { x: e.clientX, y: e.clientY, moved: false }; canvas.setPointerCapture(e.pointerId); });
canvas.addEventListener("pointermove", (e) => {
  if (!drag) return;
  const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
  if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
  view.yaw += dx * 0.01;
  view.pitch = Math.max(-1.5, Math.min(1.5, view.pitch + dy * 0.01));
  drag.x = e.clientX;
  drag.y = e.clientY;
  redraw();
});
canvas.addEventListener("pointerup", (e) => {
  const wasClick = drag && !drag.moved;
  drag = null;
  if (!wasClick) return;
  const box = canvas.getBoundingClientRect();
  const x = ((e.clientX - box.left) * canvas.width) / box.width, y = ((e.clientY - box.top) * canvas.height) / box.height;
  let best = null, bestD = 12 * 12;
  for (const q of projected) {
    const d = (q.x - x) ** 2 + (q.y - y) ** 2;
    if (d < bestD) { bestD = d; best = q.id; }
  }
  select(best);
});
canvas.addEventListener("wheel", (e) => { e.preventDefault(); view.zoom = Math.max(0.3, Math.min(8, view.zoom * Math.exp(-e.deltaY * 0.001))); redraw(); }, { passive: false });

$("create").addEventListener("submit", (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  const body = {
    name: f.get("name"), cv_text: f.get("cv_text") ?? "",
    interests: String(f.get("interests") ?? "").split(",").map((s) => s.trim()).filter(Boolean),
  };
  api("POST", "/v1/profiles", body).then((p) => { e.target.reset(); select(p.id); }).catch((err) => status(err.message, true));
});
window.addEventListener("error", (e) => { state.error = String(e.message); });
window.voxface.select = select;

loadSpace().then(connect).catch((e) => status(e.message, true));
