"""Bring your own data into a training corpus (the layout gen_corpus.py writes):

  # iPhone captures in NeuroSync's trainer format: audio + a Live Link Face CSV recorded together
  python3 Tools/train/import_data.py livelink --out /tmp/voxface-train/mine TAKE_DIR [TAKE_DIR ...]
  # distillation: any speech, targets = a teacher model's output (e.g. NeuroSync's model.pth)
  python3 Tools/train/import_data.py distill --teacher /path/to/model.pth --out /tmp/voxface-train/distil AUDIO...

Each take folder holds one audio file (wav, flac, mp3, ...) and one CSV whose header names the
blendshapes (Timecode, BlendShapeCount, EyeBlinkLeft, ..., as Live Link Face exports them; the
emotion columns are optional, Neutral = 1 when absent). CSV rows are taken at 60 fps from the
start of the audio, or at their Timecode (HH:MM:SS:FF[.sub]) when --use-timecode is given.
Audio is converted to 48 kHz mono and, unless --no-opus, passed through Opus at --opus-kbps (the
server hears Opus). Targets are resampled to the feature rows' times ((2k + 0.5)/120 s) and
stored in the model's raw units (shapes x 100). --test-every N holds out every Nth clip as
test_*. Then run extract_features.py and train.py on --out as for the synthetic corpus
(`train.py --init Sources/VoxModel/DefaultModel` fine-tunes the default model).
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import soundfile as sf

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import visemes as V  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
AUDIO_EXT = (".wav", ".flac", ".mp3", ".ogg", ".opus", ".m4a", ".aiff")
LOWER = {n.lower(): i for i, n in enumerate(V.NAMES)}


def prepare_audio(src, dst, opus_kbps):
    """src (any format ffmpeg reads) -> dst: 48 kHz mono 16-bit WAV, through Opus when opus_kbps."""
    with tempfile.TemporaryDirectory() as tmp:
        wav = os.path.join(tmp, "a.wav")
        subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", src, "-ac", "1", "-ar", "48000", wav], check=True)
        if opus_kbps:
            opus = os.path.join(tmp, "a.opus")
            subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", wav, "-c:a", "libopus", "-b:a", f"{opus_kbps}k", opus], check=True)
            subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", opus, "-ar", "48000", "-ac", "1", dst], check=True)
        else:
            os.replace(wav, dst)
    x, _ = sf.read(dst, dtype="float32")
    return x


def rows_for(samples_48k):
    n88 = int(round(samples_48k * 88200 / 48000))
    return (1 + n88 // 735 + 1) // 2


def envelope(x, times):
    half = 480
    return np.array([np.sqrt(np.mean(x[max(0, int(t * 48000) - half): int(t * 48000) + half].astype(np.float64) ** 2) + 1e-12)
                     for t in times], np.float32)


def parse_timecode(text, fps):
    parts = text.strip().split(":")
    h, m, s = int(parts[0]), int(parts[1]), int(parts[2])
    frame = float(parts[3]) if len(parts) > 3 else 0.0
    return h * 3600 + m * 60 + s + frame / fps


def read_livelink_csv(path, fps, use_timecode):
    """(times (n,), values (n, 68) in ARKit units, emotions as is)."""
    lines = [ln.strip() for ln in open(path, encoding="utf-8-sig") if ln.strip()]
    header = [h.strip() for h in lines[0].split(",")]
    columns = {}
    for j, name in enumerate(header):
        i = LOWER.get(name.lower())
        if i is not None:
            columns[j] = i
    if not columns:
        raise SystemExit(f"{path}: no blendshape names in the header")
    values = np.zeros((len(lines) - 1, 68), np.float64)
    has_emotions = any(i >= V.SHAPES for i in columns.values())
    if not has_emotions:
        values[:, V.NEUTRAL] = 1.0
    times = np.arange(len(lines) - 1) / fps
    for r, line in enumerate(lines[1:]):
        cells = line.split(",")
        for j, i in columns.items():
            if j < len(cells) and cells[j] != "":
                values[r, i] = float(cells[j])
        if use_timecode and header[0].lower() == "timecode":
            times[r] = parse_timecode(cells[0], fps)
    if use_timecode:
        times = times - times[0]
    return times, values


def resample_to_rows(times, values, rows):
    t = V.row_times(rows)
    out = np.stack([np.interp(t, times, values[:, c]) for c in range(values.shape[1])], 1)
    return t, out


def save(out, name, x, targets, info):
    rows = rows_for(len(x))
    raw = targets.astype(np.float32).copy()
    raw[:, :V.SHAPES] *= 100.0
    np.savez_compressed(os.path.join(out, "meta", name + ".npz"), targets=raw[:rows],
                        seg_start=np.zeros(0), seg_end=np.zeros(0), seg_class=np.array([], dtype="<U5"),
                        envelope=envelope(x, V.row_times(rows)), info=json.dumps(info))


def livelink(args):
    for k, take in enumerate(args.inputs):
        files = sorted(glob.glob(os.path.join(take, "*")))
        audio = [f for f in files if f.lower().endswith(AUDIO_EXT)]
        csv = [f for f in files if f.lower().endswith(".csv")]
        if len(audio) != 1 or len(csv) != 1:
            print(f"skipping {take}: need exactly one audio file and one CSV", file=sys.stderr)
            continue
        split = "test" if args.test_every and k % args.test_every == args.test_every - 1 else "train"
        name = f"{split}_{args.prefix}{k:05d}"
        x = prepare_audio(audio[0], os.path.join(args.out, "audio", name + ".wav"), None if args.no_opus else args.opus_kbps)
        times, values = read_livelink_csv(csv[0], args.fps, args.use_timecode)
        rows = rows_for(len(x))
        _, targets = resample_to_rows(times, values, rows)
        save(args.out, name, x, targets, {"source": take, "kind": "livelink"})
        print(name, take, rows, "rows")


def distill(args):
    for k, src in enumerate(args.inputs):
        split = "test" if args.test_every and k % args.test_every == args.test_every - 1 else "train"
        name = f"{split}_{args.prefix}{k:05d}"
        # The teacher hears the original audio with NeuroSync's own batch features; the student
        # learns to reproduce that from the server's streaming features of the Opus audio.
        with tempfile.NamedTemporaryFile(suffix=".npy") as f:
            subprocess.run([args.voxface, "process", src, "--model", args.teacher, "--raw", "--format", "npy",
                            "--out", f.name, "--threads", "2"], check=True)
            raw = np.load(f.name).astype(np.float64)
        x = prepare_audio(src, os.path.join(args.out, "audio", name + ".wav"), None if args.no_opus else args.opus_kbps)
        rows = rows_for(len(x))
        targets = raw.copy()
        targets[:, :V.SHAPES] /= 100.0  # save() scales back to raw units
        if len(targets) < rows:
            targets = np.concatenate([targets, np.repeat(targets[-1:], rows - len(targets), 0)])
        save(args.out, name, x, targets[:rows], {"source": src, "kind": "distill", "teacher": args.teacher})
        print(name, src, rows, "rows")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="mode", required=True)
    for mode in ("livelink", "distill"):
        p = sub.add_parser(mode)
        p.add_argument("inputs", nargs="+", help="take folders (livelink) or audio files (distill)")
        p.add_argument("--out", required=True)
        p.add_argument("--opus-kbps", type=int, default=32)
        p.add_argument("--no-opus", action="store_true")
        p.add_argument("--test-every", type=int, default=10)
        p.add_argument("--prefix", default=mode[:2])
        if mode == "livelink":
            p.add_argument("--fps", type=float, default=60.0)
            p.add_argument("--use-timecode", action="store_true")
        else:
            p.add_argument("--teacher", required=True, help="teacher model for voxface (folder or NeuroSync model.pth)")
            p.add_argument("--voxface", default=os.path.join(REPO, ".build/debug/voxface"))
    args = ap.parse_args()
    os.makedirs(os.path.join(args.out, "audio"), exist_ok=True)
    os.makedirs(os.path.join(args.out, "meta"), exist_ok=True)
    livelink(args) if args.mode == "livelink" else distill(args)


if __name__ == "__main__":
    main()
