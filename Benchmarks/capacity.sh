#!/usr/bin/env bash
# Capacity: the largest number of streams a `voxface serve` carries in real time, found by
# bisection with voxload: N passes when every stream's frames all arrive (missing=0) and the
# server counts no deadline miss (misses=0: no frame held while its audio was arriving) for the
# whole run. Each N runs against a fresh server (nothing carried over between runs).
#
#   Benchmarks/capacity.sh [--low 1] [--high 64] [--duration 60] [--out DIR] [-- SERVER OPTIONS...]
#   e.g. Benchmarks/capacity.sh --high 128 -- --model Models/default --hop 2 --lookahead 2
#
# Uses .build/release/voxface and .build/release/voxload (build them first). Prints one line per
# run and the capacity; the voxload JSON reports are kept in DIR (default /tmp/voxface-capacity).
set -euo pipefail
low=1
high=64
duration=60
out=/tmp/voxface-capacity
while [[ $# -gt 0 ]]; do
  case "$1" in
    --low) low=$2; shift 2 ;;
    --high) high=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "capacity: unknown option $1" >&2; exit 2 ;;
  esac
done
server_options=("$@")
mkdir -p "$out"
bin=.build/release
[[ -x $bin/voxface && -x $bin/voxload ]] || { echo "capacity: build release voxface and voxload first" >&2; exit 2; }

# Runs N streams against a fresh server; exit status 0 when N is carried.
run() {
  local n=$1 log port
  log=$(mktemp)
  "$bin/voxface" serve --port 0 --rtp-port 0 --max-streams $((n + 8)) --log-level warning "${server_options[@]}" 2>"$log" &
  local pid=$!
  for _ in $(seq 1 300); do
    port=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$log" | grep -o '[0-9]*$' || true)
    [[ -n "$port" ]] && break
    sleep 0.1
  done
  [[ -n "$port" ]] || { cat "$log" >&2; kill "$pid"; return 2; }
  local status=0
  "$bin/voxload" --server "http://127.0.0.1:$port" --streams "$n" --duration "$duration" --livelink-per-stream 1 \
    --server-pid "$pid" --json "$out/streams-$n.json" --slo missing=0 --slo misses=0 >"$out/streams-$n.txt" 2>&1 || status=$?
  kill -TERM "$pid"; wait "$pid" || true
  rm -f "$log"
  python3 - "$out/streams-$n.json" "$n" "$status" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["run"]
m = r.get("deadline_misses", {})
l = r["latency_ms"]; s = r.get("server", {})
print(f"N={sys.argv[2]:>4} {'pass' if sys.argv[3] == '0' else 'FAIL'}  missing {r['frames']['missing']}  deadline misses {m.get('deadline_misses')}"
      f"  hop widenings {m.get('hop_widenings')}  latency p50/p99/max {l['p50']:.1f}/{l['p99']:.1f}/{l['max']:.1f} ms"
      f"  server {s.get('cpu_cores', float('nan')):.2f} cores, {s.get('rss_max_mb', float('nan')):.0f} MB")
PY
  return "$status"
}

# Bisection: low passes (checked), high fails (or is the ceiling).
if ! run "$low"; then echo "capacity: even $low stream(s) fail"; exit 1; fi
if run "$high"; then echo "capacity: at least $high streams (raise --high)"; exit 0; fi
while (( high - low > 1 )); do
  mid=$(( (low + high) / 2 ))
  if run "$mid"; then low=$mid; else high=$mid; fi
done
echo "capacity: $low streams ($duration s each, zero deadline misses, no frame missing)"
