"""Telephone-band copies of a corpus's clips: each clip resampled to 8 kHz, mu-law coded at 8 bits
(G.711's curve), and brought back to the clip's rate; the targets stay the same (the meta file is
linked). Training on some of them makes the model hold up on phone lines, Bluetooth headsets'
narrowband mode and other 8 kHz audio; an evaluation folder copied whole measures it.

  # a training set: a third of the clips, as stage 8 used (then extract_features.py on OUT)
  python3 Tools/train/telephone.py --corpus C --out OUT --pick train_real_:1,train_asterisk:2,train_fillets:2,train_piper:3 \\
      --rename train_:train_nb_
  # an evaluation folder: every clip, same names
  python3 Tools/train/telephone.py --corpus /tmp/voxface-real --out /tmp/voxface-real-phone

Reads CORPUS/audio/NAME.wav and CORPUS/meta/NAME.npz (gen_corpus.py's and real_speech.py's
layout); writes OUT/audio and links OUT/meta. A copy that exists already is kept.
"""
import argparse
import glob
import os

import numpy as np
import soundfile as sf
from scipy.signal import resample_poly

MU = 255.0
PHONE_RATE = 8000


def telephone(x, rate):
    """`x` (float samples at `rate`, a multiple of 8 kHz) through an 8 kHz mu-law line."""
    y = resample_poly(x, 1, rate // PHONE_RATE)
    y = np.sign(y) * np.log1p(MU * np.minimum(np.abs(y), 1)) / np.log1p(MU)
    y = np.round(y * 127) / 127
    y = np.sign(y) * ((1 + MU) ** np.abs(y) - 1) / MU
    return np.clip(resample_poly(y, rate // PHONE_RATE, 1)[: len(x)], -1, 1)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--pick", help="PREFIX:N,...: every Nth clip whose name starts with PREFIX (default: every clip)")
    ap.add_argument("--rename", help="OLD:NEW: the copies' names with the prefix OLD replaced by NEW")
    args = ap.parse_args()
    names = sorted(os.path.basename(p)[:-4] for p in glob.glob(os.path.join(args.corpus, "meta", "*.npz")))
    if args.pick:
        picked = []
        for rule in args.pick.split(","):
            prefix, _, every = rule.partition(":")
            picked += [n for n in names if n.startswith(prefix)][:: int(every or 1)]
        names = picked
    old, _, new = (args.rename or ":").partition(":")
    for d in ("audio", "meta"):
        os.makedirs(os.path.join(args.out, d), exist_ok=True)
    written = 0
    for name in names:
        copy = new + name[len(old):] if old and name.startswith(old) else name
        dst = os.path.join(args.out, "audio", copy + ".wav")
        if os.path.exists(dst):
            continue
        x, rate = sf.read(os.path.realpath(os.path.join(args.corpus, "audio", name + ".wav")), dtype="float32")
        if rate % PHONE_RATE:
            raise SystemExit(f"{name}: {rate} Hz is not a multiple of 8 kHz")
        sf.write(dst, telephone(x, rate), rate, subtype="PCM_16")
        meta = os.path.join(args.out, "meta", copy + ".npz")
        if not os.path.lexists(meta):
            os.symlink(os.path.realpath(os.path.join(args.corpus, "meta", name + ".npz")), meta)
        written += 1
    print(f"{written} telephone-band copies in {args.out} ({len(names) - written} there already)")


if __name__ == "__main__":
    main()
