"""Speech with exact phoneme timing from libespeak-ng's C API (phoneme events, IPA names).

espeak-ng reports, in its synthesis callback, one event per phoneme with the position of its
start in the audio (audio_position, ms). We synthesise synchronously, collect the 22050 Hz PCM
and the events, and return (samples, [(start_s, ipa), ...]). Each phoneme lasts until the next
event; the utterance ends at the last sample.
"""
import ctypes
import numpy as np

AUDIO_OUTPUT_SYNCHRONOUS = 2
INITIALIZE_PHONEME_EVENTS = 0x0001
INITIALIZE_PHONEME_IPA = 0x0002
INITIALIZE_DONT_EXIT = 0x8000
EVENT_LIST_TERMINATED = 0
EVENT_WORD = 1
EVENT_SENTENCE = 2
EVENT_END = 5
EVENT_PHONEME = 7
RATE, VOLUME, PITCH, RANGE = 1, 2, 3, 4
POS_CHARACTER = 1
CHARS_UTF8 = 1


class _Id(ctypes.Union):
    _fields_ = [("number", ctypes.c_int), ("name", ctypes.c_char_p), ("string", ctypes.c_char * 8)]


class _Event(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", _Id),
    ]


_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event))


class ESpeak:
    """One libespeak-ng instance (the library is global: one per process)."""

    def __init__(self):
        self.lib = ctypes.CDLL("libespeak-ng.so.1")
        self.rate = self.lib.espeak_Initialize(
            AUDIO_OUTPUT_SYNCHRONOUS, 200, None, INITIALIZE_PHONEME_EVENTS | INITIALIZE_PHONEME_IPA | INITIALIZE_DONT_EXIT)
        if self.rate <= 0:
            raise RuntimeError("espeak_Initialize failed")
        self._chunks = []
        self._events = []

        def callback(wav, count, events):
            if count > 0 and wav:
                self._chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
            i = 0
            while events[i].type != EVENT_LIST_TERMINATED:
                e = events[i]
                if e.type == EVENT_PHONEME:
                    self._events.append((e.audio_position / 1000.0, bytes(e.id.string).split(b"\0")[0].decode("utf-8", "replace")))
                elif e.type == EVENT_WORD:
                    self._events.append((e.audio_position / 1000.0, "#word"))
                i += 1
            return 0

        self._callback = _CALLBACK(callback)  # keep a reference
        self.lib.espeak_SetSynthCallback(self._callback)
        self.lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        self.lib.espeak_Synth.argtypes = [
            ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint, ctypes.c_uint,
            ctypes.c_void_p, ctypes.c_void_p]

    def synth(self, text, voice, rate=175, pitch=50, pitch_range=50):
        """(float32 samples at self.rate, [(start seconds, IPA phoneme or '#word')])."""
        if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
            raise ValueError(f"unknown voice {voice}")
        self.lib.espeak_SetParameter(RATE, int(rate), 0)
        self.lib.espeak_SetParameter(PITCH, int(pitch), 0)
        self.lib.espeak_SetParameter(RANGE, int(pitch_range), 0)
        self._chunks, self._events = [], []
        data = text.encode("utf-8") + b"\0"
        buf = ctypes.create_string_buffer(data)
        if self.lib.espeak_Synth(buf, len(data), 0, POS_CHARACTER, 0, CHARS_UTF8, None, None) != 0:
            raise RuntimeError("espeak_Synth failed")
        self.lib.espeak_Synchronize()
        audio = np.concatenate(self._chunks).astype(np.float32) / 32768.0 if self._chunks else np.zeros(0, np.float32)
        return audio, list(self._events)
