"""Altered copies of a corpus's clips, the part telephone.py and effects.py share: which clips
(--pick), under which names (--rename), and the loop that writes OUT/audio/COPY.wav and links
OUT/meta/COPY.npz to the original's targets (or writes retimed ones, for voice_warp.py). A copy
that exists already is kept.
"""
import argparse
import glob
import os

import numpy as np
import soundfile as sf

PICK_HELP = "PREFIX:N,...: every Nth clip whose name starts with PREFIX (default: every clip)"
RENAME_HELP = "OLD:NEW: the copies' names with the prefix OLD replaced by NEW"


def parser(doc):
    """An argument parser with the options every copy script takes: --corpus, --out, --pick, --rename."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--pick", help=PICK_HELP)
    ap.add_argument("--rename", help=RENAME_HELP)
    return ap


def picked_names(corpus, pick):
    """The clip names of CORPUS/meta, or every Nth of each prefix that `pick` names."""
    names = sorted(os.path.basename(p)[:-4] for p in glob.glob(os.path.join(corpus, "meta", "*.npz")))
    if not pick:
        return names
    picked = []
    for rule in pick.split(","):
        prefix, _, every = rule.partition(":")
        picked += [n for n in names if n.startswith(prefix)][:: int(every or 1)]
    return picked


def write_copies(corpus, out, pick, rename, alter, retime=None):
    """Writes `alter(name, samples, rate) -> samples` of each picked clip; returns (written, kept).
    The copy's meta links the original's, or, with `retime(name, meta) -> dict`, is that dict (for
    copies whose timing changed)."""
    names = picked_names(corpus, pick)
    old, _, new = (rename or ":").partition(":")
    for d in ("audio", "meta"):
        os.makedirs(os.path.join(out, d), exist_ok=True)
    written = 0
    for name in names:
        copy = new + name[len(old):] if old and name.startswith(old) else name
        dst = os.path.join(out, "audio", copy + ".wav")
        if os.path.exists(dst):
            continue
        x, rate = sf.read(os.path.realpath(os.path.join(corpus, "audio", name + ".wav")), dtype="float32")
        if x.ndim > 1:
            x = x.mean(axis=1)
        sf.write(dst, alter(name, x, rate), rate, subtype="PCM_16")
        meta = os.path.join(out, "meta", copy + ".npz")
        source = os.path.realpath(os.path.join(corpus, "meta", name + ".npz"))
        if os.path.lexists(meta):
            pass
        elif retime:
            with np.load(source) as m:
                np.savez(meta, **retime(name, {k: m[k] for k in m.files}))
        else:
            os.symlink(source, meta)
        written += 1
    return written, len(names) - written
