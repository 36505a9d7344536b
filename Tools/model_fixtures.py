#!/usr/bin/env python3
"""Write the golden model fixtures for the VoxModel parity and loader tests.

The reference implementation is NOT part of this repository.  This script imports
NeuroSync's ``utils/model/model.py`` (Encoder, Decoder, Seq2Seq) and
``utils/audio/processing/audio_processing.py`` (process_audio_features, decode_audio_chunk)
by file path from a local checkout of NeuroSync_Local_API (``--neurosync DIR``) and runs
them on CPU in float32 with one thread.  The model inputs are the committed reference
features of Tests/VoxDSPTests/Fixtures/reference, so model parity is tested apart from
feature parity.

Outputs (default ``Tests/VoxModelTests/Fixtures``); every array is ``.npy`` v1.0,
``'<f4'``, C order:

  small/      config.json, model.pth, model.safetensors, model_f16.safetensors,
              outputs/<clip>.npy (N, 68)   process_audio_features output (post-processed)
              raw/<clip>.npy (N, 68)       the same run before post-processing
              outputs_f16/speech.npy       output with the float16-rounded weights
              window_in.npy (128, 256), window_out.npy (128, 68)   one decode_audio_chunk
  medium/     config.json, tensor_order.json, weight_checks.json, README.md,
              window_in.npy, window_out.npy    (weights by formula, not stored)
  tiny/       config.json, model.pth, model.safetensors   (valid base of the bad files)
  bad/        hostile and broken model files, README.md
  README.md, manifest.json   (file list with sha256, versions, value ranges)

Running it twice gives byte-identical files (torch.save's random
``.data/serialization_id`` record is replaced by a digest of the archive's other records).
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import importlib.util
import io
import json
import math
import platform
import shutil
import struct
import subprocess
import sys
import tempfile
import warnings
import zipfile
import zlib
from pathlib import Path

import numpy as np
import safetensors
import safetensors.torch
import torch

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "Tests/VoxModelTests/Fixtures"
FEATURES_DIR = REPO_ROOT / "Tests/VoxDSPTests/Fixtures/reference"
MODEL_REL = Path("utils/model/model.py")
PROCESSING_REL = Path("utils/audio/processing/audio_processing.py")

CLIPS = ("speech", "speech_silence_edges", "short_0p2s", "stereo_48k")

SMALL = {"input_dim": 256, "hidden_dim": 64, "n_layers": 2, "num_heads": 4,
         "output_dim": 68, "frame_size": 128, "overlap": 32}
MEDIUM = {"input_dim": 256, "hidden_dim": 256, "n_layers": 3, "num_heads": 8,
          "output_dim": 68, "frame_size": 128, "overlap": 32}
# Base of the broken files in bad/: a valid model small enough that seven variants of it
# cost ~0.4 MB instead of ~7 MB for variants of `small`.
TINY = {"input_dim": 256, "hidden_dim": 16, "n_layers": 1, "num_heads": 2,
        "output_dim": 68, "frame_size": 128, "overlap": 32}

# The config process_audio_features / decode_audio_chunk read.
PIPELINE = {"frame_size": 128, "overlap": 32, "use_half_precision": False}

SMALL_SEED = 1234
TINY_SEED = 99


# --------------------------------------------------------------------------- reference


def _import_file(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"error: cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_reference(neurosync: Path):
    """NeuroSync's model module and batch-processing module, imported by file path."""
    for rel in (MODEL_REL, PROCESSING_REL):
        if not (neurosync / rel).is_file():
            raise SystemExit(f"error: {neurosync / rel} not found "
                             "(is --neurosync a NeuroSync_Local_API checkout?)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # torch.cuda.amp.autocast import
        model_mod = _import_file("neurosync_reference_model", neurosync / MODEL_REL)
        proc_mod = _import_file("neurosync_reference_audio_processing", neurosync / PROCESSING_REL)
    return model_mod, proc_mod


def git_commit(path: Path) -> str | None:
    try:
        return subprocess.run(["git", "-C", str(path), "rev-parse", "HEAD"], check=True,
                              capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def build_model(ref_model, cfg: dict) -> torch.nn.Module:
    h, n, heads = cfg["hidden_dim"], cfg["n_layers"], cfg["num_heads"]
    encoder = ref_model.Encoder(cfg["input_dim"], h, n, heads)
    decoder = ref_model.Decoder(cfg["output_dim"], h, n, heads)
    return ref_model.Seq2Seq(encoder, decoder, torch.device("cpu")).eval()


def seeded_model(ref_model, cfg: dict, seed: int) -> torch.nn.Module:
    """Default PyTorch init under torch.manual_seed(seed), then, continuing the same
    generator and visiting modules in named_modules() order: LayerNorm weight =
    1 + 0.1*randn, LayerNorm bias = 0.1*randn, Linear bias = 0.05*randn."""
    torch.manual_seed(seed)
    model = build_model(ref_model, cfg)
    with torch.no_grad():
        for _, module in model.named_modules():
            if isinstance(module, torch.nn.LayerNorm):
                module.weight.copy_(1.0 + 0.1 * torch.randn(module.weight.shape))
                module.bias.copy_(0.1 * torch.randn(module.bias.shape))
            elif isinstance(module, torch.nn.Linear):
                module.bias.copy_(0.05 * torch.randn(module.bias.shape))
    return model


def model_with(ref_model, cfg: dict, state: dict) -> torch.nn.Module:
    model = build_model(ref_model, cfg)
    model.load_state_dict(state, strict=True)
    return model.eval()


class _NumpyTap:
    """Stands in for the `np` global of the reference processing module: delegates
    everything to numpy and keeps a copy of each np.concatenate result.  The reference's
    process_audio_features joins its blended windows with one np.concatenate and then
    post-processes the result in place, so the copy is the pipeline output before
    post-processing."""

    def __init__(self):
        self.concatenated: list[np.ndarray] = []

    def __getattr__(self, name):
        return getattr(np, name)

    def concatenate(self, *args, **kwargs):
        result = np.concatenate(*args, **kwargs)
        self.concatenated.append(np.array(result, copy=True))
        return result


def run_pipeline(ref_proc, model, features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(output, raw): the reference batch pipeline's result, and its blended windows
    before the /100, fade-in and column zeroing."""
    tap = _NumpyTap()
    saved = ref_proc.np
    ref_proc.np = tap
    try:
        out = ref_proc.process_audio_features(features, model, torch.device("cpu"), dict(PIPELINE))
    finally:
        ref_proc.np = saved
    if len(tap.concatenated) != 1:
        raise SystemExit(f"error: expected one np.concatenate in process_audio_features, "
                         f"saw {len(tap.concatenated)}; the tap needs revisiting")
    raw = tap.concatenated[0][: features.shape[0]]
    return np.asarray(out), raw


# Own statement of the documented post-processing (neurosync.md), used only to check that
# the captured raw array really is the pre-post-processing output.
ZEROED_COLUMNS = [0, 1, 2, 3, 4, 7, 8, 9, 10, 11] + list(range(51, 61))


def postprocess_check(raw: np.ndarray) -> np.ndarray:
    y = np.array(raw, dtype=np.float32, copy=True)
    y[:, :61] /= 100
    n = min(6, y.shape[0])
    y[:n] *= np.linspace(0, 1, n)[:, None]
    y[:, ZEROED_COLUMNS] = 0
    return y


def decode_window(ref_proc, model, window: np.ndarray) -> np.ndarray:
    return np.asarray(ref_proc.decode_audio_chunk(window, model, "cpu", dict(PIPELINE)))


def float64_window(model, window: np.ndarray) -> np.ndarray:
    """The same window through a float64 copy of the model: an error yardstick only."""
    m64 = copy.deepcopy(model).double().eval()
    with torch.no_grad():
        x = torch.tensor(window, dtype=torch.float64).unsqueeze(0)
        return m64.decoder(m64.encoder(x)).squeeze(0).numpy()


# --------------------------------------------------------------------------- writers


def save_npy(path: Path, array: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, np.ascontiguousarray(array, dtype="<f4"), allow_pickle=False)


def save_json(path: Path, obj, indent: int | None = 2) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=indent) + "\n")


def pin_serialization_id(path: Path) -> None:
    """torch.save writes a random 40-digit `<archive>/.data/serialization_id` record.
    Replace it (same length) by digits of the sha256 of the archive's other records and
    fix the CRC-32 in its data descriptor and central-directory entry, so that the file
    depends only on its content.  torch.load does not check the id."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        infos = z.infolist()
        target = [i for i in infos if i.filename.endswith("/.data/serialization_id")]
        if not target:
            return
        info = target[0]
        digest = hashlib.sha256()
        for other in infos:
            if other is not info:
                digest.update(other.filename.encode() + b"\0" + z.read(other.filename))
    size = info.file_size
    digits = str(int.from_bytes(digest.digest(), "big")).rjust(size, "0")[:size].encode()
    old_crc = info.CRC
    new_crc = zlib.crc32(digits)

    off = info.header_offset
    if data[off:off + 4] != b"PK\x03\x04":
        raise SystemExit(f"error: {path}: bad local header")
    flags = struct.unpack_from("<H", data, off + 6)[0]
    nlen, elen = struct.unpack_from("<HH", data, off + 26)
    start = off + 30 + nlen + elen
    data[start:start + size] = digits
    if struct.unpack_from("<I", data, off + 14)[0] == old_crc:
        struct.pack_into("<I", data, off + 14, new_crc)
    if flags & 0x8:  # data descriptor after the data
        dd = start + size
        if data[dd:dd + 4] == b"PK\x07\x08":
            dd += 4
        if struct.unpack_from("<I", data, dd)[0] != old_crc:
            raise SystemExit(f"error: {path}: data descriptor not where expected")
        struct.pack_into("<I", data, dd, new_crc)
    eocd = data.rfind(b"PK\x05\x06")
    entries, cd_size, cd_off = struct.unpack_from("<HII", data, eocd + 10)
    pos, patched = cd_off, False
    for _ in range(entries):
        if data[pos:pos + 4] != b"PK\x01\x02":
            raise SystemExit(f"error: {path}: bad central directory")
        n, e, c = struct.unpack_from("<HHH", data, pos + 28)
        if data[pos + 46:pos + 46 + n].decode() == info.filename:
            struct.pack_into("<I", data, pos + 16, new_crc)
            patched = True
        pos += 46 + n + e + c
    if not patched:
        raise SystemExit(f"error: {path}: serialization_id not in central directory")
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as z:
        if z.testzip() is not None:
            raise SystemExit(f"error: {path}: CRC check failed after pinning the id")


def save_pth(obj, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(obj, path)
    pin_serialization_id(path)


def torch_zip_records(path: Path) -> list[tuple[str, bytes]]:
    """The records of a torch.save archive in file order, archive prefix removed, minus the
    two that PyTorchFileWriter appends itself (version, .data/serialization_id)."""
    with zipfile.ZipFile(path) as z:
        out = []
        for info in z.infolist():
            name = info.filename.split("/", 1)[1]
            if name in ("version", ".data/serialization_id"):
                continue
            out.append((name, z.read(info.filename)))
    return out


def write_torch_zip(path: Path, records: list[tuple[str, bytes]]) -> None:
    """A zip laid out by PyTorch's own writer (stored entries, 64-byte aligned data,
    archive folder named after the file stem, version and serialization_id appended)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = torch._C.PyTorchFileWriter(str(path))
    for name, blob in records:
        writer.write_record(name, blob, len(blob))
    writer.write_end_of_file()
    del writer
    pin_serialization_id(path)


def save_safetensors(state: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    safetensors.torch.save_file({k: v.contiguous() for k, v in state.items()}, str(path),
                                metadata={"format": "pt"})


# --------------------------------------------------------------------------- medium weights
#
# Medium weights are not stored; they follow a formula the Swift test recomputes:
#
#   k     index of the tensor in the reference model's state_dict() order
#         (medium/tensor_order.json lists [name, shape] in that order), from 0
#   j     flat index of the element in C (row-major) order, from 0
#   t     = sin((0.7 * j + 1.3 * k) + 0.1)   in float64 (IEEE double, left to right, no FMA;
#         sin = the C library's sin, checked here against numpy)
#   Linear weight [out, in] (names not containing "norm")   : float32(t * (1.0 / sqrt(in)))
#   Linear bias                                             : float32(0.02 * t)
#   LayerNorm weight (names containing "norm")              : float32(1.0 + 0.1 * t)
#   LayerNorm bias                                          : float32(0.1 * t)
#
# float32(x) is round-to-nearest-even.  In the medium model `in` is 256 or 1024, so
# 1/sqrt(in) is exactly 0.0625 or 0.03125 and t * (1/sqrt(in)) == t / sqrt(in).

MEDIUM_FORMULA = (
    "t = sin((0.7*j + 1.3*k) + 0.1) in float64, k = tensor index in state_dict order "
    "(tensor_order.json), j = flat C-order element index; Linear weight [out,in]: "
    "float32(t * (1/sqrt(in))); Linear bias: float32(0.02*t); LayerNorm weight "
    "(name contains 'norm'): float32(1 + 0.1*t); LayerNorm bias: float32(0.1*t)"
)


def medium_tensor(name: str, shape: tuple[int, ...], k: int) -> np.ndarray:
    count = int(np.prod(shape)) if shape else 1
    j = np.arange(count, dtype=np.float64)
    arg = 0.7 * j + 1.3 * float(k) + 0.1
    t = np.sin(arg)
    # Cross-check numpy's sin against the C library's (what Swift's sin calls).
    libm = np.fromiter((math.sin(a) for a in arg.tolist()), dtype=np.float64, count=count)
    medium_tensor.sin_mismatches += int(np.count_nonzero(libm != t))
    t = libm
    is_norm = "norm" in name
    if name.endswith(".weight") and not is_norm:
        values = t * (1.0 / math.sqrt(shape[1]))
    elif name.endswith(".bias") and not is_norm:
        values = 0.02 * t
    elif name.endswith(".weight"):
        values = 1.0 + 0.1 * t
    elif name.endswith(".bias"):
        values = 0.1 * t
    else:
        raise SystemExit(f"error: no medium formula for {name}")
    return values.astype(np.float32).reshape(shape)


medium_tensor.sin_mismatches = 0


def medium_state(ref_model) -> tuple[dict, list]:
    template = build_model(ref_model, MEDIUM).state_dict()
    state, order = {}, []
    for k, (name, tensor) in enumerate(template.items()):
        shape = tuple(tensor.shape)
        state[name] = torch.from_numpy(medium_tensor(name, shape, k))
        order.append([name, list(shape)])
    return state, order


MEDIUM_README = """\
# Medium model fixture (weights by formula)

`config.json`: input 256, hidden 256, 3 encoder + 3 decoder layers, 8 heads (head dim 32),
feed-forward 1024, output 68.  The weights are **not stored**: the test recomputes them.

`tensor_order.json` lists `[name, shape]` for every tensor in the reference model's
`state_dict()` order.  For the k-th tensor (k from 0) and its j-th element in flat C
(row-major) order (j from 0):

    t = sin((0.7 * j + 1.3 * k) + 0.1)          computed in float64 (Double), left to right

    Linear weight [out, in]  (name without "norm"): Float(t * (1.0 / sqrt(Double(in))))
    Linear bias              (name without "norm"): Float(0.02 * t)
    LayerNorm weight         (name with "norm")   : Float(1.0 + 0.1 * t)
    LayerNorm bias           (name with "norm")   : Float(0.1 * t)

`Float(x)` is the usual round-to-nearest-even conversion.  `in` is 256 or 1024 here, so
`1 / sqrt(in)` is exact (0.0625, 0.03125).  In Swift:

```swift
let t = sin(0.7 * Double(j) + 1.3 * Double(k) + 0.1)
```

`sin` is the C library's (the generator used Python's `math.sin`, i.e. libm, and checked
numpy's `np.sin` against it: {sin_mismatches} of {elements} elements differed).  A different
libm may differ by one double ulp in rare elements, which can move a weight by one float ulp;
compare outputs with a tolerance, not bit-exactly.

`weight_checks.json`: per tensor `[name, first value, last value, float64 sum of the
float32 values]`, to check the recomputed weights before running the model.

`window_in.npy` (128, 256): the first 128 rows of
`Tests/VoxDSPTests/Fixtures/reference/speech.npy`.  `window_out.npy` (128, 68): the reference
`decode_audio_chunk` of that window (raw model output: no /100, no fade, no zeroing), float32
on CPU.  Max |window_out| = {max_abs:.6g}; the same window through a float64 copy of the
model differs from it by at most {f64_diff:.3g}.

Note: every Linear weight made by this formula has rank 2 (row r is a sinusoid in the column
index with a phase that depends on r), so this is a low-rank model.  It is still sensitive to
the usual porting mistakes; with torch 2.15 the max |change| of `window_out` was: RoPE on
split halves instead of interleaved pairs 0.11, no RoPE 0.07, q/k/v/out weights transposed
10.6, decoder cross-attention over its own state instead of the encoder output 0.05, attention
scaled by 1/d instead of 1/sqrt(d) 0.08, LayerNorm eps 1e-6 instead of 1e-5 0.011; all far
above the float32 error, so a tolerance around 1e-4 separates them.
"""


# --------------------------------------------------------------------------- hostile files


def hostile_pickle(module: str, name: str, argument: str) -> bytes:
    """Protocol-2 pickle that starts like a state_dict (OrderedDict()) and whose first
    value is GLOBAL module.name called (REDUCE) with (argument,)."""
    def unicode(s: str) -> bytes:
        b = s.encode()
        return b"X" + struct.pack("<I", len(b)) + b
    return (b"\x80\x02"                                 # PROTO 2
            + b"ccollections\nOrderedDict\n)R"         # OrderedDict()
            + b"("                                       # MARK
            + unicode("encoder.embedding.weight")
            + f"c{module}\n{name}\n".encode()            # GLOBAL module name
            + unicode(argument) + b"\x85"                # (argument,)  TUPLE1
            + b"R"                                       # REDUCE: the call
            + b"u"                                       # SETITEMS
            + b".")                                      # STOP


def replace_first_storage_key(pickle_bytes: bytes, new_key: str) -> bytes:
    """Swap the storage key '0' (a BINUNICODE inside the first persistent id) for new_key.
    Protocol 2 has no frames or absolute offsets, so a byte splice is safe."""
    import pickletools
    for op, arg, pos in pickletools.genops(pickle_bytes):
        if op.name == "BINUNICODE" and arg == "0":
            old = b"X" + struct.pack("<I", 1) + b"0"
            if pickle_bytes[pos:pos + len(old)] != old:
                break
            key = new_key.encode()
            new = b"X" + struct.pack("<I", len(key)) + key
            return pickle_bytes[:pos] + new + pickle_bytes[pos + len(old):]
    raise SystemExit("error: storage key '0' not found in data.pkl")


def safetensors_parts(path: Path) -> tuple[dict, bytes]:
    blob = path.read_bytes()
    (n,) = struct.unpack_from("<Q", blob, 0)
    return json.loads(blob[8:8 + n]), blob[8 + n:]


def safetensors_bytes(header: dict, payload: bytes) -> bytes:
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + payload


def write_bad(out: Path, ref_model, base_name: str, base_cfg: dict, base_state: dict,
              base_dir: Path) -> list[str]:
    bad = out / "bad"
    bad.mkdir(parents=True, exist_ok=True)
    readme = []
    h = base_cfg["hidden_dim"]
    cfg_rel = f"{base_name}/config.json"

    def note(file: str, text: str) -> None:
        readme.append(f"- `{file}`: {text}")

    write_torch_zip(bad / "os_system.pth", [
        ("data.pkl", hostile_pickle("os", "system", "true")),
        (".format_version", b"1"), (".storage_alignment", b"64"), ("byteorder", b"little")])
    note("os_system.pth", "torch.save-style zip whose data.pkl starts like a state_dict, then "
         "GLOBAL `os system` + REDUCE with ('true',) (code execution; must be refused unread).")

    write_torch_zip(bad / "builtins_eval.pth", [
        ("data.pkl", hostile_pickle("builtins", "eval", "1+1")),
        (".format_version", b"1"), (".storage_alignment", b"64"), ("byteorder", b"little")])
    note("builtins_eval.pth", "as os_system.pth but GLOBAL `builtins eval` + REDUCE with ('1+1',).")

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "path_escape.pth"
        torch.save(base_state, src)
        records = []
        for name, blob in torch_zip_records(src):
            if name == "data.pkl":
                blob = replace_first_storage_key(blob, "../../../etc/passwd")
            elif name == "data/0":
                name = "data/../../../etc/passwd"
            records.append((name, blob))
        write_torch_zip(bad / "path_escape.pth", records)
    note("path_escape.pth", f"the {base_name} state_dict, but the first tensor's persistent storage "
         "key is '../../../etc/passwd' and its data is stored under the zip entry "
         "'path_escape/data/../../../etc/passwd' (a plain name lookup would find it; "
         "torch.load itself loads this file).")

    state = dict(base_state)
    state["encoder.embedding.bias"] = (base_state["encoder.embedding.bias"] * 1000).round().to(torch.int64)
    save_pth(state, bad / "int64_tensor.pth")
    note("int64_tensor.pth", f"real torch.save of the {base_name} state_dict with "
         "encoder.embedding.bias an int64 tensor (torch LongStorage), right shape.")

    state = dict(base_state)
    state["encoder.embedding.weight"] = base_state["encoder.embedding.weight"][:, :255].clone()
    save_pth(state, bad / "wrong_shape.pth")
    note("wrong_shape.pth", f"the {base_name} state_dict with encoder.embedding.weight of shape "
         f"[{h}, 255] instead of [{h}, 256].")

    state = dict(base_state)
    state["encoder.extra.weight"] = torch.ones(h)
    save_pth(state, bad / "unknown_key.pth")
    note("unknown_key.pth", f"the {base_name} state_dict plus an extra key 'encoder.extra.weight' "
         f"(shape [{h}]).")

    state = {k: v for k, v in base_state.items() if k != "decoder.fc_output.bias"}
    save_pth(state, bad / "missing_key.pth")
    note("missing_key.pth", f"the {base_name} state_dict without 'decoder.fc_output.bias'.")

    whole = (base_dir / "model.pth").read_bytes()
    (bad / "truncated.pth").write_bytes(whole[: len(whole) // 2])
    note("truncated.pth", f"{base_name}/model.pth cut to its first {len(whole) // 2} of "
         f"{len(whole)} bytes (no central directory).")

    header, payload = safetensors_parts(base_dir / "model.safetensors")
    last = max((k for k in header if k != "__metadata__"), key=lambda k: header[k]["data_offsets"][1])
    begin, end = header[last]["data_offsets"]
    header[last]["data_offsets"] = [len(payload) + 4096, len(payload) + 4096 + (end - begin)]
    (bad / "bad_offsets.safetensors").write_bytes(safetensors_bytes(header, payload))
    note("bad_offsets.safetensors", f"{base_name}/model.safetensors with the data_offsets of "
         f"'{last}' moved to [{len(payload) + 4096}, {len(payload) + 4096 + end - begin}], past the "
         f"end of the {len(payload)}-byte data section (length still consistent).")

    state = dict(base_state)
    state["encoder.embedding.bias"] = (base_state["encoder.embedding.bias"] * 1000).round().to(torch.int64)
    save_safetensors(state, bad / "bad_dtype.safetensors")
    note("bad_dtype.safetensors", "a well-formed safetensors file whose 'encoder.embedding.bias' is "
         "declared \"I64\" (shape and byte length consistent).")

    body = b'{"__metadata__":{"format":"pt"}}'
    (bad / "huge_header.safetensors").write_bytes(struct.pack("<Q", 1 << 40) + body)
    note("huge_header.safetensors", f"8-byte header length 2^40 (1099511627776) followed by "
         f"{len(body)} bytes: the file is {8 + len(body)} bytes long.")

    heads = bad / "heads_config"
    heads.mkdir(exist_ok=True)
    heads_cfg = dict(base_cfg, num_heads=5)
    save_json(heads / "config.json", heads_cfg)
    shutil.copyfile(base_dir / "model.safetensors", heads / "model.safetensors")
    note("heads_config/", f"config.json with hidden_dim {h} and num_heads 5 (does not divide), "
         f"plus a copy of {base_name}/model.safetensors (weights that fit hidden_dim {h}).")

    text = (f"# Hostile and broken model files\n\nEach file is broken in exactly one way; read against "
            f"`../{cfg_rel}` ({json.dumps(base_cfg)}), whose `model.pth` and `model.safetensors` "
            f"load cleanly.  None of these may load, and no pickle in them may run.\n\n"
            + "\n".join(readme) + "\n")
    (bad / "README.md").write_text(text)
    return readme


# --------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--neurosync", required=True, type=Path, help="NeuroSync_Local_API checkout")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: %(default)s)")
    parser.add_argument("--features", type=Path, default=FEATURES_DIR,
                        help="reference feature .npy folder (default: %(default)s)")
    parser.add_argument("--bad-base", choices=("tiny", "small"), default="tiny",
                        help="model the broken files are variants of (default: tiny, ~0.4 MB; "
                             "small makes bad/ ~7 MB)")
    args = parser.parse_args()

    torch.set_num_threads(1)          # one thread: same summation order on every run
    torch.use_deterministic_algorithms(True)
    ref_model, ref_proc = load_reference(args.neurosync.resolve())
    out = args.out.resolve()
    if out.exists():
        for sub in ("small", "medium", "tiny", "bad"):
            shutil.rmtree(out / sub, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    stats: dict = {}

    features = {}
    for clip in CLIPS:
        x = np.load(args.features / f"{clip}.npy", allow_pickle=False)
        if x.dtype != np.float32 or x.ndim != 2 or x.shape[1] != 256:
            raise SystemExit(f"error: {clip}.npy: expected float32 (N, 256), got {x.dtype} {x.shape}")
        features[clip] = x

    # ---- small
    small = out / "small"
    model = seeded_model(ref_model, SMALL, SMALL_SEED)
    state = model.state_dict()
    save_json(small / "config.json", SMALL, indent=None)
    save_pth(state, small / "model.pth")
    save_safetensors(state, small / "model.safetensors")
    save_safetensors({k: v.to(torch.float16) for k, v in state.items()}, small / "model_f16.safetensors")
    print(f"small: {len(state)} tensors, {sum(v.numel() for v in state.values())} parameters")

    for clip in CLIPS:
        y, raw = run_pipeline(ref_proc, model, features[clip])
        if y.shape != (features[clip].shape[0], 68) or y.dtype != np.float32:
            raise SystemExit(f"error: {clip}: unexpected output {y.dtype} {y.shape}")
        if not np.array_equal(postprocess_check(raw), y):
            raise SystemExit(f"error: {clip}: raw capture does not post-process to the output")
        save_npy(small / "outputs" / f"{clip}.npy", y)
        save_npy(small / "raw" / f"{clip}.npy", raw)
        stats[f"small/outputs/{clip}.npy"] = float(np.abs(y).max())
        stats[f"small/raw/{clip}.npy"] = float(np.abs(raw).max())

    window = np.ascontiguousarray(features["speech"][:128])
    w_out = decode_window(ref_proc, model, window)
    raw_speech = np.load(small / "raw" / "speech.npy")
    if not np.array_equal(w_out[:96], raw_speech[:96]):
        raise SystemExit("error: window_out and the pipeline's first window disagree")
    save_npy(small / "window_in.npy", window)
    save_npy(small / "window_out.npy", w_out)
    stats["small/window_out.npy"] = float(np.abs(w_out).max())
    small_f64_diff = float(np.abs(float64_window(model, window) - w_out).max())

    state16 = {k: v.to(torch.float16).to(torch.float32) for k, v in state.items()}
    model16 = model_with(ref_model, SMALL, state16)
    y16, _ = run_pipeline(ref_proc, model16, features["speech"])
    save_npy(small / "outputs_f16" / "speech.npy", y16)
    stats["small/outputs_f16/speech.npy"] = float(np.abs(y16).max())
    f16_effect = float(np.abs(y16 - np.load(small / "outputs" / "speech.npy")).max())

    # ---- medium
    medium = out / "medium"
    mstate, order = medium_state(ref_model)
    mmodel = model_with(ref_model, MEDIUM, mstate)
    save_json(medium / "config.json", MEDIUM, indent=None)
    save_json(medium / "tensor_order.json", order, indent=None)
    checks = [[name, float(v.flatten()[0]), float(v.flatten()[-1]), float(v.double().sum())]
              for name, v in mstate.items()]
    save_json(medium / "weight_checks.json", checks, indent=None)
    m_out = decode_window(ref_proc, mmodel, window)
    save_npy(medium / "window_in.npy", window)
    save_npy(medium / "window_out.npy", m_out)
    stats["medium/window_out.npy"] = float(np.abs(m_out).max())
    medium_f64_diff = float(np.abs(float64_window(mmodel, window) - m_out).max())
    elements = sum(v.numel() for v in mstate.values())
    (medium / "README.md").write_text(MEDIUM_README.format(
        sin_mismatches=medium_tensor.sin_mismatches, elements=elements,
        max_abs=stats["medium/window_out.npy"], f64_diff=medium_f64_diff))
    print(f"medium: {len(mstate)} tensors, {elements} parameters (np.sin vs libm sin "
          f"mismatches: {medium_tensor.sin_mismatches})")

    # ---- tiny (valid base of the broken files) and bad
    if args.bad_base == "tiny":
        tiny = out / "tiny"
        tmodel = seeded_model(ref_model, TINY, TINY_SEED)
        tstate = tmodel.state_dict()
        save_json(tiny / "config.json", TINY, indent=None)
        save_pth(tstate, tiny / "model.pth")
        save_safetensors(tstate, tiny / "model.safetensors")
        write_bad(out, ref_model, "tiny", TINY, tstate, tiny)
    else:
        write_bad(out, ref_model, "small", SMALL, state, small)

    # ---- sanity: what should load does, through torch's own loaders
    for base in ("small", args.bad_base):
        loaded = torch.load(out / base / "model.pth", weights_only=True)
        ref = state if base == "small" else tstate
        if list(loaded) != list(ref) or any(not torch.equal(loaded[k], ref[k]) for k in ref):
            raise SystemExit(f"error: {base}/model.pth does not round-trip")
        st = safetensors.torch.load_file(out / base / "model.safetensors")
        if any(not torch.equal(st[k], ref[k]) for k in ref):
            raise SystemExit(f"error: {base}/model.safetensors does not round-trip")

    # ---- README and manifest
    write_fixtures_readme(out, args.bad_base)
    files = sorted(p for p in out.rglob("*") if p.is_file() and p.name != "manifest.json")
    manifest = {
        "generator": "Tools/model_fixtures.py",
        "neurosync_commit": git_commit(args.neurosync),
        "versions": {"python": platform.python_version(), "torch": torch.__version__,
                     "numpy": np.__version__, "safetensors": safetensors.__version__},
        "torch_cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "torch_threads": 1,
        "pipeline_config": PIPELINE,
        "seeds": {"small": SMALL_SEED, "tiny": TINY_SEED},
        "medium_formula": MEDIUM_FORMULA,
        "max_abs": stats,
        "float64_window_max_abs_diff": {"small": small_f64_diff, "medium": medium_f64_diff},
        "f16_rounding_max_abs_effect_on_speech_output": f16_effect,
        "files": {str(p.relative_to(out)): {"bytes": p.stat().st_size,
                                            "sha256": hashlib.sha256(p.read_bytes()).hexdigest()}
                  for p in files},
    }
    save_json(out / "manifest.json", manifest)

    for name, value in stats.items():
        print(f"  max|{name}| = {value:.6g}")
    print(f"  float32 vs float64 window, max abs diff: small {small_f64_diff:.3g}, medium {medium_f64_diff:.3g}")
    print(f"  float16 weight rounding, max abs effect on small/outputs/speech: {f16_effect:.3g}")
    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"{len(files) + 1} files, {total} bytes in {out}")
    return 0


FIXTURES_README = """\
# VoxModel fixtures

Generated by `Tools/model_fixtures.py` from NeuroSync's own model and batch-processing code
(see Tools/README.md); do not edit by hand.  Arrays are `.npy` v1.0, `'<f4'`, C order.
Inputs are the committed reference features `Tests/VoxDSPTests/Fixtures/reference/<clip>.npy`.

- `small/`: config.json (hidden 64, 2+2 layers, 4 heads); `model.pth` (torch.save of the
  state_dict), `model.safetensors` (same names, F32), `model_f16.safetensors` (F16 copy);
  `outputs/<clip>.npy` (N, 68): `process_audio_features` output, post-processed;
  `raw/<clip>.npy` (N, 68): the same run's blended windows before the /100, the 6-frame fade-in
  and the column zeroing; `outputs_f16/speech.npy`: the output when the weights are the float16
  ones widened back to float32; `window_in.npy` (128, 256) = first 128 rows of speech features,
  `window_out.npy` (128, 68) = `decode_audio_chunk` of it (raw model output).
  Clips (frames N, windows the reference decodes: one per start 0, 96, 192, ... below N, each
  padded to 128 by repeating its last frame): speech (181: starts 0, 96), speech_silence_edges
  (211: 0, 96, 192; the last window has 19 frames and is crossfaded over those 19), short_0p2s
  (13: one padded window), stereo_48k (121: 0 and 96; the second window, 25 frames, lies inside
  the first and is crossfaded over all 25).
- `medium/`: weights by formula, see `medium/README.md`.
- `{bad_base}/`: a valid model the files in `bad/` are variants of.
- `bad/`: hostile and broken files, see `bad/README.md`.
- `manifest.json`: sha256 and size of every file, library versions, the NeuroSync commit, max
  |value| of each output, float32-vs-float64 error of the windows.
"""


def write_fixtures_readme(out: Path, bad_base: str) -> None:
    (out / "README.md").write_text(FIXTURES_README.replace("{bad_base}", bad_base))


if __name__ == "__main__":
    sys.exit(main())
