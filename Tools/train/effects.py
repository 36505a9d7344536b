"""Copies of a corpus's clips with sounds that are not speech mixed in: short effects (game sounds,
desktop notifications, bells) dropped anywhere in the clip, and in some clips an instrumental
music bed under the voice. The targets stay the same (the meta file is linked), so the pauses,
now full of sound, still ask for a face at rest, and the speech under the sounds still asks for
its visemes. Training on some of them teaches the model that a sound is not a syllable: game
dialogue, streams with music and calls with notification pings keep the mouth still between words.

  # the sounds: Debian packages unpacked, nothing installed
  apt-get download supertux-data oxygen-sounds sound-theme-freedesktop
  for d in *.deb; do dpkg-deb -x $d /tmp/voxface-sounds; done
  python3 Tools/train/effects.py --corpus C --out OUT --sounds /tmp/voxface-sounds \\
      --pick train_real_:2,train_asterisk:3,train_fillets:3,train_piper:4 --rename train_:train_fx_
  # then extract_features.py on OUT

Effects are every .wav/.ogg/.oga under SOUNDS except music folders, spoken words (the sound
theme's channel names, SuperTux's speech folder and its cheers) and voices; music is the .ogg files
under a `music` folder. Per clip (deterministic for --seed and the clip's name): on average one
effect per 3 s (at least one), each at 6-30 dB under the clip's speech level (the 95th percentile
of its 20 ms RMS); with probability --music, a music bed 12-30 dB under it, faded in and out.
Reads CORPUS/audio/NAME.wav and CORPUS/meta/NAME.npz; writes OUT/audio and links OUT/meta. A copy
that exists already is kept.
"""
import glob
import math
import os
import sys
import zlib

import numpy as np
import soundfile as sf
from scipy.signal import resample_poly

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clip_copies  # noqa: E402

# Sounds that carry a voice: left out, so the copies never pair a voice with a resting face.
VOCAL = ("audio-channel-", "/speech/", "excellent", "welldone", "grunts", "hurt", "yeti_gna")


def find_sounds(root):
    """(effects, music): paths of the non-vocal sound files under `root`."""
    paths = sorted(p for ext in ("wav", "ogg", "oga") for p in glob.glob(os.path.join(root, "**", "*." + ext), recursive=True))
    paths = [p for p in paths if not any(v in p for v in VOCAL)]
    music = [p for p in paths if "/music/" in p]
    effects = [p for p in paths if "/music/" not in p]
    return effects, music


def load(path, rate, cache):
    """A sound file as mono float32 at `rate` (cached); one that cannot be read ends the run with its reason."""
    if path not in cache:
        try:
            x, r = sf.read(path, dtype="float32", always_2d=True)
        except (RuntimeError, sf.LibsndfileError) as e:
            raise SystemExit(f"{path}: {e}") from None
        x = x.mean(axis=1)
        if r != rate:
            g = math.gcd(r, rate)
            x = resample_poly(x, rate // g, r // g).astype(np.float32)
        cache[path] = x
    return cache[path]


def frame_rms(x, rate):
    """RMS of each 20 ms frame of `x` (one frame when `x` is shorter)."""
    n = max(1, rate // 50)
    frames = x[: len(x) // n * n].reshape(-1, n) if len(x) >= n else x[None, :]
    return np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1))


def active_rms(x, rate):
    """RMS over the 20 ms frames within 30 dB of the loudest (the sound, not its silence)."""
    rms = frame_rms(x, rate)
    if rms.max() <= 0:
        return 0.0
    loud = rms[rms >= rms.max() * 10 ** (-30 / 20)]
    return float(np.sqrt(np.mean(loud**2)))


def speech_level(x, rate):
    """The 95th percentile of the clip's 20 ms RMS."""
    return float(np.percentile(frame_rms(x, rate), 95)) if len(x) else 0.0


def mix(x, rate, rng, effects, music, music_probability, cache):
    """`x` with effects (and maybe music) mixed in."""
    level = speech_level(x, rate)
    if level <= 0:
        return x
    y = x.astype(np.float64).copy()
    count = max(1, rng.poisson(len(x) / rate / 3))
    for _ in range(count):
        path = effects[rng.integers(len(effects))]
        s = load(path, rate, cache)
        s = s[: min(len(s), 3 * rate)]  # at most 3 s of a long one
        rms = active_rms(s, rate) if len(s) else 0.0
        if rms <= 0:
            continue
        gain_db = rng.uniform(-30, -6)
        start = int(rng.integers(-len(s) // 2, len(x)))
        a, b = max(0, start), min(len(x), start + len(s))
        if b <= a:
            continue
        y[a:b] += s[a - start : b - start] * (level / rms * 10 ** (gain_db / 20))
    if music and rng.random() < music_probability:
        path = music[rng.integers(len(music))]
        s = load(path, rate, cache)
        if len(s) > 0:
            offset = int(rng.integers(0, max(1, len(s) - len(x))))
            bed = np.resize(s[offset:], len(x)).astype(np.float64)
            fade = min(len(x) // 4, rate // 2)
            if fade > 0:
                ramp = np.linspace(0, 1, fade)
                bed[:fade] *= ramp
                bed[-fade:] *= ramp[::-1]
            rms = active_rms(bed, rate)
            if rms > 0:
                gain_db = rng.uniform(-30, -12)
                y += bed * (level / rms * 10 ** (gain_db / 20))
    peak = np.max(np.abs(y))
    if peak > 0.99:
        y *= 0.99 / peak
    return y.astype(np.float32)


def main():
    ap = clip_copies.parser(__doc__)
    ap.add_argument("--sounds", required=True, help="folder searched for .wav/.ogg/.oga sounds")
    ap.add_argument("--music", type=float, default=0.3, help="probability of a music bed per clip")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    effects, music = find_sounds(args.sounds)
    if not effects:
        raise SystemExit(f"no sounds under {args.sounds}")
    print(f"{len(effects)} effects, {len(music)} music files", flush=True)
    cache = {}

    def alter(name, x, rate):
        rng = np.random.default_rng([args.seed, zlib.crc32(name.encode())])
        return mix(x, rate, rng, effects, music, args.music, cache)

    written, kept = clip_copies.write_copies(args.corpus, args.out, args.pick, args.rename, alter)
    print(f"{written} copies with sounds mixed in, in {args.out} ({kept} there already)")


if __name__ == "__main__":
    main()
