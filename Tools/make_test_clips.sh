#!/usr/bin/env bash
# Generate the deterministic test audio clips used by the VoxDSP tests.
#
# Usage:
#   Tools/make_test_clips.sh                 # (re)write Tests/VoxDSPTests/Fixtures/audio/*
#   Tools/make_test_clips.sh --out DIR       # write the fixture clips into DIR instead
#   Tools/make_test_clips.sh --bench-clip OUT.wav
#                                            # write only the ~60 s 48 kHz mono benchmark
#                                            # clip to OUT.wav (not committed)
#
# Requirements (Debian packages): espeak-ng, sox, ffmpeg (with libvorbis, libopus,
# libmp3lame). All parameters (text, voice, speed, pitch, amplitude) are fixed, sox runs
# without dither (-D) and ffmpeg runs with bitexact flags and no metadata, so the same
# tool versions give byte-identical output.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT_DIR="$ROOT/Tests/VoxDSPTests/Fixtures/audio"
BENCH_OUT=""

usage() {
    sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

while [[ $# -gt 0 ]]; do
    case "$1" in
        --out) OUT_DIR="$2"; shift 2 ;;
        --bench-clip) BENCH_OUT="$2"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done

for tool in espeak-ng sox ffmpeg; do
    command -v "$tool" >/dev/null 2>&1 || { echo "error: $tool not found in PATH" >&2; exit 1; }
done

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# Fixed synthesis settings.
AMPLITUDE=100     # espeak-ng -a (0..200)
GAP=0             # espeak-ng -g word gap (10 ms units)

# speak VOICE SPEED PITCH OUT.wav TEXT...  -> 22050 Hz mono 16-bit WAV (espeak-ng native)
speak() {
    local voice="$1" speed="$2" pitch="$3" out="$4"; shift 4
    espeak-ng -v "$voice" -s "$speed" -p "$pitch" -a "$AMPLITUDE" -g "$GAP" -w "$out" "$*"
}

# sox wrapper: no dither, only warnings/errors (the clipped clip warns by design).
sx() { sox -D -V1 "$@"; }

# ffmpeg wrapper: deterministic container/codec output, no metadata.
ff() {
    ffmpeg -nostdin -hide_banner -loglevel error -y "$@"
}

TEXT_A="The quick brown fox jumps over the lazy dog."
TEXT_B="She sells sea shells by the sea shore every summer morning."
TEXT_C="Please call Stella and ask her to bring these things with her from the store."

make_bench_clip() {
    local out="$1"
    mkdir -p "$(dirname "$out")"
    local para="Voice driven facial animation turns a stream of speech into blend shape weights. \
Every sixteen milliseconds the server receives a slice of audio, computes spectral features, \
and runs a small neural network that predicts how the jaw, lips, cheeks and eyes should move. \
The quality of the animation depends on accurate timing, so the feature extraction must be fast, \
stable, and identical to the reference implementation. Latency matters as much as accuracy: \
a face that moves a quarter of a second late looks strange, even when every shape is correct. \
This recording is long enough to measure throughput, memory use and real time factor on a \
realistic workload, with pauses, long vowels, plosives, fricatives and changes of pitch."
    speak en-us 160 50 "$TMP/bench_a.wav" "$para"
    speak en-gb 170 40 "$TMP/bench_b.wav" "$para"
    # Concatenate both readings, repeat if needed, resample to 48 kHz, cut to exactly 60 s.
    sx "$TMP/bench_a.wav" "$TMP/bench_b.wav" "$TMP/bench_cat.wav"
    sx "$TMP/bench_cat.wav" -r 48000 -b 16 -c 1 "$out" repeat 2 rate -v 48000 trim 0 60.0
    echo "wrote $out ($(soxi -D "$out") s, $(soxi -r "$out") Hz)"
}

if [[ -n "$BENCH_OUT" ]]; then
    make_bench_clip "$BENCH_OUT"
    exit 0
fi

mkdir -p "$OUT_DIR"
cd "$OUT_DIR"
rm -f speech.wav speech_silence_edges.wav short_0p2s.wav stereo_48k.flac speech_44k1.wav \
      loud_clipped.wav format.ogg format.opus format.mp3 format.flac

# Raw syntheses (22050 Hz mono 16-bit).
speak en-us 165 50 "$TMP/a.wav" "$TEXT_A"     # ~3.1 s
speak en-gb 175 60 "$TMP/b.wav" "$TEXT_B"     # second voice / sentence
speak en-us 170 35 "$TMP/c.wav" "$TEXT_C"     # third sentence, lower pitch

# speech.wav: 3.0 s, native 22050 Hz mono 16-bit.
sx "$TMP/a.wav" -b 16 speech.wav trim 0 3.0

# speech_silence_edges.wav: 2.5 s of a different voice/sentence with 0.5 s digital
# silence before and after (3.5 s total, 22050 Hz).
sx "$TMP/b.wav" -b 16 speech_silence_edges.wav trim 0 2.5 pad 0.5 0.5

# short_0p2s.wav: 0.2 s (4410 samples) from inside the speech.
sx "$TMP/a.wav" -b 16 short_0p2s.wav trim 0.5 0.2

# stereo_48k.flac: 2.0 s, 48 kHz stereo. Left = sentence C; right = same sentence
# delayed by 2.5 ms and attenuated by 6 dB, so the channels differ.
sx "$TMP/c.wav" -b 16 "$TMP/c48.wav" rate -v 48000 trim 0 2.0
sx "$TMP/c48.wav" -b 16 "$TMP/c48_r.wav" delay 0.0025 gain -6 trim 0 2.0
sx -M "$TMP/c48.wav" "$TMP/c48_r.wav" -b 16 -C 8 stereo_48k.flac

# speech_44k1.wav: 2.0 s, 44.1 kHz mono 16-bit (sentence B, other voice settings).
speak en-us 150 70 "$TMP/b2.wav" "$TEXT_B"
sx "$TMP/b2.wav" -b 16 speech_44k1.wav rate -v 44100 trim 0 2.0

# loud_clipped.wav: +20 dB so the peaks hard-clip, 2.0 s at 22050 Hz.
sx "$TMP/c.wav" -b 16 loud_clipped.wav trim 0 2.0 gain 20

# Format coverage: the same 1.0 s of speech in several codecs.
sx "$TMP/a.wav" -b 16 "$TMP/fmt.wav" trim 0.4 1.0
sx "$TMP/fmt.wav" -b 16 "$TMP/fmt48.wav" rate -v 48000
BITEXACT=(-map_metadata -1 -fflags +bitexact -flags:a +bitexact)
ff -i "$TMP/fmt.wav"   "${BITEXACT[@]}" -c:a flac -compression_level 8 format.flac
ff -i "$TMP/fmt.wav"   "${BITEXACT[@]}" -c:a libvorbis -q:a 4 format.ogg
ff -i "$TMP/fmt48.wav" "${BITEXACT[@]}" -c:a libopus -b:a 48k -ar 48000 format.opus
ff -i "$TMP/fmt.wav"   "${BITEXACT[@]}" -c:a libmp3lame -b:a 64k -write_xing 1 -id3v2_version 0 format.mp3

echo "wrote clips to $OUT_DIR:"
for f in speech.wav speech_silence_edges.wav short_0p2s.wav stereo_48k.flac speech_44k1.wav \
         loud_clipped.wav format.ogg format.opus format.mp3 format.flac; do
    printf '  %-26s %8d bytes\n' "$f" "$(stat -c %s "$f")"
done
du -sh "$OUT_DIR" | awk '{print "  total: " $1}'
