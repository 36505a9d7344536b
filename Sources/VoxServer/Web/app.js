// The live face page: microphone (or a file) -> AudioWorklet -> PCM16 over the stream's audio
// WebSocket; face frames from its frames WebSocket -> the face, drawn at the display's rate.
import { FaceRenderer } from "./face.js";
import { authHeaders, socketURL } from "./common.js";

/// Readable by people and by browser automation (tests, kiosks).
const state = { connected: false, framesReceived: 0, jawOpen: 0, error: null, fps: 0, latencyMs: null, stream: null };
window.voxface = { state };

const $ = (id) => document.getElementById(id);
const chartChannels = [
  ["JawOpen", "#3b7ddd"], ["MouthClose", "#8e44ad"], ["MouthFunnel", "#16a085"], ["MouthPucker", "#e67e22"],
  ["MouthSmileLeft", "#c0392b"], ["BrowInnerUp", "#7f8c8d"],
];
const history = 240; // frames on the chart: 4 s

let names = null, face = null, index = {};
let session = null;  // the running capture: {context, media, source, audio, frames, ...}
let latest = null;   // the newest frame's values (older ones are simply replaced: never queued)
const samples = chartChannels.map(() => new Float32Array(history));
let sampleAt = 0;
let frameTimes = [];

function status(text, isError = false) {
  $("status").textContent = text;
  $("status").classList.toggle("error", isError);
  if (isError) state.error = text;
}

async function setup() {
  const reply = await fetch("/app/channels.json");
  names = await reply.json();
  names.forEach((n, i) => { index[n] = i; });
  face = new FaceRenderer($("face"), names);
  face.draw(new Float32Array(names.length));
  for (const [name, color] of chartChannels) {
    const item = document.createElement("li"), swatch = document.createElement("span");
    swatch.style.background = color;  // through the CSSOM: the page's CSP allows no inline styles
    item.append(swatch, name);
    $("legend").append(item);
  }
  try {
    const avatars = await (await fetch("/v1/avatars?limit=200", { headers: authHeaders() })).json();
    for (const a of avatars.avatars ?? []) {
      const option = document.createElement("option");
      option.value = a.id; option.textContent = a.name;
      $("avatar").append(option);
    }
  } catch { /* no avatars listed: the face works without */ }
  requestAnimationFrame(render);
}

function render() {
  if (latest) face.draw(latest);
  drawChart();
  requestAnimationFrame(render);
}

function drawChart() {
  const canvas = $("chart"), g = canvas.getContext("2d"), w = canvas.width, h = canvas.height;
  g.clearRect(0, 0, w, h);
  g.strokeStyle = "rgba(128,128,128,0.3)"; g.lineWidth = 1;
  g.beginPath(); g.moveTo(0, h - 1); g.lineTo(w, h - 1); g.stroke();
  chartChannels.forEach(([, color], k) => {
    g.strokeStyle = color; g.lineWidth = 1.5; g.beginPath();
    for (let i = 0; i < history; i++) {
      const value = samples[k][(sampleAt + i) % history];
      const x = (i / (history - 1)) * w, y = h - 2 - Math.max(0, Math.min(1, value)) * (h - 4);
      if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
    }
    g.stroke();
  });
}

function onFrame(buffer) {
  const view = new DataView(buffer);
  const timeUs = Number(view.getBigInt64(8, true));
  const count = view.getUint32(20, true);
  const values = new Float32Array(buffer.slice(24, 24 + 4 * count));
  latest = values;
  state.framesReceived += 1;
  state.jawOpen = values[index.JawOpen] ?? 0;
  chartChannels.forEach(([name], k) => { samples[k][sampleAt] = values[index[name]] ?? 0; });
  sampleAt = (sampleAt + 1) % history;
  const now = performance.now();
  frameTimes.push(now);
  while (frameTimes.length && frameTimes[0] < now - 1000) frameTimes.shift();
  state.fps = frameTimes.length;
  // Mouth to face: when the audio of this frame was captured, to now.
  if (session && session.firstCapture !== null) {
    state.latencyMs = Math.round(now - (session.firstCapture + timeUs / 1000));
  }
  if (state.framesReceived % 15 === 0) {
    $("frames").textContent = state.framesReceived;
    $("fps").textContent = `${state.fps} fps`;
    $("latency").textContent = state.latencyMs === null ? "–" : `${state.latencyMs} ms`;
  }
}

const wsURL = socketURL;

async function start(file) {
  stop();
  state.error = null;
  $("status").classList.remove("error");
  const context = new AudioContext();
  session = { context, media: null, source: null, audio: null, frames: null, firstCapture: null, sent: 0 };
  // Handlers act only while their own session is the current one: a stream stopped for a new one
  // still reports its close, and must not end the new stream.
  const mine = session;
  try {
    await context.audioWorklet.addModule("/app/capture-worklet.js");
    let source;
    if (file) {
      const decoded = await context.decodeAudioData(await file.arrayBuffer());
      source = context.createBufferSource();
      source.buffer = decoded;
      source.connect(context.destination);
      source.onended = () => finish(mine, "The file has been sent.");
    } else {
      if (!navigator.mediaDevices || !window.isSecureContext) {
        throw new Error("The microphone needs a secure context: open the app at http://127.0.0.1 or localhost on this machine, or over HTTPS (README, \"The browser app\").");
      }
      try {
        session.media = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true } });
      } catch (e) {
        throw new Error(e.name === "NotAllowedError" ? "Microphone access was refused: allow it in the browser's site settings and try again." : `No microphone: ${e.message}`);
      }
      source = context.createMediaStreamSource(session.media);
    }
    session.source = source;
    const capture = new AudioWorkletNode(context, "capture", { numberOfInputs: 1, numberOfOutputs: 0, channelCount: 1, channelCountMode: "explicit" });
    source.connect(capture);

    const avatar = $("avatar").value;
    let reply;
    try {
      reply = await fetch("/v1/streams", { method: "POST", headers: authHeaders({ "Content-Type": "application/json" }), body: JSON.stringify(avatar ? { avatar } : {}) });
    } catch {
      throw new Error("The server is unreachable.");
    }
    const created = await reply.json();
    if (!reply.ok) throw new Error(created.error?.message ?? `the server answered ${reply.status}`);
    state.stream = created.id;

    const frames = new WebSocket(wsURL(`/v1/streams/${created.id}/frames`));
    frames.binaryType = "arraybuffer";
    frames.onmessage = (m) => {
      if (typeof m.data === "string") {
        const message = JSON.parse(m.data);
        if (message.type === "stream_closed") finish(mine, `The stream closed (${message.reason}).`);
      } else onFrame(m.data);
    };
    frames.onclose = () => { if (session === mine) state.connected = false; };
    session.frames = frames;

    const audio = new WebSocket(wsURL(`/v1/streams/${created.id}/audio?token=${encodeURIComponent(created.token)}`));
    session.audio = audio;
    await new Promise((resolve, reject) => {
      audio.onopen = resolve;
      audio.onerror = () => reject(new Error("The audio connection to the server failed."));
    });
    audio.send(JSON.stringify({ format: "pcm16", sample_rate: context.sampleRate }));
    audio.onclose = (e) => { if (session && session.audio === audio && e.code !== 1000 && e.code !== 1001) status(`The server closed the audio connection (${e.code} ${e.reason}).`, true); };
    capture.port.onmessage = (m) => { if (session === mine) send(m.data); };
    state.connected = true;
    if (file) source.start();
    const working = file ? `Sending ${file.name}...` : "Listening: speak and watch the face.";
    $("mic").disabled = true; $("stop").disabled = false;
    if (await resumeAudio(context, working)) status(working);
    else status("The browser holds the audio back until you click or press a key on this page.");
  } catch (e) {
    stop();
    status(e.message ?? String(e), true);
  }
}

/// Starts the audio graph; false when the browser keeps it suspended (Firefox does until the
/// person has clicked or typed on the page, as after `?autostart=1`): then the next click or key
/// on the page starts it and shows `working`.
async function resumeAudio(context, working) {
  await Promise.race([context.resume(), new Promise((resolve) => setTimeout(resolve, 1000))]);
  if (context.state === "running") return true;
  const wake = () => {
    document.removeEventListener("pointerdown", wake);
    document.removeEventListener("keydown", wake);
    if (session?.context !== context) return;
    context.resume().then(() => { if (session?.context === context) status(working); });
  };
  document.addEventListener("pointerdown", wake);
  document.addEventListener("keydown", wake);
  return false;
}

/// One 20 ms block of float samples -> little-endian PCM16 on the audio socket. A socket that
/// backs up (over 1 MB queued) drops blocks rather than queueing without bound.
function send(block) {
  const audio = session?.audio;
  if (!audio || session.finished || audio.readyState !== WebSocket.OPEN || audio.bufferedAmount > (1 << 20)) return;
  if (session.firstCapture === null) session.firstCapture = performance.now() - (block.length / session.context.sampleRate) * 1000;
  const pcm = new Int16Array(block.length);
  for (let i = 0; i < block.length; i++) pcm[i] = Math.max(-32768, Math.min(32767, Math.round(block[i] * 32767)));
  audio.send(pcm.buffer);
  session.sent += 1;
}

function finish(ended, message) {
  if (session !== ended || ended.finished) return;
  // After `end` the server refuses more audio (1008), so the capture stops feeding the socket.
  ended.finished = true;
  if (ended.audio?.readyState === WebSocket.OPEN) ended.audio.send(JSON.stringify({ type: "end" }));
  status(message);
  $("mic").disabled = false; $("stop").disabled = true;
}

function stop() {
  if (!session) return;
  const s = session;
  session = null;
  try { if (s.audio?.readyState === WebSocket.OPEN) s.audio.send(JSON.stringify({ type: "end" })); } catch { }
  s.media?.getTracks().forEach((t) => t.stop());
  setTimeout(() => { s.audio?.close(); s.frames?.close(); s.context.close(); }, 1500);
  state.connected = false;
  $("mic").disabled = false; $("stop").disabled = true;
}

$("mic").addEventListener("click", () => start(null));
$("stop").addEventListener("click", () => { stop(); status("Stopped."); });
$("file").addEventListener("change", (e) => { const f = e.target.files[0]; if (f) start(f); e.target.value = ""; });
window.addEventListener("error", (e) => { state.error = String(e.message); });

setup().then(() => {
  if (new URLSearchParams(location.search).get("autostart") === "1") start(null);
}).catch((e) => status(`The app could not start: ${e.message}`, true));
