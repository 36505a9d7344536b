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
import os
import sys

import numpy as np
from scipy.signal import resample_poly

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clip_copies  # noqa: E402

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
    ap = clip_copies.parser(__doc__)
    args = ap.parse_args()

    def alter(name, x, rate):
        if rate % PHONE_RATE:
            raise SystemExit(f"{name}: {rate} Hz is not a multiple of 8 kHz")
        return telephone(x, rate)

    written, kept = clip_copies.write_copies(args.corpus, args.out, args.pick, args.rename, alter)
    print(f"{written} telephone-band copies in {args.out} ({kept} there already)")


if __name__ == "__main__":
    main()
