#!/usr/bin/env bash
# The voxload smoke test (`make smoke`, run by `make test`): a fresh `voxface serve` on free ports
# (port 0: the kernel picks; the server prints what it bound), a 10 s voxload run of 4 RTP streams
# with a Live Link target and a WebSocket subscriber each, delivery SLOs (below; not timing), then
# SIGTERM. Fails when a frame is missing, the server does not start, or either
# process fails.
#
# The server's pacer catches up a wake-up up to 4 frames late and skips beyond that (FramePacer);
# voxload counts skipped frames as missing. The streams use hop 24 (a quarter of the model work
# of a debug build; SMOKE_SETTINGS) so that the run is about delivery, not CPU. Timing is what
# voxload measures on release builds, not here.
set -euo pipefail

BIN=${BIN:-.build/debug}
STREAMS=${STREAMS:-4}
DURATION=${DURATION:-10}
LIVELINK=${LIVELINK:-1}
WS=${WS:-1}
SMOKE_SETTINGS=${SMOKE_SETTINGS---hop 24}  # set but empty: the server's defaults
SERVER_ARGS=${SERVER_ARGS:-}  # more `voxface serve` options
# Delivery: every frame of the audio reaches every receiver: none missing (not sent, or lost on
# the way) and none undelivered (sent but lost on the way).
SMOKE_SLO=${SMOKE_SLO:---slo undelivered=0 --slo missing=0}

log=$(mktemp /tmp/voxface-smoke.XXXXXX)
server_pid=

stop_server() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"
    wait "$server_pid" || true
  fi
  server_pid=
}
data=$(mktemp -d)
trap 'stop_server; rm -f "$log"; rm -rf "$data"' EXIT

"$BIN/voxface" serve --host 127.0.0.1 --port 0 --rtp-port 0 --data-dir "$data" --log-level warning $SERVER_ARGS 2>"$log" &
server_pid=$!

http=
for _ in $(seq 1 300); do
  line=$(grep -o 'listening on http://127.0.0.1:[0-9]*.*udp://127.0.0.1:[0-9]*' "$log" || true)
  if [[ -n "$line" ]]; then
    http=$(sed -E 's|.*http://127.0.0.1:([0-9]+).*|\1|' <<<"$line")
    break
  fi
  kill -0 "$server_pid" 2>/dev/null || { cat "$log" >&2; echo "voxload smoke: the server exited" >&2; exit 1; }
  sleep 0.1
done
[[ -n "$http" ]] || { cat "$log" >&2; echo "voxload smoke: the server did not report its ports" >&2; exit 1; }
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$http/health" >/dev/null && break
  sleep 0.1
done
curl -sf "http://127.0.0.1:$http/health" >/dev/null || { echo "voxload smoke: /health did not answer" >&2; exit 1; }

status=0
report=$(mktemp)
trap 'stop_server; rm -f "$log" "$report"; rm -rf "$data"' EXIT
"$BIN/voxload" --server "http://127.0.0.1:$http" --streams "$STREAMS" --duration "$DURATION" \
  --livelink-per-stream "$LIVELINK" --ws-per-stream "$WS" --server-pid "$server_pid" $SMOKE_SETTINGS $SMOKE_SLO \
  | tee "$report" || status=$?
stop_server
if [[ $status -ne 0 ]]; then
  cat "$log" >&2
  echo "voxload smoke: FAILED (voxload exit status $status)" >&2
  exit "$status"
fi
# The minute-by-minute misses come from the server's /metrics: the run must have read them.
if ! grep -q '^by minute: ' "$report" || grep -q '^by minute: deadline misses not read' "$report"; then
  echo "voxload smoke: FAILED (no minute-by-minute deadline misses from /metrics)" >&2
  exit 1
fi
if ! grep -q '^by minute: latency p99 in a median minute ' "$report"; then
  echo "voxload smoke: FAILED (no minute-by-minute latency)" >&2
  exit 1
fi
echo "voxload smoke: passed ($STREAMS streams x $DURATION s)"
