#!/usr/bin/env python3
"""Write golden reference feature fixtures for the VoxDSP parity tests.

The reference implementation is NOT part of this repository.  This script imports
the feature-extraction module from a local checkout of NeuroSync_Local_API (passed with
``--neurosync DIR``) and runs its ``extract_audio_features`` on every clip of the parity
set.  Only that single module file is imported (it needs librosa/numpy/scipy, not torch).

Outputs (default ``Tests/VoxDSPTests/Fixtures/reference``):
  <name>.npy      float32 little-endian C-order array, shape (N, 256), .npy format v1.0
  manifest.json   per-clip metadata, library versions and the reference commit

With ``--debug-dir DIR`` it also writes, per clip, intermediate arrays into DIR/<name>/
for debugging the Swift port (not meant to be committed; all '<f4' unless noted):
  y_raw.npy       librosa.load at the native rate, mono, before resampling  (n,)
  y.npy           resampled (88.2 kHz) peak-normalised signal the reference used  (n,)
  mel_power.npy   mel power spectrogram fed to the MFCC  (128, M)
  mfcc_raw.npy    librosa.feature.mfcc output before CMVN  (23, M)
  mfcc69.npy      after CMVN + delta + delta-delta, before pair reduction  (69, M)
  autocorr.npy    autocorrelation lags 1..187 after the edge fix, before reduction  (187, M)
  autocorr_f64.npy, features_f64.npy   the same data in the reference's float64 ('<f8')
and DIR/mfcc_stats.json with per-coefficient statistics of mfcc_raw.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib.util
import io
import json
import platform
import subprocess
import sys
from pathlib import Path

import librosa
import numpy as np
import scipy
import soundfile as sf
import soxr

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_AUDIO = REPO_ROOT / "Tests/VoxDSPTests/Fixtures/audio"
DEFAULT_OUT = REPO_ROOT / "Tests/VoxDSPTests/Fixtures/reference"
MODULE_REL = Path("utils/audio/extraction/extract_features.py")

# (audio file, fixture name) -- the parity set.
PARITY_SET = [
    ("speech.wav", "speech"),
    ("speech_silence_edges.wav", "speech_silence_edges"),
    ("short_0p2s.wav", "short_0p2s"),
    ("stereo_48k.flac", "stereo_48k"),
    ("speech_44k1.wav", "speech_44k1"),
    ("loud_clipped.wav", "loud_clipped"),
    ("format.flac", "format_flac"),
]
STATS_CLIPS = ("speech", "speech_silence_edges")

# Analysis parameters used by the reference (reproduced here only to recompute the
# debug intermediates; the fixtures themselves come straight from the reference).
SR = 88200
FRAME_LENGTH = int(0.01667 * SR)  # 1470 samples, ~16.67 ms
HOP_LENGTH = FRAME_LENGTH // 2    # 735 samples
N_MFCC = 23
N_AUTOCORR = 187
N_FEATURES = 3 * N_MFCC + N_AUTOCORR  # 256


def load_reference_module(checkout: Path):
    path = checkout / MODULE_REL
    if not path.is_file():
        sys.exit(f"error: {path} not found; --neurosync must point at a NeuroSync_Local_API checkout")
    spec = importlib.util.spec_from_file_location("neurosync_extract_features", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def git_commit(checkout: Path) -> dict:
    info = {"commit": None, "dirty": None}
    try:
        info["commit"] = subprocess.run(
            ["git", "-C", str(checkout), "rev-parse", "HEAD"],
            check=True, capture_output=True, text=True).stdout.strip()
        status = subprocess.run(
            ["git", "-C", str(checkout), "status", "--porcelain", "--", str(MODULE_REL)],
            check=True, capture_output=True, text=True).stdout.strip()
        info["dirty"] = bool(status)
    except (OSError, subprocess.CalledProcessError):
        pass
    return info


def versions() -> dict:
    v = {
        "python": platform.python_version(),
        "librosa": librosa.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "soxr": soxr.__version__,
        "soundfile": sf.__version__,
        "libsndfile": sf.__libsndfile_version__,
    }
    try:
        import numba
        v["numba"] = numba.__version__
    except ImportError:
        pass
    return v


def save_f32(path: Path, arr) -> None:
    np.save(path, np.ascontiguousarray(np.asarray(arr, dtype="<f4")), allow_pickle=False)


def save_f64(path: Path, arr) -> None:
    np.save(path, np.ascontiguousarray(np.asarray(arr, dtype="<f8")), allow_pickle=False)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_reference(ref, audio_path: Path):
    """Call the reference extractor, capturing its chatter on stdout."""
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        features, y = ref.extract_audio_features(str(audio_path))
    return features, y, buf.getvalue()


def debug_intermediates(ref, audio_path: Path, y: np.ndarray, features: np.ndarray, out: Path) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    y_raw, _ = librosa.load(str(audio_path), sr=None, mono=True)
    mel_power = librosa.feature.melspectrogram(y=y, sr=SR, n_fft=FRAME_LENGTH, hop_length=HOP_LENGTH)
    mfcc_raw = librosa.feature.mfcc(y=y, sr=SR, n_mfcc=N_MFCC, n_fft=FRAME_LENGTH, hop_length=HOP_LENGTH)
    mfcc69 = ref.extract_overlapping_mfcc(y, SR, N_MFCC, FRAME_LENGTH, HOP_LENGTH)
    autocorr = ref.extract_overlapping_autocorr(y, SR, FRAME_LENGTH, HOP_LENGTH)

    # The intermediates must reproduce the reference output exactly.
    recombined = np.hstack([ref.reduce_features(mfcc69).T, ref.reduce_features(autocorr).T])
    if not np.array_equal(recombined, features):
        raise RuntimeError(f"{audio_path.name}: debug intermediates do not reproduce the reference features")
    # mfcc_raw is DCT-II(ortho) of power_to_db(mel_power) (top_db=80 floor), first 23.
    mel_db = librosa.power_to_db(mel_power, top_db=80.0)
    mfcc_check = scipy.fft.dct(mel_db, axis=0, type=2, norm="ortho")[:N_MFCC]
    if not np.allclose(mfcc_check, mfcc_raw, rtol=0, atol=1e-3):
        raise RuntimeError(f"{audio_path.name}: mel_power does not reproduce mfcc_raw")

    save_f32(out / "y_raw.npy", y_raw)
    save_f32(out / "y.npy", y)
    save_f32(out / "mel_power.npy", mel_power)
    save_f32(out / "mfcc_raw.npy", mfcc_raw)
    save_f32(out / "mfcc69.npy", mfcc69)
    save_f32(out / "autocorr.npy", autocorr)
    save_f64(out / "autocorr_f64.npy", autocorr)
    save_f64(out / "features_f64.npy", features)

    mel_db_unfloored = librosa.power_to_db(mel_power, top_db=None)
    return {
        "frames_M": int(mfcc_raw.shape[1]),
        "mfcc_raw_mean": [float(x) for x in mfcc_raw.mean(axis=1, dtype=np.float64)],
        "mfcc_raw_std": [float(x) for x in mfcc_raw.std(axis=1, dtype=np.float64)],  # population (ddof=0)
        "mel_db_max_before_top_db": float(mel_db_unfloored.max()),
        "mel_db_min_before_top_db": float(mel_db_unfloored.min()),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--neurosync", required=True, type=Path, help="checkout of NeuroSync_Local_API")
    ap.add_argument("--audio-dir", type=Path, default=DEFAULT_AUDIO)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--debug-dir", type=Path, default=None,
                    help="also write intermediate arrays per clip here (not committed)")
    ap.add_argument("--verbose", action="store_true", help="show the reference module's own output")
    args = ap.parse_args()

    checkout = args.neurosync.resolve()
    ref = load_reference_module(checkout)
    args.out.mkdir(parents=True, exist_ok=True)

    manifest = {
        "generator": "Tools/reference_features.py",
        "reference": {"project": "NeuroSync_Local_API", "module": str(MODULE_REL),
                      "function": "extract_audio_features", **git_commit(checkout)},
        "parameters": {"sample_rate": SR, "frame_length": FRAME_LENGTH, "hop_length": HOP_LENGTH,
                       "n_mfcc": N_MFCC, "n_autocorr": N_AUTOCORR, "n_features": N_FEATURES},
        "npy": {"dtype": "<f4", "order": "C", "shape": "(N, 256)", "version": "1.0"},
        "versions": versions(),
        "clips": [],
    }
    stats = {}

    for filename, name in PARITY_SET:
        audio_path = args.audio_dir / filename
        if not audio_path.is_file():
            sys.exit(f"error: missing clip {audio_path} (run Tools/make_test_clips.sh)")
        info = sf.info(str(audio_path))
        features, y, chatter = run_reference(ref, audio_path)
        if args.verbose and chatter:
            print(chatter, end="")

        entry = {
            "name": name,
            "file": filename,
            "sha256": sha256(audio_path),
            "sample_rate": int(info.samplerate),
            "channels": int(info.channels),
            "frames": int(info.frames),
            "format": info.format,
            "subtype": info.subtype,
        }
        if features is None:
            entry.update({"N": 0, "features": None})
            print(f"{name:22s} N=0 (reference returned None: clip too short)")
        else:
            features = np.asarray(features)
            if features.ndim != 2 or features.shape[1] != N_FEATURES:
                raise RuntimeError(f"{filename}: unexpected feature shape {features.shape}")
            npy = args.out / f"{name}.npy"
            save_f32(npy, features)
            entry.update({
                "N": int(features.shape[0]),
                "features": npy.name,
                "resampled_length": int(len(y)),
                "reference_dtype": str(features.dtype),
                "min": float(features.min()),
                "max": float(features.max()),
            })
            if args.debug_dir is not None:
                st = debug_intermediates(ref, audio_path, np.asarray(y), features, args.debug_dir / name)
                if name in STATS_CLIPS:
                    stats[name] = st
            dur = info.frames / info.samplerate
            print(f"{name:22s} N={features.shape[0]:4d}  ({features.shape[0] / dur:5.1f}/s)  "
                  f"min={features.min():+.6f}  max={features.max():+.6f}  "
                  f"[{info.samplerate} Hz, {info.channels} ch, {info.frames} frames]")
        manifest["clips"].append(entry)

    with open(args.out / "manifest.json", "w") as fh:
        json.dump(manifest, fh, indent=2)
        fh.write("\n")
    print(f"wrote {len(manifest['clips'])} fixtures + manifest.json to {args.out}")

    if stats:
        with open(args.debug_dir / "mfcc_stats.json", "w") as fh:
            json.dump(stats, fh, indent=2)
            fh.write("\n")
        np.set_printoptions(precision=4, suppress=True, linewidth=150)
        for name, st in stats.items():
            print(f"\n{name}: raw MFCC (before CMVN) over {st['frames_M']} frames")
            print("  mean:", np.array(st["mfcc_raw_mean"]))
            print("  std: ", np.array(st["mfcc_raw_std"]))
            print(f"  max power_to_db(mel) before top_db floor: {st['mel_db_max_before_top_db']:.4f} dB")
        print(f"wrote debug intermediates to {args.debug_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
