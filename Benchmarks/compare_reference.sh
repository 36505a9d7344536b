#!/usr/bin/env bash
# Side-by-side: voxface's feature extraction against NeuroSync's reference (Python/librosa).
#
# Usage:
#   Benchmarks/compare_reference.sh --neurosync DIR [--runs N] [--clip PATH]
#
#   --neurosync DIR  a checkout of NeuroSync_Local_API (its utils/audio/extraction/
#                    extract_features.py is imported from there by file path, not copied)
#   --runs N         timed runs of each side, default 5 (the median is reported)
#   --clip PATH      audio to analyse; default: the 60 s benchmark clip, made with
#                    Tools/make_test_clips.sh --bench-clip /tmp/voxface-bench/speech_60s.wav
#
# Environment:
#   VOXFACE_BIN      use this voxface executable instead of building one
#                    (otherwise: swift build -c release --product voxface in the repository root)
#   PYTHON           Python interpreter with librosa, numpy, scipy (default python3)
#
# voxface is timed as a whole process (start-up, decode, features, npy written), cold, once per
# run. The reference is timed in-process and warm: extract_audio_features(CLIP) after one
# untimed warm-up call, excluding Python start-up and imports. Both choices favour the reference.
# The outputs must agree to within 1e-3 (max absolute difference); the script fails otherwise.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NEUROSYNC=""
RUNS=5
CLIP=""
TOLERANCE="1e-3"

usage() {
    sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

while [[ $# -gt 0 ]]; do
    case "$1" in
        --neurosync) NEUROSYNC="${2:?--neurosync needs a directory}"; shift 2 ;;
        --runs) RUNS="${2:?--runs needs a number}"; shift 2 ;;
        --clip) CLIP="${2:?--clip needs a path}"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "error: unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done

[[ -n "$NEUROSYNC" ]] || { echo "error: --neurosync DIR is required" >&2; usage >&2; exit 2; }
[[ -f "$NEUROSYNC/utils/audio/extraction/extract_features.py" ]] || {
    echo "error: $NEUROSYNC/utils/audio/extraction/extract_features.py not found (is --neurosync a NeuroSync_Local_API checkout?)" >&2
    exit 2
}
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "error: --runs must be a positive integer" >&2; exit 2; }

if [[ -z "$CLIP" ]]; then
    CLIP=/tmp/voxface-bench/speech_60s.wav
    echo "making the 60 s benchmark clip: Tools/make_test_clips.sh --bench-clip $CLIP"
    "$ROOT/Tools/make_test_clips.sh" --bench-clip "$CLIP"
fi
[[ -f "$CLIP" ]] || { echo "error: clip $CLIP not found" >&2; exit 2; }

if [[ -n "${VOXFACE_BIN:-}" ]]; then
    echo "using VOXFACE_BIN=$VOXFACE_BIN (no build)"
else
    echo "building voxface: swift build -c release --product voxface"
    (cd "$ROOT" && swift build -c release --product voxface)
    VOXFACE_BIN="$(cd "$ROOT" && swift build -c release --show-bin-path)/voxface"
fi
[[ -x "$VOXFACE_BIN" ]] || { echo "error: $VOXFACE_BIN is not an executable" >&2; exit 2; }

mkdir -p /tmp/voxface-bench
WORK="$(mktemp -d /tmp/voxface-bench/compare.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT

"${PYTHON:-python3}" - "$VOXFACE_BIN" "$NEUROSYNC" "$CLIP" "$RUNS" "$WORK" "$TOLERANCE" <<'PYTHON'
import contextlib
import importlib.util
import io
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

voxface, neurosync, clip, runs, work, tolerance = sys.argv[1:7]
runs, work, tolerance = int(runs), Path(work), float(tolerance)

import numpy as np

try:
    import soundfile

    info = soundfile.info(clip)
    duration, rate, channels = info.frames / info.samplerate, info.samplerate, info.channels
except Exception:  # soundfile missing or format it cannot read: ask librosa
    import librosa

    duration, rate, channels = librosa.get_duration(path=clip), librosa.get_samplerate(clip), None


def median_ms(seconds):
    return statistics.median(seconds) * 1000


print()
print(f"clip:      {clip}")
print(f"duration:  {duration:.3f} s ({rate} Hz{'' if channels is None else f', {channels} ch'})")
print(f"machine:   {os.cpu_count()} CPUs; runs per side: {runs} (median reported)")
print()

# voxface: whole process, cold, N runs.
out = work / "voxface.npy"
command = [voxface, "features", clip, "--format", "npy", "--out", str(out)]
print("voxface:   " + " ".join(command))
vox_times = []
for _ in range(runs):
    out.unlink(missing_ok=True)
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    vox_times.append(time.perf_counter() - start)
    if done.returncode != 0:
        sys.exit(f"error: voxface failed ({done.returncode}): {done.stderr.decode(errors='replace').strip()}")
vox_features = np.load(out)

# Reference: NeuroSync's extract_features.py imported by file path, in-process, warm.
module_path = Path(neurosync) / "utils/audio/extraction/extract_features.py"
spec = importlib.util.spec_from_file_location("neurosync_extract_features", module_path)
reference = importlib.util.module_from_spec(spec)
spec.loader.exec_module(reference)
import librosa

print(f"reference: extract_audio_features(CLIP) from {module_path} (librosa {librosa.__version__}, numpy {np.__version__})")


def run_reference():
    captured = io.StringIO()
    with contextlib.redirect_stdout(captured):
        features, _ = reference.extract_audio_features(clip)
    if features is None:
        sys.exit(f"error: the reference returned no features: {captured.getvalue().strip()}")
    return features


ref_features = run_reference()  # warm-up, untimed
ref_times = []
for _ in range(runs):
    start = time.perf_counter()
    ref_features = run_reference()
    ref_times.append(time.perf_counter() - start)

vox_ms, ref_ms = median_ms(vox_times), median_ms(ref_times)
print()
print("Timing (medians):")
print(f"  voxface    {vox_ms:9.1f} ms  {duration / (vox_ms / 1000):8.1f}x real time   "
      f"[whole process, cold: start-up + decode + resample + features + npy write]")
print(f"  reference  {ref_ms:9.1f} ms  {duration / (ref_ms / 1000):8.1f}x real time   "
      f"[in-process, warm: after one warm-up call, excluding Python start-up and imports]")
print(f"  ratio reference/voxface: {ref_ms / vox_ms:.1f}x   (the timing method favours the reference)")
print(f"  all runs (ms): voxface {[round(t * 1000, 1) for t in vox_times]}, "
      f"reference {[round(t * 1000, 1) for t in ref_times]}")

print()
print("Consistency:")
ref_features = np.asarray(ref_features)
print(f"  shapes: voxface {vox_features.shape} {vox_features.dtype}, reference {ref_features.shape} {ref_features.dtype}")
if vox_features.shape != ref_features.shape:
    sys.exit("FAIL: the shapes differ")
difference = np.abs(vox_features.astype(np.float64) - ref_features.astype(np.float64))
worst = np.unravel_index(int(np.argmax(difference)), difference.shape)
max_diff = float(difference.max())
print(f"  max |voxface - reference| = {max_diff:.3e} at frame {worst[0]}, column {worst[1]} "
      f"(mean {float(difference.mean()):.3e}); tolerance {tolerance:g}")
if not max_diff <= tolerance:
    sys.exit(f"FAIL: max abs difference {max_diff:.3e} > {tolerance:g}")
print("  OK")
PYTHON
