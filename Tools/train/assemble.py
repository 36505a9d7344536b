"""Links the generated sets into the shipped model's training corpus and its held-out evaluation
folders (symbolic links, nothing copied), so every figure in README's model table can be rebuilt.

  python3 Tools/train/assemble.py --synthetic $C --real /tmp/voxface-real --foreign /tmp/voxface-foreign \\
      [--phone /tmp/voxface-phone] [--phone-voice /tmp/voxface-phone-voice] [--effects /tmp/voxface-effects] \\
      --out /tmp/voxface-sets

Inputs (each in the corpus layout: audio/NAME.wav, meta/NAME.npz, features/NAME.npy):
  --synthetic  gen_corpus.py's espeak-ng and Piper sessions (train_* and the held-out test_*)
  --real       real_speech.py's default sources plus asterisk-it (test_*): Allison's prompts,
               Fish Fillets' English lines, LibriVox, the sonnet, Carlo's Italian
  --foreign    real_speech.py --split train: fillets-cs (every second line), asterisk-fr, -ru, -es
  --phone      telephone.py's copies of the training clips (train_nb_*), when given
  --phone-voice  real_speech.py asterisk-it-menardi (test_*, every second line), when given
  --effects    effects.py's copies of the training clips with sounds mixed in (train_fx_*), when given

Writes under OUT:
  train/       the synthetic sessions (with their test_* for the loss), Allison's even-numbered
               prompts renamed train_real_*, the foreign clips except Fish Fillets' Czech
               characters other than the two fish, the telephone copies and the copies with sounds
  heard/       every real test clip except Allison's even prompts: her odd prompts (her voice is
               in training), the English speakers never heard and Carlo's Italian (816 clips)
  czech/       the Czech characters other than the two fish (new actors, 107 clips)
  phone-voice/ Menardi, a telephone voice never heard (207 clips with --every 2; the published
               figures had 14 more from an interrupted first pass: 221)
Then: `telephone.py --corpus OUT/heard --out OUT/heard-phone` for the telephone row, and
`evaluate.py --corpus OUT/heard ...` per folder (README.md, "The default model").
"""
import argparse
import collections
import glob
import json
import os

import numpy as np

FISH = ("cs-font_small", "cs-font_big")


def names(folder, prefix):
    return sorted(os.path.basename(p)[:-4] for p in glob.glob(os.path.join(folder, "meta", prefix + "*.npz")))


def link(src, name, dst, new=None):
    """Links NAME's audio, meta and features (those present) from SRC into DST as NEW."""
    for sub, ext in (("audio", ".wav"), ("meta", ".npz"), ("features", ".npy")):
        source = os.path.join(src, sub, name + ext)
        if not os.path.exists(source):
            continue
        os.makedirs(os.path.join(dst, sub), exist_ok=True)
        target = os.path.join(dst, sub, (new or name) + ext)
        if not os.path.lexists(target):
            os.symlink(os.path.realpath(source), target)


def even_prompt(name):
    """Allison's English prompts with an even index are trained on; the odd ones are held out."""
    return name.startswith("test_asterisk_") and int(name.rsplit("_", 1)[1]) % 2 == 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--synthetic", required=True)
    ap.add_argument("--real", required=True)
    ap.add_argument("--foreign", required=True)
    ap.add_argument("--phone")
    ap.add_argument("--phone-voice")
    ap.add_argument("--effects")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    train, counts = os.path.join(args.out, "train"), collections.Counter()
    for n in names(args.synthetic, ""):
        link(args.synthetic, n, train)
        counts["synthetic"] += 1
    for n in names(args.real, "test_"):
        if even_prompt(n):
            link(args.real, n, train, "train_real_" + n[len("test_"):])
            counts["allison-even"] += 1
        else:
            link(args.real, n, os.path.join(args.out, "heard"))
            counts["heard"] += 1
    for n in names(args.foreign, "train_"):
        info = json.loads(str(np.load(os.path.join(args.foreign, "meta", n + ".npz"))["info"]))
        if info["source"] == "fillets-cs" and info["speaker"] not in FISH:
            link(args.foreign, n, os.path.join(args.out, "czech"), "test_" + n[len("train_"):])
            counts["czech"] += 1
        else:
            link(args.foreign, n, train)
            counts["foreign"] += 1
    for copies, label in ((args.phone, "phone-copies"), (args.effects, "effects-copies")):
        for n in names(copies, "train_") if copies else []:
            link(copies, n, train)
            counts[label] += 1
    if args.phone_voice:
        for n in names(args.phone_voice, "test_"):
            link(args.phone_voice, n, os.path.join(args.out, "phone-voice"))
            counts["phone-voice"] += 1
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
