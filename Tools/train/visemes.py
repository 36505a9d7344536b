"""Phoneme (IPA, from espeak-ng) -> viseme -> ARKit mouth/jaw targets with coarticulation.

Every phoneme maps to a viseme class; each class has a target pose (ARKit values 0..1 on the
mouth, jaw and tongue shapes) and two dominances, one for the jaw and one for the lips
(Cohen & Massaro 1993): the pose of a frame is the dominance-weighted mean of the poses of the
phonemes around it, each phoneme dominating fully inside its own interval and with a Gaussian
tail of width `tau` outside it. Bilabials, labiodentals and /w/ have high lip dominance (the lips
must close or round, whatever the neighbours do); velars and /h/ have low lip dominance (the
lips take the neighbouring vowel's shape, as in "coo" vs "key"); sibilants dominate the jaw
(the jaw must nearly close for /s/). Pauses are a neutral pose that dominates as strongly as
speech, so the face rests in silence. See README.md ("The default face model") for the table.

Output: raw targets in the model's units: shape columns 0..60 times 100 (NeuroSync's trainer
scale; PostProcessing divides by 100), emotions 61..67 as is with Neutral = 1.
"""
import unicodedata
import numpy as np

NAMES = (
    "EyeBlinkLeft EyeLookDownLeft EyeLookInLeft EyeLookOutLeft EyeLookUpLeft EyeSquintLeft EyeWideLeft "
    "EyeBlinkRight EyeLookDownRight EyeLookInRight EyeLookOutRight EyeLookUpRight EyeSquintRight EyeWideRight "
    "JawForward JawRight JawLeft JawOpen MouthClose MouthFunnel MouthPucker MouthRight MouthLeft "
    "MouthSmileLeft MouthSmileRight MouthFrownLeft MouthFrownRight MouthDimpleLeft MouthDimpleRight "
    "MouthStretchLeft MouthStretchRight MouthRollLower MouthRollUpper MouthShrugLower MouthShrugUpper "
    "MouthPressLeft MouthPressRight MouthLowerDownLeft MouthLowerDownRight MouthUpperUpLeft MouthUpperUpRight "
    "BrowDownLeft BrowDownRight BrowInnerUp BrowOuterUpLeft BrowOuterUpRight CheekPuff CheekSquintLeft "
    "CheekSquintRight NoseSneerLeft NoseSneerRight TongueOut HeadYaw HeadPitch HeadRoll LeftEyeYaw "
    "LeftEyePitch LeftEyeRoll RightEyeYaw RightEyePitch RightEyeRoll Angry Disgusted Fearful Happy "
    "Neutral Sad Surprised").split()
assert len(NAMES) == 68
IDX = {n: i for i, n in enumerate(NAMES)}
SHAPES = 61
NEUTRAL = IDX["Neutral"]

# Pose parameters (symmetric shapes are written once and copied to Left and Right).
JAW = ["JawOpen"]
LIPS = ["MouthClose", "MouthFunnel", "MouthPucker", "MouthSmile", "MouthStretch", "MouthRollLower",
        "MouthRollUpper", "MouthShrugLower", "MouthShrugUpper", "MouthPress", "MouthLowerDown", "MouthUpperUp",
        "TongueOut"]
PARAMS = JAW + LIPS


def _columns(param):
    if param in IDX:
        return [IDX[param]]
    return [IDX[param + "Left"], IDX[param + "Right"]]


# viseme: (pose {param: value}, jaw dominance, lip dominance)
VISEMES = {
    "sil": ({}, 0.8, 0.8),
    # Bilabials: lips closed and pressed, jaw nearly closed. Dominant: closure must happen.
    "PP": ({"JawOpen": 0.04, "MouthClose": 0.15, "MouthPress": 0.6, "MouthRollLower": 0.15, "MouthRollUpper": 0.1}, 0.9, 1.0),
    # Labiodentals: lower lip under the upper teeth.
    "FF": ({"JawOpen": 0.07, "MouthRollLower": 0.5, "MouthUpperUp": 0.2, "MouthPress": 0.1, "MouthShrugUpper": 0.1}, 0.8, 0.9),
    # Dentals: tongue between the teeth (TongueOut is zeroed by NeuroSync's post-processing).
    "TH": ({"JawOpen": 0.12, "MouthLowerDown": 0.1, "TongueOut": 0.2}, 0.6, 0.4),
    # Alveolar stops, nasal, laterals, taps: jaw slightly open, lips free.
    "DD": ({"JawOpen": 0.12, "MouthStretch": 0.05}, 0.45, 0.15),
    # Sibilants: jaw nearly closed, lips spread, teeth shown.
    "SS": ({"JawOpen": 0.05, "MouthStretch": 0.2, "MouthSmile": 0.1, "MouthLowerDown": 0.12, "MouthUpperUp": 0.1}, 0.85, 0.4),
    # Postalveolars: lips protruded and funnelled.
    "CH": ({"JawOpen": 0.07, "MouthFunnel": 0.45, "MouthPucker": 0.25, "MouthUpperUp": 0.2, "MouthLowerDown": 0.15}, 0.75, 0.75),
    # Velars, uvulars, glottals: the jaw a little open, the lips take the neighbours' shape.
    "KK": ({"JawOpen": 0.15}, 0.35, 0.05),
    # English approximant r: lips slightly rounded.
    "RR": ({"JawOpen": 0.1, "MouthPucker": 0.3, "MouthFunnel": 0.2}, 0.4, 0.5),
    # /w/ and the rounded glides: tight rounding.
    "W": ({"JawOpen": 0.05, "MouthPucker": 0.75, "MouthFunnel": 0.3}, 0.7, 0.95),
    # /j/: spread like /i/.
    "J": ({"JawOpen": 0.08, "MouthStretch": 0.3, "MouthSmile": 0.15}, 0.5, 0.5),
    # Vowels.
    "AA": ({"JawOpen": 0.6, "MouthLowerDown": 0.25, "MouthUpperUp": 0.05}, 0.7, 0.55),
    "AE": ({"JawOpen": 0.5, "MouthStretch": 0.2, "MouthLowerDown": 0.2, "MouthUpperUp": 0.1}, 0.7, 0.55),
    "AH": ({"JawOpen": 0.4, "MouthLowerDown": 0.15}, 0.65, 0.45),
    "EH": ({"JawOpen": 0.35, "MouthStretch": 0.15, "MouthLowerDown": 0.15}, 0.65, 0.5),
    "ER": ({"JawOpen": 0.25, "MouthFunnel": 0.15}, 0.6, 0.45),
    "EE": ({"JawOpen": 0.25, "MouthStretch": 0.2, "MouthSmile": 0.1}, 0.6, 0.5),
    "SCHWA": ({"JawOpen": 0.22}, 0.45, 0.3),
    "II": ({"JawOpen": 0.12, "MouthStretch": 0.35, "MouthSmile": 0.2}, 0.55, 0.6),
    "IH": ({"JawOpen": 0.16, "MouthStretch": 0.2, "MouthSmile": 0.1}, 0.55, 0.45),
    "OO": ({"JawOpen": 0.28, "MouthFunnel": 0.5, "MouthPucker": 0.3}, 0.65, 0.7),
    "AO": ({"JawOpen": 0.42, "MouthFunnel": 0.4, "MouthPucker": 0.15}, 0.65, 0.65),
    "UU": ({"JawOpen": 0.1, "MouthPucker": 0.7, "MouthFunnel": 0.35}, 0.6, 0.85),
    "UH": ({"JawOpen": 0.16, "MouthPucker": 0.4, "MouthFunnel": 0.25}, 0.55, 0.6),
    "YY": ({"JawOpen": 0.1, "MouthPucker": 0.6, "MouthFunnel": 0.2}, 0.6, 0.8),
    "OE": ({"JawOpen": 0.22, "MouthPucker": 0.35, "MouthFunnel": 0.3}, 0.6, 0.65),
}

# Calibration to a real face (issue 17). The poses above are the hand-written rules the first
# default model learnt; an iPhone Live Link Face capture of a man talking (NeuroSync_Trainer_Lite's
# test set, 20 s: 838 speech frames) showed where they part from a real mouth, and the rules below
# move each channel toward it (speech-frame means, capture against these rules' targets on the
# real-speech set): the jaw opens less (0.09 against 0.18), the lower lip drops with the jaw
# (MouthLowerDown 0.125, r +0.63 with JawOpen, against 0.05), the upper lip rises through speech
# on its own (MouthUpperUp 0.127 against 0.03), the corners pull up (MouthSmile 0.11 against
# 0.04), the lips round more (MouthFunnel 0.13 against 0.06) and spread less (MouthStretch 0.05
# against 0.09), the upper lip shrugs on closures (MouthShrugUpper 0.04 against 0), and the
# capture barely registers pressing or rolling the lips (MouthPress p95 0.03 against 0.41,
# MouthRollLower 0.01 against 0.19). One speaker is a hint rather than a calibration, so the
# moves are toward the capture, not onto it; bilabials still press enough to read as closed.
JAW_SCALE = 0.65           # every pose's JawOpen
LOWER_LIP_WITH_JAW = 1.0   # MouthLowerDown += this x JawOpen, after blending (vowels' own LowerDown dropped)
FUNNEL_SCALE = 1.6
STRETCH_SCALE = 0.6
UPPER_LIP = {"AA": 0.12, "AE": 0.15, "AH": 0.12, "EH": 0.15, "EE": 0.15, "II": 0.12, "IH": 0.12, "SCHWA": 0.1,
             "ER": 0.1, "J": 0.1, "DD": 0.1, "TH": 0.12, "SS": 0.2, "CH": 0.22, "FF": 0.22}
SMILE_ADD = {"AA": 0.05, "AE": 0.08, "AH": 0.05, "EH": 0.08, "EE": 0.08, "II": 0.08, "IH": 0.08, "SCHWA": 0.05,
             "J": 0.06, "SS": 0.06, "DD": 0.05}
FUNNEL_ADD = {"AH": 0.06, "SCHWA": 0.06, "ER": 0.1, "AA": 0.04}
LIP_OVERRIDES = {
    "PP": {"MouthPress": 0.5, "MouthClose": 0.2, "MouthRollLower": 0.08, "MouthRollUpper": 0.05, "MouthShrugUpper": 0.1},
    "FF": {"MouthRollLower": 0.3, "MouthPress": 0.05, "MouthShrugUpper": 0.12},
    "W": {"MouthShrugUpper": 0.05}, "UU": {"MouthShrugUpper": 0.05}, "OO": {"MouthShrugUpper": 0.04},
}


def _calibrated(table):
    out = {}
    for v, (pose, dj, dl) in table.items():
        p = dict(pose)
        if "JawOpen" in p:
            p["JawOpen"] *= JAW_SCALE
        if v in VOWELS:
            p.pop("MouthLowerDown", None)
        if "MouthFunnel" in p:
            p["MouthFunnel"] = min(FUNNEL_SCALE * p["MouthFunnel"], 0.6)
        if "MouthStretch" in p:
            p["MouthStretch"] *= STRETCH_SCALE
        if v in UPPER_LIP:
            p["MouthUpperUp"] = max(p.get("MouthUpperUp", 0.0), UPPER_LIP[v])
        p["MouthSmile"] = p.get("MouthSmile", 0.0) + SMILE_ADD.get(v, 0.0)
        p["MouthFunnel"] = p.get("MouthFunnel", 0.0) + FUNNEL_ADD.get(v, 0.0)
        p.update(LIP_OVERRIDES.get(v, {}))
        out[v] = ({k: x for k, x in p.items() if x}, dj, dl)
    return out


CONSONANTS = {
    "PP": "pbmɓʙ",
    "FF": "fvɱʋɸβ",
    "TH": "θð",
    "DD": "tdnlɾɫɗɬɮʈɖɳɭrɲʎ",
    "SS": "szʦʣ",
    "CH": "ʃʒɕʑʂʐ",
    "KK": "kgɡŋxɣqɢχʁhɦçʝʀɴʔc",
    "RR": "ɹɻ",
    "W": "wʍɥ",
    "J": "j",
}
VOWELS = {
    "AA": "aɑäɶ", "AE": "æ", "AH": "ɐʌ", "EH": "ɛ", "ER": "ɜɝɚ", "EE": "e", "SCHWA": "əɘɨ",
    "II": "i", "IH": "ɪ", "OO": "oɤ", "AO": "ɔɒ", "UU": "uɯ", "UH": "ʊɵʉ", "YY": "yʏ", "OE": "øœ",
}
CLASS = {}
for v, chars in CONSONANTS.items():
    for ch in chars:
        CLASS[ch] = v
for v, chars in VOWELS.items():
    for ch in chars:
        CLASS[ch] = v
VOWEL_CLASSES = set(VOWELS)
RULES = VISEMES                # the uncalibrated rules, kept for comparison
VISEMES = _calibrated(RULES)
PAUSE = ""
MIN_CLOSURE = 0.06


def _base(ipa):
    """The IPA letters of a phoneme name: no stress, length, tie bars or diacritics."""
    out = []
    for ch in unicodedata.normalize("NFD", ipa):
        if unicodedata.combining(ch) or ch in "ˈˌːˑ-_'\",.|^":
            continue
        out.append(ch)
    return "".join(out)


def classes(ipa):
    """The viseme classes of one phoneme: one, or two for a diphthong or affricate."""
    if ipa == PAUSE or ipa.startswith("_"):
        return ["sil"]
    letters = [CLASS[ch] for ch in _base(ipa) if ch in CLASS]
    if not letters:
        return ["SCHWA"]
    if len(letters) >= 2 and letters[0] == "DD" and letters[1] in ("SS", "CH"):  # tʃ, dʒ, ts: one gesture
        return [letters[1]]
    return letters[:2]


def segments(events, duration):
    """[(start, end, viseme)] from espeak events [(start, ipa)]; '#word' markers are skipped."""
    phones = [(t, p) for t, p in events if p != "#word"]
    out = []
    for i, (t, p) in enumerate(phones):
        end = phones[i + 1][0] if i + 1 < len(phones) else duration
        if end <= t:
            continue
        cls = classes(p)
        if len(cls) == 1:
            out.append((t, end, cls[0]))
        else:  # diphthong: 55% on the first vowel
            mid = t + 0.55 * (end - t)
            out.append((t, mid, cls[0]))
            out.append((mid, end, cls[1]))
    # merge adjacent pauses
    merged = []
    for s in out:
        if merged and merged[-1][2] == "sil" and s[2] == "sil":
            merged[-1] = (merged[-1][0], s[1], "sil")
        else:
            merged.append(s)
    return merged


def row_times(rows):
    """Times (s) of feature rows: row k averages analysis frames 2k and 2k+1, centred at (2k + 0.5)/120 s."""
    return (2 * np.arange(rows) + 0.5) / 120.0


def targets(segs, times, loudness=None, tau=0.045, rng=None):
    """(len(times), 68) raw targets (shapes x 100, Neutral = 1) for viseme segments.

    `loudness` (dB per segment, or None) scales vowel jaw opening: louder (stressed) vowels open
    wider (+-25%), and drives a small brow raise on the loudest vowels."""
    n = len(times)
    params = np.zeros((n, len(PARAMS)))
    weights_jaw = np.full(n, 1e-6)
    weights_lip = np.full(n, 1e-6)
    acc = np.zeros((n, len(PARAMS)))
    brow = np.zeros(n)
    vowel_db = [loudness[i] for i, s in enumerate(segs) if s[2] in VOWEL_CLASSES] if loudness is not None else []
    ref = np.median(vowel_db) if vowel_db else 0.0
    for i, (start, end, v) in enumerate(segs):
        pose, dj, dl = VISEMES[v]
        scale = 1.0
        if v in VOWEL_CLASSES and loudness is not None:
            scale = float(np.clip(1 + (loudness[i] - ref) / 24, 0.75, 1.25))
            if loudness[i] - ref > 2.5:
                c = 0.5 * (start + end)
                brow += 0.18 * np.exp(-(((times - c) / 0.18) ** 2))
        # A lip closure is held at least MIN_CLOSURE s even when espeak's segment is shorter
        # (real stops close for 50-100 ms; espeak's /b/ can be 20 ms), and it is a quick
        # gesture: its tail is short, so the neighbouring vowels open fully.
        if v in ("PP", "FF") and end - start < MIN_CLOSURE:
            mid = 0.5 * (start + end)
            start, end = mid - MIN_CLOSURE / 2, mid + MIN_CLOSURE / 2
        # distance outside the interval; tails are Gaussian, and a pause's own tail is short
        d = np.maximum(0, np.maximum(start - times, times - end))
        t = tau * (0.6 if v in ("sil", "PP", "FF") else 1.0)
        shape = np.exp(-((d / t) ** 2))
        vec = np.array([pose.get(p, 0.0) for p in PARAMS])
        vec[0] *= scale
        jaw_w = dj * shape
        lip_w = dl * shape
        acc[:, 0] += jaw_w * vec[0]
        acc[:, 1:] += lip_w[:, None] * vec[1:]
        weights_jaw += jaw_w
        weights_lip += lip_w
    params[:, 0] = acc[:, 0] / weights_jaw
    params[:, 1:] = acc[:, 1:] / weights_lip[:, None]
    # the lower lip drops with the jaw (calibration, above)
    params[:, PARAMS.index("MouthLowerDown")] += LOWER_LIP_WITH_JAW * params[:, 0]
    # MouthClose only makes sense with the jaw open: keep it at most JawOpen + a little.
    out = np.zeros((n, 68), np.float32)
    for j, p in enumerate(PARAMS):
        for c in _columns(p):
            out[:, c] = params[:, j]
    b = np.clip(brow, 0, 0.25)
    out[:, IDX["BrowInnerUp"]] = b
    out[:, IDX["BrowOuterUpLeft"]] = 0.6 * b
    out[:, IDX["BrowOuterUpRight"]] = 0.6 * b
    out[:, :SHAPES] *= 100.0
    out[:, NEUTRAL] = 1.0
    return out


MOUTH_CHANNELS = ["JawOpen", "MouthClose", "MouthFunnel", "MouthPucker", "MouthPressLeft", "MouthStretchLeft",
                  "MouthRollLower", "MouthLowerDownLeft", "MouthUpperUpLeft", "MouthSmileLeft"]


def segment_loudness(segs, envelope, times):
    """dB of each segment's clean speech power, from the 20 ms RMS envelope at the row times."""
    out = []
    for start, end, _ in segs:
        inside = (times >= start) & (times < end)
        if not inside.any():
            inside = np.abs(times - 0.5 * (start + end)) == np.abs(times - 0.5 * (start + end)).min()
        out.append(10 * np.log10(np.mean(envelope[inside].astype(np.float64) ** 2) + 1e-10))
    return np.array(out)
