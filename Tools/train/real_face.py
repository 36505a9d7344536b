"""A model against a real face: speech recorded together with an iPhone Live Link Face capture
of the speaker (60 fps CSV), per mouth and jaw channel: Pearson r of the model's output against
the capture, and the mean and 95th percentile of each (how far the model's amplitudes are from a
real face's).

  python3 Tools/train/real_face.py --audio take/audio.wav --csv take/capture.csv [--model DIR]

The one such pair we know of that is public is NeuroSync_Trainer_Lite's test set (AnimaVR, 20.4 s
of a man's speech, dataset/test_set/{audio.wav,testset.csv}; its licence is the repository's:
read it before use, and keep the data out of this repository). The capture's rows are taken as
60 fps from the audio's start, as NeuroSync's trainer does; r is also given at the best lag
within +-6 frames of JawOpen, in case the take's clocks were offset.

`--profile CORPUS` prints, instead, what the viseme calibration (visemes.py) was read from: per
channel the capture's mean and p95 over its speech frames (20 ms level within 30 dB of the
take's loud frames, so pauses inside words count as speech) and its mean over silence (more
than 150 ms from speech), the channel's r with JawOpen in speech, and the same figures of the
targets visemes.py makes for CORPUS's phoneme frames (e.g. the real-speech set).
"""
import glob
import argparse
import csv
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import visemes as V  # noqa: E402
from evaluate import CHANNELS, REPO, run  # noqa: E402


def capture(path):
    """(rows, 68) ARKit values from a Live Link Face CSV, columns matched by name."""
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header = {name.strip().lower(): k for k, name in enumerate(rows[0])}
    out = np.zeros((len(rows) - 1, 68))
    for name, j in V.IDX.items():
        k = header.get(name.lower())
        if k is not None:
            out[:, j] = [float(r[k]) for r in rows[1:]]
    return out


def compare(out, face):
    n = min(len(out), len(face))
    out, face = out[:n], face[:n]
    jaw = V.IDX["JawOpen"]

    def r_at(a, b, lag):
        a, b = (a[lag:], b[: len(b) - lag]) if lag >= 0 else (a[:lag], b[-lag:])
        return float(np.corrcoef(a, b)[0, 1]) if a.std() > 0 and b.std() > 0 else 0.0

    best = max(range(-6, 7), key=lambda lag: r_at(out[:, jaw], face[:, jaw], lag))
    rows = {}
    for c in CHANNELS:
        j = V.IDX[c]
        o, t = out[:, j], face[:, j]
        rows[c] = {"r": r_at(o, t, 0), "r_best_lag": r_at(o, t, best), "out_mean": o.mean(), "face_mean": t.mean(),
                   "out_p95": np.percentile(o, 95), "face_p95": np.percentile(t, 95)}
    return n, best, rows


PROFILE = ["JawOpen", "MouthClose", "MouthFunnel", "MouthPucker", "MouthPressLeft", "MouthStretchLeft", "MouthRollLower",
           "MouthRollUpper", "MouthShrugUpper", "MouthShrugLower", "MouthLowerDownLeft", "MouthUpperUpLeft", "MouthSmileLeft"]


def speech_frames(audio_path, rows):
    """(speech, silence) masks of 60 fps rows from the take's 40 ms RMS level."""
    import soundfile as sf
    from scipy.ndimage import binary_dilation
    x, rate = sf.read(audio_path, dtype="float64")
    x = x.mean(1) if x.ndim > 1 else x
    half = int(0.02 * rate)
    centres = ((np.arange(rows) + 0.5) / 60 * rate).astype(int)
    level = np.array([20 * np.log10(np.sqrt(np.mean(x[max(0, c - half): c + half] ** 2)) + 1e-9) for c in centres])
    speech = level > np.percentile(level, 95) - 30
    return speech, ~binary_dilation(speech, iterations=9)


def profile(args, face):
    speech, silence = speech_frames(args.audio, len(face))
    targets = []
    for meta in sorted(glob.glob(os.path.join(args.profile, "meta", "*.npz"))):
        d = np.load(meta)
        times = V.row_times(len(d["targets"]))
        inside = np.zeros(len(times), bool)
        for start, end, cls in zip(d["seg_start"], d["seg_end"], d["seg_class"]):
            if str(cls) != "sil":
                inside |= (times >= start) & (times < end)
        targets.append(d["targets"][inside] / 100)
    targets = np.concatenate(targets)
    jaw = V.IDX["JawOpen"]
    print(f"capture: {speech.sum()} speech frames, {silence.sum()} silent; targets: {len(targets)} phoneme frames")
    print("| channel | capture speech mean / p95 | capture silence mean | capture r with JawOpen | targets mean / p95 | "
          "targets r with JawOpen |\n|---|---|---|---|---|---|")
    for c in PROFILE:
        j = V.IDX[c]
        f, t = face[:, j], targets[:, j]
        rf = np.corrcoef(f[speech], face[speech, jaw])[0, 1] if f[speech].std() > 0 else 0.0
        rt = np.corrcoef(t, targets[:, jaw])[0, 1] if t.std() > 0 else 0.0
        print(f"| {c} | {f[speech].mean():.3f} / {np.percentile(f[speech], 95):.3f} | {f[silence].mean():.3f} | {rf:+.2f} | "
              f"{t.mean():.3f} / {np.percentile(t, 95):.3f} | {rt:+.2f} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--audio", required=True)
    ap.add_argument("--csv", required=True)
    ap.add_argument("--model", help="model folder (default: the shipped default model)")
    ap.add_argument("--voxface", default=os.path.join(REPO, ".build/debug/voxface"))
    ap.add_argument("--hop", default="4")
    ap.add_argument("--lookahead", default="1")
    ap.add_argument("--profile", metavar="CORPUS", help="print the capture's speech profile against CORPUS's targets")
    args = ap.parse_args()
    face = capture(args.csv)
    if args.profile:
        profile(args, face)
        return
    paths = [("batch", []), (f"streaming hop {args.hop} lookahead {args.lookahead}",
                             ["--stream", "--hop", args.hop, "--lookahead", args.lookahead])]
    for label, extra in paths:
        n, lag, rows = compare(run(args.voxface, args.model, args.audio, extra).astype(np.float64), face)
        print(f"\n{label}: {n} frames, best JawOpen lag {lag:+d} frames")
        print("| channel | r (lag 0 / best) | mean model / face | p95 model / face |\n|---|---|---|---|")
        for c, v in rows.items():
            print(f"| {c} | {v['r']:.2f} / {v['r_best_lag']:.2f} | {v['out_mean']:.3f} / {v['face_mean']:.3f} | "
                  f"{v['out_p95']:.3f} / {v['face_p95']:.3f} |")


if __name__ == "__main__":
    main()
