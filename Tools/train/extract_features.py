"""Streaming features for every clip of a corpus, by our Swift extractor (running statistics,
20 ms blocks at the clip's rate: exactly what the server feeds the model).

  python3 Tools/train/extract_features.py --corpus /tmp/voxface-train/corpus [--voxface .build/release/voxface]

Runs `voxface features --statistics running --list LIST --out CORPUS/features` in --jobs
processes over the clips that have no features yet.
"""
import argparse
import glob
import os
import subprocess
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--voxface", default=os.path.join(REPO, ".build/debug/voxface"))
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    out = os.path.join(args.corpus, "features")
    os.makedirs(out, exist_ok=True)
    todo = [p for p in sorted(glob.glob(os.path.join(args.corpus, "audio", "*.wav")))
            if not os.path.exists(os.path.join(out, os.path.basename(p)[:-4] + ".npy"))
            and os.path.exists(os.path.join(args.corpus, "meta", os.path.basename(p)[:-4] + ".npz"))]
    print(f"{len(todo)} clips to extract", flush=True)
    procs = []
    with tempfile.TemporaryDirectory() as tmp:
        for j in range(args.jobs):
            part = todo[j::args.jobs]
            if not part:
                continue
            lst = os.path.join(tmp, f"list{j}.txt")
            with open(lst, "w") as f:
                f.write("\n".join(part) + "\n")
            procs.append(subprocess.Popen(["nice", "-n", "19", args.voxface, "features", "--statistics", "running",
                                           "--list", lst, "--out", out, "--threads", "1"]))
        codes = [p.wait() for p in procs]
    if any(codes):
        raise SystemExit(f"voxface features failed: {codes}")
    print(f"features in {out}", flush=True)


if __name__ == "__main__":
    main()
