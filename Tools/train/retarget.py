"""Recompute a synthetic corpus's targets from its stored segments and envelope after a change
to visemes.py, without synthesising the audio again (gen_corpus.py computes them the same way).

  python3 Tools/train/retarget.py --corpus /tmp/voxface-train/corpus
"""
import argparse
import glob
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import visemes  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", required=True)
    args = ap.parse_args()
    paths = sorted(glob.glob(os.path.join(args.corpus, "meta", "*.npz")))
    for path in paths:
        d = dict(np.load(path))
        if len(d["seg_class"]) == 0:
            continue  # imported data: targets are not visemes
        segs = list(zip(d["seg_start"], d["seg_end"], [str(c) for c in d["seg_class"]]))
        times = visemes.row_times(len(d["targets"]))
        loud = visemes.segment_loudness(segs, d["envelope"], times)
        d["targets"] = visemes.targets(segs, times, loudness=loud).astype(np.float32)
        np.savez_compressed(path, **d)
    print(f"retargeted {len(paths)} sessions")


if __name__ == "__main__":
    main()
