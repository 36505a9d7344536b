#!/usr/bin/env python3
"""Write the text-encoder fixtures for Tests/VoxModelTests/SentenceEncoderTests.swift.

References (nothing of them is vendored; the packages are pinned in Tools/requirements-text.txt):
  - tokenisation: transformers' ``BertTokenizer`` (v5: backed by the ``tokenizers`` library,
    BertNormalizer + BertPreTokenizer + WordPiece), the tokenizer sentence-transformers runs;
  - embeddings: sentence-transformers ``Transformer`` -> ``Pooling('mean')`` -> ``Normalize``,
    PyTorch on CPU in float32 with one thread.

Needs the real all-MiniLM-L6-v2 (``Tools/fetch-minilm.sh`` puts it in
``.build/models/all-MiniLM-L6-v2``). Outputs (default ``Tests/VoxModelTests/Fixtures/text``):

  tiny/                 a random BertModel (hidden 32, 2 layers, 4 heads, FFN 64, seed 20240601):
                        config.json, model.safetensors, vocab.txt (reduced), tokenizer_config.json,
                        sentence_bert_config.json (max_seq_length 64), 1_Pooling/config.json
  tokenizer_cases.json  tricky strings -> ids with the reduced vocab ("tiny") and the real vocab ("real")
  tiny_embeddings.json  the tiny model's sentence embeddings
  minilm_embeddings.json  all-MiniLM-L6-v2's sentence embeddings
(README.md there is written by hand.)

Floats are rounded to 7 significant digits. Running it twice gives identical files.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import sys
from pathlib import Path

import safetensors.torch
import sentence_transformers
import tokenizers
import torch
import transformers
from sentence_transformers import SentenceTransformer, models
from transformers import BertConfig, BertModel, BertTokenizer

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "Tests/VoxModelTests/Fixtures/text"
DEFAULT_MODEL = REPO_ROOT / ".build/models/all-MiniLM-L6-v2"
SEED = 20240601
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
REAL_MAX_TOKENS = 256
TINY_MAX_TOKENS = 64

CV = (
    "Senior software engineer with eleven years of experience building distributed systems, data "
    "platforms and developer tools. At Nordwind Logistics (2019-2024) I led a team of six engineers "
    "that rebuilt the routing service in Go and Rust, cutting p99 latency from 850 ms to 120 ms and "
    "saving about 40% of cloud costs. Before that I worked at a fintech start-up in Berlin, where I "
    "designed the payments ledger (PostgreSQL, Kafka, event sourcing), introduced property-based "
    "testing and on-call runbooks, and mentored four junior developers. Earlier roles: backend "
    "developer at an e-commerce agency (PHP, MySQL, Redis) and research assistant at the University "
    "of Lyon, working on graph algorithms for transport networks. Skills: Go, Rust, Python, Swift, "
    "SQL, Kubernetes, Terraform, AWS and GCP, gRPC, observability with Prometheus and OpenTelemetry, "
    "incident management, hiring and coaching. I enjoy turning vague product ideas into simple, "
    "reliable services, writing clear design documents, and pairing with designers and data "
    "scientists. Languages: English (fluent), French (native), German (B2), some Japanese. "
    "Education: MSc in Computer Science, École Polytechnique; BSc in Mathematics, Université de "
    "Lyon. Outside work I run a small meetup about functional programming, contribute to open-source "
    "tooling for structured logging, cycle long distances in the Alps, and volunteer as a maths tutor "
    "for teenagers. Looking for a staff or principal role in a product-minded team that values "
    "craftsmanship, kindness and measurable impact; open to hybrid work in Paris, Zürich or Amsterdam."
)

PROFILES = [
    "Data scientist working on recommender systems",
    "Product manager for AI products",
    "UX designer",
    "Backend engineer",
]

TOKENIZER_CASES = [
    "",
    "Hello, world!",
    "Café déjà vu — naïve façade",
    "Über straße STRASSE Ärger Öl",
    "北京欢迎你 and 東京",
    "こんにちは世界",
    "한국어 텍스트",
    "I \u2764\ufe0f emoji \U0001F600\U0001F389 \U0001F469\u200d\U0001F4BB",
    "tab\there\nnew line\r\nwindows\rmac",
    "control\x00chars\x07and\x1bescape\u200bzero width\ufeffbom\u00adsoft",
    "replacement \ufffd char",
    "!!!???...,,,;;;",
    "Visit https://example.com/path?q=1&r=two#frag now",
    "email: first.last+tag@example.co.uk",
    "Numbers: 3.14159, 1,000,000, -42, 1e-9, 2024-06-01, 10:30",
    "state-of-the-art, well-known, e-mail",
    "don't can't won't it's O'Neil\u2019s",
    "Supercalifragilisticexpialidocious pneumonoultramicroscopicsilicovolcanoconiosis",
    "a" * 100,
    "b" * 101,
    "zxqv qwzx xkcdqz",
    "Ωμέγα ΟΔΟΣ σς",
    "Привет, мир!",
    "مرحبا بالعالم",
    "नमस्ते दुनिया",
    "\u0130stanbul \u01c5 \ufb01le \u00bd \u2460",
    "[CLS] literal [SEP] tokens [MASK] and [cls] lower [UNK]x a[PAD]b",
    "   leading and trailing spaces   ",
    "\u00a0nbsp\u3000ideographic space\u2028line sep\u2029para",
    "$5 + 3 = 8 ^_^ `code` |pipe| ~tilde <tag> {brace} @at #hash %pct &amp *star \\back",
    "\u00abquotes\u00bb \u201csmart\u201d \u2018single\u2019 \u201elow\u201c",
    "C++ C# .NET Node.js F# R&D",
    "Mixed123Digits abc123def 123abc",
    "x\u0378y \U000F0000private \ue000use",
    "\U0002B820\U0002B821 \U0002B920\U0002B921 \u3400\u3401 \uf900",
    "\uff26\uff55\uff4c\uff4c\uff57\uff49\uff44\uff54\uff48 \uff21\uff22\uff23 \uff11\uff12\uff13",
    "e\u0301 vs \u00e9, A\u0300\u0316 and x\u093e\u0901y",
    "\u00c5ngstr\u00f6M \u00d1and\u00fa \u0141\u00f3d\u017a Dvo\u0159\u00e1k \u00d8rsted \u00de\u00f3rr",
    "\u00df \u1e9e",
    "x\u1fefy \u037e",
    # Classes as in Unicode 8.0 (the reference's tables): later marks, punctuation and format
    # characters are ordinary there, and a few characters have changed category since.
    "x\u0898y a\u2e5db c\u08e2d \u166d \u1734 \U000111c9 \U0001171e \ua9bd \u1885",
    "\t\n\r ",
    "\x00\x01\x7f",
    "\U0001F600",
    "\ufdfa",
    "word\u2014dash\u2013en dash\u2010hyphen",
    "hello...world!!!",
    "UPPER lower MiXeD",
    "Tokyo\u6771\u4eacOsaka\u5927\u962a",
    "1/2 3\\4 a|b",
    "r\u00e9sum\u00e9 R\u00c9SUM\u00c9 Resume",
    CV,
    " ".join([CV, CV]),
] + PROFILES

TINY_SENTENCES = PROFILES + [
    "",
    "Caf\u00e9 cr\u00e8me at the Stra\u00dfe",
    "\u5317\u4eac and \u6771\u4eac",
    "Hello, world! \U0001F600",
    "state-of-the-art C++ engineer",
    CV,  # truncated at 64 tokens
]

REAL_SENTENCES = PROFILES + [
    CV,
    "",
    "Hello, world!",
    "Machine learning engineer with five years of experience in NLP",
    "Frontend developer (React, TypeScript)",
    "Chef specialising in Italian cuisine",
    "Caf\u00e9 owner in Z\u00fcrich",
    "\u5317\u4eac\u7684\u8f6f\u4ef6\u5de5\u7a0b\u5e08",
    "The quick brown fox jumps over the lazy dog",
    "Nurse working night shifts in a busy emergency department",
    "Open to remote work; fluent in English, German and French.",
    "I \u2764\ufe0f hiking \U0001F3D4\ufe0f and photography \U0001F4F7",
]


def round7(values) -> list[float]:
    """7 significant digits (the JSON reader gets float32 values back to about 1e-7)."""
    return [float(f"{float(v):.7g}") for v in values]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_vocab(path: Path) -> list[str]:
    """One token per line, as transformers' load_vocab reads it."""
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f.readlines()]


def tokenizer_for(vocab: list[str]) -> BertTokenizer:
    return BertTokenizer(vocab={token: i for i, token in enumerate(vocab)})


def ids(tokenizer: BertTokenizer, text: str, max_tokens: int) -> list[int]:
    return tokenizer(text, truncation=True, max_length=max_tokens)["input_ids"]


def reduced_vocab(real: list[str], texts: list[str]) -> list[str]:
    """Specials; every single-character token of the real vocab in ASCII or Latin-1 and its
    ## form; the characters and ## characters the texts use; the word pieces the real vocab
    splits the texts into, except pieces of more than 8 characters (so long words split
    differently than with the real vocab)."""
    real_tokenizer = tokenizer_for(real)
    index = {token: i for i, token in enumerate(real)}
    wanted: set[str] = set()
    for token in real:
        if len(token) == 1 and (0x21 <= ord(token) <= 0x7E or 0xA1 <= ord(token) <= 0xFF):
            wanted.add(token)
            if "##" + token in index:
                wanted.add("##" + token)
    for text in texts:
        for piece in real_tokenizer.tokenize(text):
            bare = piece[2:] if piece.startswith("##") else piece
            if piece in SPECIALS or len(bare) > 8:
                continue
            wanted.add(piece)
            for char in bare:
                for form in (char, "##" + char):
                    if form in index:
                        wanted.add(form)
    return SPECIALS + sorted(wanted - set(SPECIALS), key=lambda t: index[t])


def write_json(path: Path, value) -> None:
    path.write_text(json.dumps(value, ensure_ascii=True, indent=1) + "\n")


def sentence_pipeline(directory: Path, max_tokens: int, dimension: int) -> SentenceTransformer:
    transformer = models.Transformer(str(directory), max_seq_length=max_tokens)
    return SentenceTransformer(modules=[transformer, models.Pooling(dimension, "mean"), models.Normalize()], device="cpu")


def embed(model: SentenceTransformer, sentences: list[str]) -> list[list[float]]:
    # One sentence per batch: no padding, the same computation as the Swift encoder.
    return [round7(model.encode([s], batch_size=1, convert_to_numpy=True)[0]) for s in sentences]


def make_tiny(out: Path, vocab: list[str]) -> None:
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=64,
        max_position_embeddings=128,
        type_vocab_size=2,
        hidden_act="gelu",
        layer_norm_eps=1e-12,
    )
    torch.manual_seed(SEED)
    model = BertModel(config, add_pooling_layer=False).eval()
    # Larger than BERT's init (std 0.02) so every part of the network moves the output.
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "LayerNorm.weight" in name:
                p.copy_(1 + 0.2 * torch.randn_like(p))
            elif name.endswith("bias"):
                p.copy_(0.1 * torch.randn_like(p))
            elif "embeddings" in name:
                p.copy_(torch.randn_like(p))
            else:
                p.copy_(torch.randn_like(p) / p.shape[1] ** 0.5)
    tensors = {k: v.contiguous() for k, v in model.state_dict().items()}
    # As in released checkpoints: the int64 position_ids buffer, which the loader must skip.
    tensors["embeddings.position_ids"] = torch.arange(config.max_position_embeddings, dtype=torch.int64)[None, :]
    out.mkdir(parents=True, exist_ok=True)
    safetensors.torch.save_file(tensors, str(out / "model.safetensors"), metadata={"format": "pt"})
    (out / "model.safetensors").chmod(0o644)
    keys = [
        "architectures", "hidden_act", "hidden_size", "intermediate_size", "layer_norm_eps",
        "max_position_embeddings", "model_type", "num_attention_heads", "num_hidden_layers",
        "position_embedding_type", "type_vocab_size", "vocab_size", "pad_token_id",
    ]
    full = config.to_dict()
    full["architectures"] = ["BertModel"]
    full["position_embedding_type"] = "absolute"  # transformers 5 no longer writes it; older configs have it
    write_json(out / "config.json", {k: full[k] for k in keys})
    (out / "vocab.txt").write_text("".join(t + "\n" for t in vocab), encoding="utf-8")
    write_json(out / "tokenizer_config.json", {"do_lower_case": True, "tokenizer_class": "BertTokenizer", "model_max_length": 128})
    write_json(out / "sentence_bert_config.json", {"max_seq_length": TINY_MAX_TOKENS, "do_lower_case": False})
    (out / "1_Pooling").mkdir(exist_ok=True)
    write_json(
        out / "1_Pooling/config.json",
        {"word_embedding_dimension": 32, "pooling_mode_cls_token": False, "pooling_mode_mean_tokens": True,
         "pooling_mode_max_tokens": False, "pooling_mode_mean_sqrt_len_tokens": False},
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL, help="all-MiniLM-L6-v2 folder (Tools/fetch-minilm.sh)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    if not (args.model / "model.safetensors").is_file():
        sys.exit(f"{args.model}: no model.safetensors; run Tools/fetch-minilm.sh first")
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    real_vocab = read_vocab(args.model / "vocab.txt")
    real_tokenizer = tokenizer_for(real_vocab)
    vocab = reduced_vocab(real_vocab, TOKENIZER_CASES + TINY_SENTENCES)
    make_tiny(out / "tiny", vocab)
    tiny_tokenizer = tokenizer_for(vocab)

    cases = []
    for text in TOKENIZER_CASES:
        cases.append({
            "text": text,
            "tiny": ids(tiny_tokenizer, text, REAL_MAX_TOKENS),
            "real": ids(real_tokenizer, text, REAL_MAX_TOKENS),
        })
    # Truncation to a small budget keeps [CLS] and [SEP].
    short = {"text": PROFILES[0], "max_tokens": 5}
    short["tiny"] = ids(tiny_tokenizer, short["text"], 5)
    short["real"] = ids(real_tokenizer, short["text"], 5)
    cases.append(short)
    write_json(out / "tokenizer_cases.json", {
        "reference": f"transformers {transformers.__version__} BertTokenizer (tokenizers {tokenizers.__version__}), "
                     "truncation=True, max_length=max_tokens (256 unless given)",
        "real_vocab_sha256": sha256(args.model / "vocab.txt"),
        "cases": cases,
    })

    tiny = sentence_pipeline(out / "tiny", TINY_MAX_TOKENS, 32)
    write_json(out / "tiny_embeddings.json", {
        "reference": f"sentence-transformers {sentence_transformers.__version__}: Transformer(max_seq_length="
                     f"{TINY_MAX_TOKENS}) -> Pooling(mean) -> Normalize, torch {torch.__version__} CPU float32",
        "sentences": [
            {"text": s, "ids": ids(tiny_tokenizer, s, TINY_MAX_TOKENS), "embedding": e}
            for s, e in zip(TINY_SENTENCES, embed(tiny, TINY_SENTENCES))
        ],
    })

    real = sentence_pipeline(args.model, REAL_MAX_TOKENS, 384)
    write_json(out / "minilm_embeddings.json", {
        "reference": f"sentence-transformers {sentence_transformers.__version__}: all-MiniLM-L6-v2, Transformer("
                     f"max_seq_length={REAL_MAX_TOKENS}) -> Pooling(mean) -> Normalize, torch {torch.__version__} CPU float32",
        "model_sha256": sha256(args.model / "model.safetensors"),
        "sentences": [
            {"text": s, "token_count": len(ids(real_tokenizer, s, REAL_MAX_TOKENS)), "embedding": e}
            for s, e in zip(REAL_SENTENCES, embed(real, REAL_SENTENCES))
        ],
    })
    print(f"wrote {out} (reduced vocab {len(vocab)} tokens; python {platform.python_version()}, torch {torch.__version__}, "
          f"transformers {transformers.__version__}, tokenizers {tokenizers.__version__}, "
          f"sentence-transformers {sentence_transformers.__version__})")


if __name__ == "__main__":
    main()
