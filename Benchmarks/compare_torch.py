#!/usr/bin/env python3
"""Side-by-side: one 128-frame window of the NeuroSync Seq2Seq in PyTorch (CPU, eager)
against voxface's model engine.

Usage:
  Benchmarks/compare_torch.py --neurosync DIR [--threads N] [--windows W] [--voxface BIN]
                              [--sizes released,small]

  --neurosync DIR  a checkout of NeuroSync_Local_API; its utils/model/model.py is imported
                   from there by file path (not copied)
  --threads N      intra-op threads for PyTorch (torch.set_num_threads) and for voxface
                   (--threads N); default 1
  --windows W      timed windows per side and size, default 20; the median is reported
  --voxface BIN    voxface executable (default: .build/release/voxface if present).  It is
                   run as `BIN model bench --size SIZE --windows W --threads N` and must print
                   a line `ms_per_window=<float>`.  When it is missing or fails, only the
                   PyTorch numbers are printed.
  --sizes LIST     comma-separated subset of released,small (default both)

Sizes (input 256, output 68, window 128 frames, feed-forward 4 x hidden):
  released  hidden 1024, 8 encoder + 8 decoder layers, 16 heads (~235.5 M parameters,
            random weights: timing does not depend on the values)
  small     hidden 256, 4 + 4 layers, 4 heads

PyTorch side: float32, torch.no_grad(), model.eval(), the reference forward
(model.decoder(model.encoder(x)) as decode_audio_chunk runs it) on a (1, 128, 256) tensor,
after 3 untimed warm-up windows; wall time per window with time.perf_counter.
GFLOP/s = forward_flops(...) / median time, counting 2*M*N*K for every matrix product
(Linear layers, and per head Q K^T and A V); softmax, LayerNorm, RoPE, ReLU, bias adds are
not counted.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WINDOW = 128
INPUT_DIM = 256
OUTPUT_DIM = 68

SIZES = {
    "released": {"hidden": 1024, "layers": 8, "heads": 16},
    "small": {"hidden": 256, "layers": 4, "heads": 4},
}


def forward_flops(window: int = WINDOW, input_dim: int = INPUT_DIM, hidden: int = 1024,
                  layers: int = 8, heads: int = 16, output_dim: int = OUTPUT_DIM,
                  ffn_mult: int = 4) -> int:
    """Multiply-add FLOPs (2*M*N*K per matrix product) of one window through the
    NeuroSync Seq2Seq: encoder embedding, `layers` encoder layers (self-attention + FFN),
    `layers` decoder layers (self-attention + cross-attention over the encoder output +
    FFN), output projection.  The key/value length of every attention is `window`."""
    L, H, d = window, hidden, hidden // heads

    def linear(m: int, k: int, n: int) -> int:          # (m x k) @ (k x n)
        return 2 * m * k * n

    def attention() -> int:
        projections = 4 * linear(L, H, H)                # q, k, v, out
        per_head = linear(L, d, L) + linear(L, L, d)     # Q K^T, then A V
        return projections + heads * per_head

    ffn = linear(L, H, ffn_mult * H) + linear(L, ffn_mult * H, H)
    encoder = linear(L, input_dim, H) + layers * (attention() + ffn)
    decoder = layers * (2 * attention() + ffn) + linear(L, H, output_dim)
    return encoder + decoder


def load_reference_model(neurosync: Path):
    path = neurosync / "utils/model/model.py"
    if not path.is_file():
        raise SystemExit(f"error: {path} not found (is --neurosync a NeuroSync_Local_API checkout?)")
    spec = importlib.util.spec_from_file_location("neurosync_reference_model", path)
    module = importlib.util.module_from_spec(spec)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        spec.loader.exec_module(module)
    return module


def time_torch(ref, size: dict, windows: int, threads: int) -> tuple[float, list[float], int]:
    import torch
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    h, n, heads = size["hidden"], size["layers"], size["heads"]
    model = ref.Seq2Seq(ref.Encoder(INPUT_DIM, h, n, heads), ref.Decoder(OUTPUT_DIM, h, n, heads),
                        torch.device("cpu")).eval()
    params = sum(p.numel() for p in model.parameters())
    x = torch.randn(1, WINDOW, INPUT_DIM)
    times = []
    with torch.no_grad():
        for _ in range(3):
            model.decoder(model.encoder(x))
        for _ in range(windows):
            start = time.perf_counter()
            model.decoder(model.encoder(x))
            times.append((time.perf_counter() - start) * 1000.0)
    del model
    return statistics.median(times), times, params


def time_voxface(binary: Path | None, size_name: str, windows: int, threads: int) -> tuple[float | None, str]:
    if binary is None:
        return None, "no voxface binary given and .build/release/voxface not found"
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        return None, f"{binary} is not an executable file"
    cmd = [str(binary), "model", "bench", "--size", size_name, "--windows", str(windows),
           "--threads", str(threads)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    except (OSError, subprocess.TimeoutExpired) as err:
        return None, f"`{' '.join(cmd)}` failed: {err}"
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or [""]
        return None, f"`{' '.join(cmd)}` exited with {proc.returncode}: {tail[0][:200]}"
    match = re.search(r"^\s*ms_per_window=([0-9.eE+-]+)\s*$", proc.stdout, re.MULTILINE)
    if not match:
        return None, f"`{' '.join(cmd)}` printed no ms_per_window=<float> line"
    return float(match.group(1)), " ".join(cmd)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--neurosync", required=True, type=Path)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--windows", type=int, default=20)
    parser.add_argument("--voxface", type=Path, default=None)
    parser.add_argument("--sizes", default="released,small")
    args = parser.parse_args()
    if args.threads < 1 or args.windows < 1:
        parser.error("--threads and --windows must be positive")
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    for s in sizes:
        if s not in SIZES:
            parser.error(f"unknown size {s!r} (choose from {', '.join(SIZES)})")

    binary = args.voxface
    if binary is None:
        candidate = ROOT / ".build/release/voxface"
        binary = candidate if candidate.is_file() else None

    import torch
    ref = load_reference_model(args.neurosync.resolve())
    print(f"torch {torch.__version__}, CPU capability {torch.backends.cpu.get_cpu_capability()}, "
          f"threads {args.threads}, {args.windows} windows of {WINDOW} frames, median")
    unmeasured = []
    for name in sizes:
        size = SIZES[name]
        flops = forward_flops(hidden=size["hidden"], layers=size["layers"], heads=size["heads"])
        torch_ms, times, params = time_torch(ref, size, args.windows, args.threads)
        gflops = flops / (torch_ms / 1000.0) / 1e9
        print(f"\n[{name}] hidden {size['hidden']}, {size['layers']}+{size['layers']} layers, "
              f"{size['heads']} heads: {params} parameters ({params / 1e6:.1f} M), "
              f"{flops / 1e9:.3f} GFLOP per window")
        print(f"  pytorch  ms_per_window={torch_ms:.3f}  (min {min(times):.3f}, max {max(times):.3f})  "
              f"{gflops:.1f} GFLOP/s")
        vox_ms, how = time_voxface(binary, name, args.windows, args.threads)
        if vox_ms is None:
            unmeasured.append(how)
            print("  voxface  not measured")
        else:
            print(f"  voxface  ms_per_window={vox_ms:.3f}  {flops / (vox_ms / 1000.0) / 1e9:.1f} GFLOP/s")
            print(f"  torch/voxface = {torch_ms / vox_ms:.2f}")
    if unmeasured:
        print(f"\nvoxface was not measured: {unmeasured[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
