#!/usr/bin/env bash
# Face streams beside a big avatar world: the same voxload run (N streams, one Live Link target
# each) against `voxface serve` without avatars, then with A avatars (created through the API and
# lived for one world day with /v1/world/advance) ticking at the default speed. Prints, for each,
# deadline misses, missing frames, latency and the server's CPU and memory, and for the second the
# world's own cost from /metrics (simulation + commit seconds per tick).
#
#   Benchmarks/avatars-load.sh [--streams 50] [--duration 30] [--avatars 10000] [--out DIR]
#
# Uses .build/release/voxface and .build/release/voxload (build them first) and curl.
set -euo pipefail
streams=50
duration=30
avatars=10000
out=/tmp/voxface-avatars-load
while [[ $# -gt 0 ]]; do
  case "$1" in
    --streams) streams=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --avatars) avatars=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "avatars-load: unknown option $1" >&2; exit 2 ;;
  esac
done
bin=.build/release
[[ -x $bin/voxface && -x $bin/voxload ]] || { echo "avatars-load: build release voxface and voxload first" >&2; exit 2; }
mkdir -p "$out"

start_server() {  # data dir -> sets pid, port
  local log=$out/server.log
  "$bin/voxface" serve --port 0 --rtp-port 0 --max-streams $((streams + 8)) --max-avatars $((avatars + 1)) \
    --data-dir "$1" --world-seed 7 --log-level warning 2>"$log" &
  pid=$!
  port=
  for _ in $(seq 1 300); do
    port=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$log" | grep -o '[0-9]*$' || true)
    [[ -n "$port" ]] && break
    sleep 0.1
  done
  [[ -n "$port" ]] || { cat "$log" >&2; kill "$pid"; exit 1; }
}

metric() { curl -s "http://127.0.0.1:$port/metrics" | awk -v m="$1" '$1 == m { print $2 }'; }

load() {  # label
  "$bin/voxload" --server "http://127.0.0.1:$port" --streams "$streams" --duration "$duration" --livelink-per-stream 1 \
    --server-pid "$pid" --json "$out/$1.json" --quiet >"$out/$1.txt" 2>&1 || true
  python3 - "$out/$1.json" "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["run"]
m = r.get("deadline_misses", {}); l = r["latency_ms"]; s = r.get("server", {})
print(f"{sys.argv[2]:>12}: missing {r['frames']['missing']}, deadline misses {m.get('deadline_misses')}, "
      f"latency p50/p99/max {l['p50']:.1f}/{l['p99']:.1f}/{l['max']:.1f} ms, "
      f"server {s.get('cpu_cores', float('nan')):.2f} cores, {s.get('rss_max_mb', float('nan')):.0f} MB")
PY
}

# 1. No avatars.
data=$(mktemp -d)
start_server "$data"
load "no-avatars"
kill -TERM "$pid"; wait "$pid" || true
rm -rf "$data"

# 2. A avatars, lived one day, ticking while the streams run.
data=$(mktemp -d)
start_server "$data"
topics=(music hiking chess film cooking poetry robots travel art football jazz gardening astronomy history dance games)
for k in $(seq 1 "$avatars"); do
  r=$((RANDOM % 1000)); e=$((RANDOM % 1000)); a=$((RANDOM % 1000)); n=$((RANDOM % 1000)); c=$((RANDOM % 1000))
  echo "{\"name\":\"A$k\",\"personality\":{\"openness\":0.$r,\"conscientiousness\":0.$c,\"extraversion\":0.$e,\"agreeableness\":0.$a,\"neuroticism\":0.$n},\"interests\":[\"${topics[RANDOM % 16]}\",\"${topics[RANDOM % 16]}\",\"${topics[RANDOM % 16]}\"]}"
done | xargs -P 4 -d '\n' -I{} curl -s -o /dev/null -X POST "http://127.0.0.1:$port/v1/avatars" -d {}
curl -s -X POST "http://127.0.0.1:$port/v1/world/advance" -d '{"minutes": 1440}' >/dev/null
echo "avatars: $(curl -s "http://127.0.0.1:$port/v1/world")"
ticks0=$(metric voxface_avatar_ticks_total); sim0=$(metric voxface_avatar_simulation_seconds_total); commit0=$(metric voxface_avatar_commit_seconds_total)
load "avatars-$avatars"
ticks1=$(metric voxface_avatar_ticks_total); sim1=$(metric voxface_avatar_simulation_seconds_total); commit1=$(metric voxface_avatar_commit_seconds_total)
python3 -c "t=$ticks1-$ticks0; print(f'world during the run: {t} ticks, {($sim1-$sim0)/t*1000:.1f} ms simulation + {($commit1-$commit0)/t*1000:.1f} ms commit per tick')"
kill -TERM "$pid"; wait "$pid" || true
rm -rf "$data"
