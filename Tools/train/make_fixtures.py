"""Parity fixtures for the shipped default model: PyTorch's output (Tools/train/model.py, the
same weights) on the streaming features of the speech fixture, for the Swift engine to match.

  python3 Tools/train/make_fixtures.py [--model Sources/VoxModel/DefaultModel]

Writes Tests/VoxModelTests/Fixtures/default/: features.npy (the running-statistics rows of
Tests/VoxDSPTests/Fixtures/audio/speech.wav, from `voxface features --statistics running`),
window_in.npy / window_out.npy (one full window, raw output), short_in.npy / short_out.npy
(a 7-row window, as at a stream's start), model_sha256.txt (the weights these belong to).
CPU, float32, one thread.
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys

import numpy as np
import torch
from safetensors.torch import load_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import model as face_model  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=os.path.join(REPO, "Sources/VoxModel/DefaultModel"))
    ap.add_argument("--voxface", default=os.path.join(REPO, ".build/debug/voxface"))
    ap.add_argument("--out", default=os.path.join(REPO, "Tests/VoxModelTests/Fixtures/default"))
    args = ap.parse_args()
    torch.set_num_threads(1)
    os.makedirs(args.out, exist_ok=True)
    config = json.load(open(os.path.join(args.model, "config.json")))
    model = face_model.FaceModel(config)
    model.load_state_dict(load_file(os.path.join(args.model, "model.safetensors")), strict=True)
    model.eval()
    features_path = os.path.join(args.out, "features.npy")
    subprocess.run([args.voxface, "features", os.path.join(REPO, "Tests/VoxDSPTests/Fixtures/audio/speech.wav"),
                    "--statistics", "running", "--out", features_path], check=True)
    features = np.load(features_path).astype(np.float32)
    fs = config["frame_size"]
    start = min(60, len(features) - fs)
    windows = {"window": features[start:start + fs], "short": features[:7]}
    for name, x in windows.items():
        with torch.no_grad():
            y = model(torch.tensor(x)[None])[0].numpy().astype(np.float32)
        np.save(os.path.join(args.out, f"{name}_in.npy"), np.ascontiguousarray(x))
        np.save(os.path.join(args.out, f"{name}_out.npy"), np.ascontiguousarray(y))
    digest = hashlib.sha256(open(os.path.join(args.model, "model.safetensors"), "rb").read()).hexdigest()
    with open(os.path.join(args.out, "model_sha256.txt"), "w") as f:
        f.write(digest + "\n")
    print(f"wrote {args.out} (torch {torch.__version__}, model sha256 {digest[:16]})")


if __name__ == "__main__":
    main()
