"""Evaluate a face model on held-out sessions (voices and sentences never trained on), through
our Swift engine: batch (`voxface process`: clip-wide statistics, the model's batch windows) and
streaming (`voxface process --stream`: running statistics, the server's hop and lookahead).

  python3 Tools/train/evaluate.py --corpus /tmp/voxface-train/corpus --model Sources/VoxModel/DefaultModel \
      --hop 2 --lookahead 4 [--json results.json]

Metrics (post-processed output in ARKit units 0..1, against the viseme targets):
  mae_mouth      mean |output - target| over the mouth and jaw channels and all frames
  mae_jaw        the same for JawOpen alone
  bilabial_hit   share of /p b m/ occurrences with MouthClose or MouthPress (mean of left/right)
                 above CLOSURE (0.15) within +-2 frames of the phoneme's frames
  closure_false  share of open-vowel centre frames where that closure signal is above CLOSURE
  silence_ok     share of silent frames (over 150 ms from any speech) with JawOpen < 0.05
  silence_jaw    mean JawOpen over those frames
  quiet_ok       the same over the silent frames that are also quiet: their envelope 20 dB or more
                 under the session's median speech level (a recording's "silence" may hold breath,
                 music or effects; Fish Fillets' is -38 dBFS at the median)
  jaw_env_r      Pearson correlation of JawOpen with the clean speech envelope (20 ms RMS), per
                 session, averaged; target_jaw_env_r is the same for the targets (the ceiling)
With --per-channel, for each mouth and jaw channel over all frames pooled: Pearson r of output
against target, and the mean and 95th percentile of each (amplitude); --by-source splits every
figure by the corpus's sources (real_speech.py's asterisk, fillets, librivox).
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import visemes as V  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MOUTH = [V.IDX[n] for n in (
    "JawOpen MouthClose MouthFunnel MouthPucker MouthSmileLeft MouthSmileRight MouthStretchLeft MouthStretchRight "
    "MouthRollLower MouthRollUpper MouthShrugLower MouthShrugUpper MouthPressLeft MouthPressRight "
    "MouthLowerDownLeft MouthLowerDownRight MouthUpperUpLeft MouthUpperUpRight").split()]
JAW = V.IDX["JawOpen"]
CLOSE = V.IDX["MouthClose"]
PRESS = [V.IDX["MouthPressLeft"], V.IDX["MouthPressRight"]]
CLOSURE = 0.15
QUIET_DB = 20  # a silent frame counts as quiet this far under the session's median speech level
OPEN_VOWELS = {"AA", "AE", "AH", "EH", "AO"}
CHANNELS = ["JawOpen", "MouthClose", "MouthFunnel", "MouthPucker", "MouthSmileLeft", "MouthStretchLeft", "MouthRollLower",
            "MouthRollUpper", "MouthShrugUpper", "MouthPressLeft", "MouthLowerDownLeft", "MouthUpperUpLeft"]


def run(voxface, model, audio, extra):
    with tempfile.NamedTemporaryFile(suffix=".npy") as f:
        cmd = [voxface, "process", audio, "--format", "npy", "--out", f.name, "--threads", "1", *extra]
        if model:
            cmd += ["--model", model]
        subprocess.run(cmd, check=True)
        return np.load(f.name)


def metrics(out, meta):
    tgt = meta["targets"].astype(np.float64).copy()
    tgt[:, :V.SHAPES] /= 100
    n = min(len(out), len(tgt))
    out, tgt = out[:n].astype(np.float64), tgt[:n]
    times = V.row_times(n)
    starts, ends, classes = meta["seg_start"], meta["seg_end"], meta["seg_class"]
    closure = np.maximum(out[:, CLOSE], out[:, PRESS].mean(1))
    hits, total = 0, 0
    false_frames, vowel_frames = 0, 0
    speech = np.zeros(n, bool)
    for s, e, c in zip(starts, ends, classes):
        k0 = int(np.floor(s * 60))
        k1 = int(np.ceil(e * 60))
        if c != "sil":
            speech[max(0, int((s - 0.15) * 60)):min(n, int((e + 0.15) * 60) + 1)] = True
        if c == "PP" and k0 < n:
            total += 1
            hits += bool((closure[max(0, k0 - 2):min(n, k1 + 3)] > CLOSURE).any())
        if c in OPEN_VOWELS:
            k = int(round(0.5 * (s + e) * 60))
            if k < n:
                vowel_frames += 1
                false_frames += bool(closure[k] > CLOSURE)
    silent = ~speech
    env = meta["envelope"][:n].astype(np.float64)
    level = 20 * np.log10(env + 1e-9)
    quiet = silent & (level <= (np.median(level[speech]) - QUIET_DB if speech.any() else np.inf))
    r = np.corrcoef(out[:, JAW], env)[0, 1] if out[:, JAW].std() > 0 else 0.0
    rt = np.corrcoef(tgt[:, JAW], env)[0, 1]
    return {
        "frames": n,
        "abs_mouth_sum": float(np.abs(out[:, MOUTH] - tgt[:, MOUTH]).sum()), "mouth_count": n * len(MOUTH),
        "abs_jaw_sum": float(np.abs(out[:, JAW] - tgt[:, JAW]).sum()),
        "bilabial_hits": hits, "bilabials": total, "false": false_frames, "vowel_frames": vowel_frames,
        "silent_ok": int((out[silent, JAW] < 0.05).sum()), "silent": int(silent.sum()),
        "silent_jaw_sum": float(out[silent, JAW].sum()), "r": float(r), "rt": float(rt),
        "quiet_ok": int((out[quiet, JAW] < 0.05).sum()), "quiet": int(quiet.sum()),
        "chan_out": out[:, [V.IDX[c] for c in CHANNELS]], "chan_tgt": tgt[:, [V.IDX[c] for c in CHANNELS]],
    }


def channel_table(parts):
    """Per channel, all frames pooled: r of output against target, mean and p95 of each."""
    out = np.concatenate([p["chan_out"] for p in parts])
    tgt = np.concatenate([p["chan_tgt"] for p in parts])
    table = {}
    for j, c in enumerate(CHANNELS):
        o, t = out[:, j], tgt[:, j]
        r = float(np.corrcoef(o, t)[0, 1]) if o.std() > 0 and t.std() > 0 else 0.0
        table[c] = {"r": r, "out_mean": float(o.mean()), "target_mean": float(t.mean()),
                    "out_p95": float(np.percentile(o, 95)), "target_p95": float(np.percentile(t, 95))}
    return table


def summary(parts, per_channel=False):
    s = lambda k: sum(p[k] for p in parts)  # noqa: E731
    extra = {"channels": channel_table(parts)} if per_channel else {}
    return {
        "sessions": len(parts), "frames": s("frames"),
        "mae_mouth": s("abs_mouth_sum") / s("mouth_count"),
        "mae_jaw": s("abs_jaw_sum") / s("frames"),
        "bilabial_hit": s("bilabial_hits") / max(1, s("bilabials")), "bilabials": s("bilabials"),
        "closure_false": s("false") / max(1, s("vowel_frames")),
        "silence_ok": s("silent_ok") / max(1, s("silent")), "silent_frames": s("silent"),
        "silence_jaw": s("silent_jaw_sum") / max(1, s("silent")),
        "quiet_ok": s("quiet_ok") / max(1, s("quiet")), "quiet_frames": s("quiet"),
        "jaw_env_r": float(np.mean([p["r"] for p in parts])),
        "target_jaw_env_r": float(np.mean([p["rt"] for p in parts])),
        **extra,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--model", help="model folder (default: the shipped default model)")
    ap.add_argument("--voxface", default=os.path.join(REPO, ".build/debug/voxface"))
    ap.add_argument("--hop", default="2", help="server hop(s), comma-separated")
    ap.add_argument("--lookahead", default="4", help="server lookahead(s), comma-separated")
    ap.add_argument("--skip-batch", action="store_true")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--json")
    ap.add_argument("--per-channel", action="store_true")
    ap.add_argument("--by-source", action="store_true")
    args = ap.parse_args()
    metas = sorted(glob.glob(os.path.join(args.corpus, "meta", "test_*.npz")))
    if args.limit:
        metas = metas[: args.limit]
    schedules = [(int(h), int(la)) for h in str(args.hop).split(",") for la in str(args.lookahead).split(",")]
    batch, stream, sources = [], {sched: [] for sched in schedules}, []
    for m in metas:
        name = os.path.basename(m)[:-4]
        audio = os.path.join(args.corpus, "audio", name + ".wav")
        meta = np.load(m)
        sources.append(json.loads(str(meta["info"])).get("source", "all") if args.by_source else "all")
        if not args.skip_batch:
            batch.append(metrics(run(args.voxface, args.model, audio, []), meta))
        for hop, lookahead in schedules:
            stream[(hop, lookahead)].append(metrics(run(args.voxface, args.model, audio,
                                                        ["--stream", "--hop", str(hop), "--lookahead", str(lookahead)]), meta))

    def grouped(parts):
        groups = {"all": parts}
        if args.by_source:
            groups.update({g: [p for p, src in zip(parts, sources) if src == g] for g in sorted(set(sources))})
        return {g: summary(ps, args.per_channel) for g, ps in groups.items() if ps}

    result = {"model": args.model or "default", "batch": grouped(batch) if batch else None,
              "streaming": [{"hop": h, "lookahead": la, **grouped(stream[(h, la)])} for h, la in schedules]}
    print(json.dumps(result, indent=1))
    if args.per_channel:
        paths = ([("batch", result["batch"])] if result["batch"] else []) + \
            [(f"streaming hop {r['hop']} lookahead {r['lookahead']}", r) for r in result["streaming"]]
        for label, groups in paths:
            for g, summ in groups.items():
                if not isinstance(summ, dict) or "channels" not in summ:
                    continue
                print(f"\n{label}, {g} ({summ['sessions']} clips, {summ['frames'] / 3600:.1f} min):")
                print("| channel | r | mean out / target | p95 out / target |\n|---|---|---|---|")
                for c, v in summ["channels"].items():
                    print(f"| {c} | {v['r']:.2f} | {v['out_mean']:.3f} / {v['target_mean']:.3f} | {v['out_p95']:.3f} / {v['target_p95']:.3f} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
