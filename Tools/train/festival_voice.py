"""Festival's voices with phoneme timing: more speakers made of real recordings.

  apt-get install festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts   # Debian main
  apt-get install festvox-italp16k festvox-itapc16k                                # Italian

Three voices, each built from one real person's recordings: `kal_diphone` and `ked_diphone`
(two American men, diphone concatenation of their recorded speech, LPC-coded, 16 kHz) and
`cmu_us_slt_arctic_hts` (an American woman, CMU ARCTIC's slt, a statistical HTS voice, 32 kHz).
Festival makes every segment's duration before it makes the audio, and `utt.save.segs` writes
those segments with their end times, so every phoneme's start is known as espeak-ng's events
give it for gen_corpus.py. Festival's US phones (the "radio" set) are mapped to the IPA that
visemes.py reads; a diphthong is two letters there, as espeak-ng writes it.
"""
import os
import subprocess
import tempfile

import numpy as np
import soundfile as sf
from scipy import signal

RATE = 22050
VOICES = ["kal_diphone", "ked_diphone", "cmu_us_slt_arctic_hts"]
ITALIAN_VOICES = ["lp_diphone", "pc_diphone"]

# Festival's US English phones (radio phone set) as IPA.
IPA = {
    "aa": "ɑ", "ae": "æ", "ah": "ʌ", "ao": "ɔ", "aw": "aʊ", "ax": "ə", "axr": "ɚ", "ay": "aɪ",
    "eh": "ɛ", "er": "ɝ", "ey": "eɪ", "ih": "ɪ", "ix": "ɨ", "iy": "i", "ow": "oʊ", "oy": "ɔɪ",
    "uh": "ʊ", "uw": "u", "b": "b", "ch": "tʃ", "d": "d", "dh": "ð", "dx": "ɾ", "el": "əl",
    "em": "əm", "en": "ən", "f": "f", "g": "ɡ", "hh": "h", "hv": "h", "jh": "dʒ", "k": "k",
    "l": "l", "m": "m", "n": "n", "nx": "ŋ", "ng": "ŋ", "p": "p", "r": "ɹ", "s": "s", "sh": "ʃ",
    "t": "t", "th": "θ", "v": "v", "w": "w", "y": "j", "z": "z", "zh": "ʒ",
}
# Festival's Italian phones as IPA (a trailing 1, stress, is dropped first).
ITALIAN_IPA = {
    "i": "i", "e": "e", "E": "ɛ", "a": "a", "o": "o", "O": "ɔ", "u": "u", "j": "j", "w": "w",
    "p": "p", "t": "t", "k": "k", "b": "b", "d": "d", "g": "ɡ", "f": "f", "s": "s", "S": "ʃ",
    "v": "v", "z": "z", "Z": "ʒ", "ts": "ts", "tS": "tʃ", "dz": "dz", "dZ": "dʒ", "m": "m", "n": "n",
    "J": "ɲ", "ng": "ŋ", "nf": "ɱ", "l": "l", "L": "ʎ", "r": "r",
}
PAUSES = {"pau", "h#", "brk", "#"}


def language_of(voice):
    """"en" or "it": the language a voice speaks (the text given to it must be in it)."""
    if voice in VOICES:
        return "en"
    if voice in ITALIAN_VOICES:
        return "it"
    raise ValueError(f"unknown voice {voice}")


def ipa_of(phone, language):
    """A Festival phone as IPA, "" for a pause; ValueError for a phone the table lacks."""
    if phone in PAUSES:
        return ""
    if language == "it":
        base = phone[:-1] if phone.endswith("1") else phone
        if base in ITALIAN_IPA:
            return ITALIAN_IPA[base]
    elif phone in IPA:
        return IPA[phone]
    raise ValueError(f"festival phone {phone!r} has no IPA")


def _scheme_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Festival:
    """`synth(text, voice, stretch) -> (float32 audio at RATE, [(start s, ipa)])`, events as
    espeak.py's ("" for a pause)."""

    def __init__(self, binary="festival"):
        self.binary = binary

    def synth(self, text, voice, stretch=1.0):
        language = language_of(voice)
        text = " ".join(text.split())
        with tempfile.TemporaryDirectory(dir=os.environ.get("TMPDIR", "/tmp")) as tmp:
            wav, segs, script = (os.path.join(tmp, n) for n in ("u.wav", "u.segs", "u.scm"))
            # Festival reads Italian text as Latin-1.
            with open(script, "w", encoding="latin-1" if language == "it" else "utf-8", errors="replace") as f:
                f.write(f"(voice_{voice})\n(Parameter.set 'Duration_Stretch {stretch:.3f})\n"
                        f"(set! utt (SynthText {_scheme_string(text)}))\n"
                        f"(utt.save.wave utt \"{wav}\" 'riff)\n(utt.save.segs utt \"{segs}\")\n")
            subprocess.run([self.binary, "-b", script], check=True, capture_output=True, timeout=120)
            audio, rate = sf.read(wav, dtype="float32")
            ends = []
            with open(segs) as f:
                past_header = False
                for line in f:
                    if line.strip() == "#":
                        past_header = True
                        continue
                    parts = line.split()
                    if past_header and len(parts) >= 3:
                        ends.append((float(parts[0]), parts[2]))
        if audio.ndim > 1:
            audio = audio.mean(axis=1)
        g = np.gcd(RATE, rate)
        audio = signal.resample_poly(audio.astype(np.float64), RATE // g, rate // g).astype(np.float32)
        events, start = [], 0.0
        for end, phone in ends:
            if end <= start:
                continue
            events.append((start, ipa_of(phone, language)))
            start = end
        duration = len(audio) / RATE
        return audio, [(t, p) for t, p in events if t < duration]
