#!/usr/bin/env bash
# Download the LoCoMo benchmark file (locomo10.json) from a pinned commit of
# snap-research/locomo and verify its SHA-256.
#
# Usage: fetch-locomo.sh [DEST_DIR]      (default: .build/eval)
#        LOCOMO_URL=<mirror url> fetch-locomo.sh [DEST_DIR]
#
# Data license: CC BY-NC 4.0 (see LICENSE.txt in snap-research/locomo).
# The file is not redistributed with this project; this script fetches it.
set -euo pipefail

COMMIT="3eb6f2c585f5e1699204e3c3bdf7adc5c28cb376"
URL="${LOCOMO_URL:-https://raw.githubusercontent.com/snap-research/locomo/${COMMIT}/data/locomo10.json}"  # override = mirror; sha256 still enforced
SHA256="79fa87e90f04081343b8c8debecb80a9a6842b76a7aa537dc9fdf651ea698ff4"

fail() { echo "fetch-locomo: $*" >&2; exit 1; }

[ "$#" -le 1 ] || fail "usage: $0 [DEST_DIR]"
DEST_DIR="${1:-.build/eval}"
DEST="${DEST_DIR%/}/locomo10.json"

command -v curl >/dev/null 2>&1 || fail "curl not found"
if command -v sha256sum >/dev/null 2>&1; then
  sha256() { sha256sum "$1" | awk '{print $1}'; }
elif command -v shasum >/dev/null 2>&1; then
  sha256() { shasum -a 256 "$1" | awk '{print $1}'; }
else
  fail "neither sha256sum nor shasum found"
fi

# Already present and correct: nothing to do.
if [ -f "$DEST" ] && [ "$(sha256 "$DEST")" = "$SHA256" ]; then
  echo "fetch-locomo: $DEST already present (sha256 ok)"
  exit 0
fi

mkdir -p "$DEST_DIR" 2>/dev/null || fail "cannot create directory $DEST_DIR"
TMP="$(mktemp "${DEST_DIR%/}/.locomo10.json.XXXXXX" 2>/dev/null)" \
  || fail "cannot create temporary file in $DEST_DIR"
trap 'rm -f "$TMP"' EXIT

curl --fail --silent --show-error --location --retry 3 \
     --connect-timeout 20 --max-time 300 -o "$TMP" "$URL" 2>/dev/null \
  || fail "download failed: $URL"

GOT="$(sha256 "$TMP")"
[ "$GOT" = "$SHA256" ] || fail "sha256 mismatch for $URL (got $GOT, want $SHA256)"

mv -f "$TMP" "$DEST" || fail "cannot write $DEST"
trap - EXIT
chmod 644 "$DEST" 2>/dev/null || true
echo "fetch-locomo: wrote $DEST (sha256 ok)"
