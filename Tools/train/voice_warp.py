"""Voice-warped copies of real recordings: each clip played back faster or slower by a random
factor (0.86-0.96 or 1.04-1.16), so its pitch and formants move together as between speakers
with shorter or longer vocal tracts, and its targets retimed to match (the phoneme segments
divided by the factor, the target rows and envelope interpolated at the new row times). The
Piper sessions get the same warp when gen_corpus.py makes them; this gives it to real people, so
that a few real speakers sound like more.

  # the experiment of Tools/train/README.md ("Voice-warped real speech"), then extract_features.py on OUT
  python3 Tools/train/voice_warp.py --corpus C --out OUT --pick train_real_:1,train_asterisk:2,train_fillets:2 \\
      --rename train_:train_vw_ --seed 5

Reads CORPUS/audio/NAME.wav and CORPUS/meta/NAME.npz; writes OUT/audio and OUT/meta. A copy
that exists already is kept. Each clip's factor comes from the seed and its name, so a rerun
writes the same copies.
"""
import json
import os
import sys
import zlib

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clip_copies  # noqa: E402
import visemes as V  # noqa: E402

LOW, HIGH, GAP = 0.86, 1.16, 0.04


def factor(seed, name):
    """The clip's warp: from the seed and the name, away from 1 by at least GAP."""
    rng = np.random.default_rng([seed, zlib.crc32(name.encode())])
    span = (1 - GAP - LOW) + (HIGH - 1 - GAP)
    u = rng.uniform(0, span)
    return LOW + u if u < 1 - GAP - LOW else 1 + GAP + (u - (1 - GAP - LOW))


def warp(x, w):
    """`x` played back `w` times faster (linear interpolation): pitch and formants x w, time / w."""
    n = int(len(x) / w)
    return np.interp(np.arange(n) * w, np.arange(len(x)), x).astype(np.float32)


def retime(meta, w):
    """The meta of a clip warped by `w`: segments / w, rows and envelope at the new row times."""
    out = dict(meta)
    rows = len(meta["targets"])
    new_rows = max(1, int(rows / w))
    old_t, new_t = V.row_times(rows), V.row_times(new_rows) * w
    out["targets"] = np.stack([np.interp(new_t, old_t, meta["targets"][:, j]) for j in range(meta["targets"].shape[1])],
                              axis=1).astype(meta["targets"].dtype)
    if "envelope" in meta:
        out["envelope"] = np.interp(new_t, old_t, meta["envelope"]).astype(meta["envelope"].dtype)
    out["seg_start"] = meta["seg_start"] / w
    out["seg_end"] = meta["seg_end"] / w
    try:
        info = json.loads(str(meta["info"]))
        info["warp"] = round(float(w), 4)
        out["info"] = np.array(json.dumps(info))
    except (KeyError, ValueError):
        pass
    return out


def main():
    ap = clip_copies.parser(__doc__)
    ap.add_argument("--seed", type=int, default=5)
    args = ap.parse_args()
    written, kept = clip_copies.write_copies(
        args.corpus, args.out, args.pick, args.rename,
        lambda name, x, rate: warp(x, factor(args.seed, name)),
        retime=lambda name, meta: retime(meta, factor(args.seed, name)))
    print(f"{written} voice-warped copies in {args.out} ({kept} there already)")


if __name__ == "__main__":
    main()
