"""Train a NeuroSync-architecture face model on streaming features and export it for voxface.

Data: a corpus folder with meta/NAME.npz (targets (rows, 68) in raw model units: shapes x 100,
emotions as is; written by gen_corpus.py, real_data.py or distill.py) and features/NAME.npy
(the (rows, 256) rows `voxface features --statistics running` writes: what the server feeds the
model). Sessions named test_* are held out for validation.

  nice -n 19 python3 Tools/train/train.py --corpus /tmp/voxface-train/corpus --out /tmp/voxface-train/model \
      --hidden 96 --layers 1 --heads 4 --frame-size 32 --overlap 8 --epochs 30 --seed 7

Writes OUT/config.json + OUT/model.safetensors (float32; fc_output rows 0..60 scaled by 100 so
the exported model speaks NeuroSync's raw units and our PostProcessing divides them back) and
OUT/train_log.json.
"""
import argparse
import glob
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import model as face_model  # noqa: E402
import visemes  # noqa: E402

SHAPES = 61
# Loss weight per output column: JawOpen, MouthClose, MouthPress 2, the rest of mouth and jaw 1, brows and cheeks 0.5, columns NeuroSync's
# post-processing zeroes (blinks, eye look, tongue, head, eye rotation) 0, emotions 0.1.
ZEROED = [0, 1, 2, 3, 4, 7, 8, 9, 10, 11] + list(range(51, 61))


def column_weights():
    w = np.full(68, 0.5, np.float32)
    for c in range(14, 41):
        w[c] = 1.0
    w[ZEROED] = 0.0
    w[61:] = 0.1
    w[[17, 18, 35, 36]] = 2.0  # JawOpen, MouthClose, MouthPress: the gestures viewers check first
    return torch.tensor(w)


def load_split(corpus, prefix):
    data = []
    for meta in sorted(glob.glob(os.path.join(corpus, "meta", prefix + "*.npz"))):
        name = os.path.basename(meta)[:-4]
        feat_path = os.path.join(corpus, "features", name + ".npy")
        if not os.path.exists(feat_path):
            continue
        x = np.load(feat_path).astype(np.float32)
        y = np.load(meta)["targets"].astype(np.float32)
        n = min(len(x), len(y))
        y = y.copy()
        y[:, :SHAPES] /= 100.0  # train in ARKit units; the export scales back
        data.append((x[:n], y[:n]))
    return data


def batches(data, frame_size, batch, steps, rng, short_fraction):
    """Random windows: full `frame_size` windows anywhere in a session, and, for a
    `short_fraction` of the batches, windows of one shorter length from a session's start (a
    stream's first windows hold only the rows so far)."""
    lengths = np.array([len(x) for x, _ in data], np.float64)
    p = lengths / lengths.sum()
    for _ in range(steps):
        short = rng.random() < short_fraction
        length = int(rng.integers(1, frame_size)) if short else frame_size
        picks = rng.choice(len(data), size=batch, p=p)
        xs, ys = [], []
        for i in picks:
            x, y = data[i]
            start = 0 if short else int(rng.integers(0, max(1, len(x) - frame_size + 1)))
            xs.append(x[start:start + length])
            ys.append(y[start:start + length])
        yield torch.tensor(np.stack(xs)), torch.tensor(np.stack(ys))


MOUTH = list(range(14, 41))  # jaw and mouth columns (ARKit order): the ones that rest in silence


PRESS = [35, 36]  # MouthPressLeft/Right: the bilabial closure targets (0.5 on p b m, 0 elsewhere)


def loss_fn(pred, y, w, rest_weight=1.0, closure_weight=1.0):
    """Weighted L1 plus 0.5 x the L1 of frame-to-frame differences; frames whose targets rest (no
    mouth or jaw channel above 0.005: silence) count `rest_weight` times, so a model that drifts
    open in pauses pays for it; frames whose targets hold the lips shut (MouthPress above 0.2: p b m)
    count `closure_weight` times. Returns (loss, the plain weighted L1 for the log)."""
    frame = ((pred - y).abs() * w).sum(-1)
    plain = frame.mean() / w.sum()
    l1 = plain
    if rest_weight != 1.0 or closure_weight != 1.0:
        resting = y[..., MOUTH].abs().amax(-1) < 0.005
        closing = y[..., PRESS].mean(-1) > 0.2  # the lips held shut on a bilabial
        scale = torch.where(resting, rest_weight, 1.0) * torch.where(closing, closure_weight, 1.0)
        l1 = (frame * scale).mean() / w.sum()
    if pred.shape[1] < 2:
        return l1, plain
    # velocity: frame-to-frame differences match (keeps motion crisp without jitter)
    dv = ((pred[:, 1:] - pred[:, :-1]) - (y[:, 1:] - y[:, :-1])).abs() * w
    return l1 + 0.5 * dv.sum(-1).mean() / w.sum(), plain


def evaluate(model, data, frame_size, w):
    """Mean weighted L1 over held-out sessions, windows tiling each session."""
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for x, y in data:
            n = (len(x) // frame_size) * frame_size
            xb = torch.tensor(x[:n]).view(-1, frame_size, x.shape[1])
            yb = torch.tensor(y[:n]).view(-1, frame_size, 68)
            total += float(((model(xb) - yb).abs() * w).sum() / w.sum())
            count += n
    model.train()
    return total / max(count, 1)


def export(model, config, out, metadata):
    from safetensors.torch import save_file
    os.makedirs(out, exist_ok=True)
    state = {k: v.detach().clone().float().contiguous() for k, v in model.state_dict().items()}
    scale = torch.ones(68)
    scale[:SHAPES] = 100.0
    state["decoder.fc_output.weight"] = (state["decoder.fc_output.weight"] * scale[:, None]).contiguous()
    state["decoder.fc_output.bias"] = (state["decoder.fc_output.bias"] * scale).contiguous()
    save_file(state, os.path.join(out, "model.safetensors"), metadata={"format": "pt", **{k: str(v) for k, v in metadata.items()}})
    keys = ["input_dim", "hidden_dim", "n_layers", "num_heads", "output_dim", "frame_size", "overlap"]
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump({k: config[k] for k in keys}, f)
        f.write("\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--hidden", type=int, default=96)
    ap.add_argument("--layers", type=int, default=1)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--frame-size", type=int, default=32)
    ap.add_argument("--overlap", type=int, default=8)
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--steps-per-epoch", type=int, default=300)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--dropout", type=float, default=0.1)
    ap.add_argument("--short-fraction", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--rest-weight", type=float, default=1.0, help="loss weight of frames whose targets rest (silence)")
    ap.add_argument("--closure-weight", type=float, default=1.0, help="loss weight of frames whose targets close the lips (p b m)")
    ap.add_argument("--threads", type=int, default=1)  # 2 OpenMP threads thrash on a shared, loaded 2-core machine
    ap.add_argument("--init", help="start from this exported model folder (fine-tuning, distillation)")
    ap.add_argument("--max-minutes", type=float, default=100)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    random.seed(args.seed)
    start_time = time.time()
    # A clip shorter than one window (a real prompt of half a second) cannot fill a batch row.
    train = [(x, y) for x, y in load_split(args.corpus, "train") if len(x) >= args.frame_size]
    test = load_split(args.corpus, "test")
    if not train:
        raise SystemExit("no training sessions (meta/train_*.npz with features/train_*.npy)")
    rows = sum(len(x) for x, _ in train)
    print(f"train: {len(train)} sessions, {rows} rows ({rows / 60 / 3600:.2f} h); test: {len(test)} sessions", flush=True)
    config = dict(input_dim=256, hidden_dim=args.hidden, n_layers=args.layers, num_heads=args.heads, output_dim=68,
                  frame_size=args.frame_size, overlap=args.overlap)
    model = face_model.FaceModel(config, dropout=args.dropout)
    if args.init:
        from safetensors.torch import load_file
        state = load_file(os.path.join(args.init, "model.safetensors"))
        scale = torch.ones(68)
        scale[:SHAPES] = 100.0
        state["decoder.fc_output.weight"] = state["decoder.fc_output.weight"] / scale[:, None]
        state["decoder.fc_output.bias"] = state["decoder.fc_output.bias"] / scale
        model.load_state_dict(state)
    params = sum(p.numel() for p in model.parameters())
    print(f"model: {config}, {params} parameters", flush=True)
    w = column_weights()
    optimiser = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    total_steps = args.epochs * args.steps_per_epoch
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=args.lr, total_steps=total_steps, pct_start=0.05)
    log = []
    step = 0
    for epoch in range(args.epochs):
        running, running_l1 = 0.0, 0.0
        for x, y in batches(train, args.frame_size, args.batch, args.steps_per_epoch, rng, args.short_fraction):
            loss, l1 = loss_fn(model(x), y, w, args.rest_weight, args.closure_weight)
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            step += 1
            running += float(loss.detach())
            running_l1 += float(l1.detach())
        val = evaluate(model, test, args.frame_size, w) if test else float("nan")
        entry = {"epoch": epoch + 1, "step": step, "train_loss": running / args.steps_per_epoch, "train_l1": running_l1 / args.steps_per_epoch,
                 "test_l1": val, "minutes": (time.time() - start_time) / 60}
        log.append(entry)
        print(json.dumps(entry), flush=True)
        if (time.time() - start_time) / 60 > args.max_minutes:
            print("time limit reached", flush=True)
            break
    model.eval()
    meta = {"source": "voxface Tools/train/train.py", "seed": args.seed, "epochs": len(log), "train_sessions": len(train),
            "train_rows": rows, "final_train_l1": round(log[-1]["train_l1"], 5), "final_test_l1": round(log[-1]["test_l1"], 5)}
    export(model, config, args.out, meta)
    with open(os.path.join(args.out, "train_log.json"), "w") as f:
        json.dump({"args": vars(args), "config": config, "parameters": params, "log": log, "meta": meta,
                   "wall_minutes": (time.time() - start_time) / 60}, f, indent=1)
    print(f"wrote {args.out} in {(time.time() - start_time) / 60:.1f} min", flush=True)


if __name__ == "__main__":
    main()
