#!/usr/bin/env python3
"""Validates the golden set in questions.json against the footprint files.

Rules per file type (a quote must be an exact substring of one "unit" of text):
  .json chat-generic   -> one message's "text"
  .json telegram       -> one message's text (string, or list of strings/entities joined)
  .ics                 -> one unfolded + unescaped SUMMARY / DESCRIPTION / LOCATION value
  .pdf                 -> one line of `pdftotext` output
  .html                -> visible text (script/style/head removed, tags stripped,
                          entities unescaped, whitespace collapsed)
  other (.md, .txt)    -> the raw file content
Also checks: ids unique, >= 60 questions, >= 4 per file, >= 8 temporal,
quote length 20-150, allowed kinds, required fields, and structural sanity
of the footprint files (JSON shapes, telegram unixtimes, ICS CRLF/event count, PDF xref).
Exit status 1 on any failure.
"""
import calendar
import html
import json
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import datetime

HERE = os.path.dirname(os.path.abspath(__file__))
FP = os.path.join(HERE, "footprint")
KINDS = {"preference", "fact", "temporal", "opinion", "calendar", "social"}
EXPECTED_FILES = ["about-me.md", "cv.txt", "journal.txt", "chat-generic.json",
                  "telegram-result.json", "calendar.ics", "co-op-page.html", "proposal.pdf"]

errors = []


def err(msg):
    errors.append(msg)


def read(name, mode="r"):
    path = os.path.join(FP, name)
    if "b" in mode:
        with open(path, "rb") as f:
            return f.read()
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


# ---------- unit extraction ----------
def units_json(name):
    data = json.loads(read(name))
    msgs = data["messages"] if isinstance(data, dict) else data
    out = []
    for m in msgs:
        t = m.get("text", "")
        if isinstance(t, list):
            t = "".join(p if isinstance(p, str) else p.get("text", "") for p in t)
        if t:
            out.append(t)
    return out


def ics_unescape(v):
    out, i = [], 0
    while i < len(v):
        c = v[i]
        if c == "\\" and i + 1 < len(v):
            n = v[i + 1]
            out.append("\n" if n in "nN" else n)
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def units_ics(name):
    raw = read(name)
    unfolded = re.sub(r"\r\n[ \t]", "", raw)
    out = []
    for line in unfolded.split("\r\n"):
        m = re.match(r"^(SUMMARY|DESCRIPTION|LOCATION)(;[^:]*)?:(.*)$", line)
        if m:
            out.append(ics_unescape(m.group(3)))
    return out


def units_pdf(name):
    txt = subprocess.run(["pdftotext", os.path.join(FP, name), "-"], capture_output=True,
                         text=True, check=True).stdout
    return [l for l in txt.splitlines() if l.strip()]


def units_html(name):
    s = read(name)
    s = re.sub(r"(?is)<head\b.*?</head>", " ", s)
    s = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", s)
    s = re.sub(r"(?s)<!--.*?-->", " ", s)
    s = re.sub(r"<[^>]+>", "", s)
    s = html.unescape(s)
    s = re.sub(r"\s+", " ", s)
    return [s]


def units(name):
    if name.endswith(".json"):
        return units_json(name)
    if name.endswith(".ics"):
        return units_ics(name)
    if name.endswith(".pdf"):
        return units_pdf(name)
    if name.endswith(".html"):
        return units_html(name)
    return [read(name)]


# ---------- structural sanity of footprint ----------
def check_structure():
    for f in EXPECTED_FILES:
        if not os.path.exists(os.path.join(FP, f)):
            err(f"missing footprint file {f}")
    g = json.loads(read("chat-generic.json"))
    if not (isinstance(g, list) and 60 <= len(g) <= 120):
        err(f"chat-generic.json: expected list of 60-120 messages, got {len(g)}")
    for m in g:
        if set(m) != {"sender", "time", "text"}:
            err(f"chat-generic.json: bad keys {sorted(m)}")
        datetime.strptime(m["time"], "%Y-%m-%dT%H:%M:%SZ")
    senders = Counter(m["sender"] for m in g)
    if not 3 <= len(senders) <= 4:
        err(f"chat-generic.json: expected Maya + 2-3 others, got {dict(senders)}")

    t = json.loads(read("telegram-result.json"))
    for k in ("name", "type", "id", "messages"):
        if k not in t:
            err(f"telegram-result.json: missing {k}")
    if not 40 <= len(t["messages"]) <= 80:
        err(f"telegram-result.json: expected 40-80 messages, got {len(t['messages'])}")
    ids = set()
    for m in t["messages"]:
        ids.add(m["id"])
        ut = calendar.timegm(datetime.strptime(m["date"], "%Y-%m-%dT%H:%M:%S").timetuple())
        if str(ut) != m["date_unixtime"]:
            err(f"telegram msg {m['id']}: date_unixtime {m['date_unixtime']} != {ut}")
        if m["type"] == "message":
            joined = "".join(p if isinstance(p, str) else p["text"] for p in
                             (m["text"] if isinstance(m["text"], list) else [m["text"]]))
            ent = "".join(e["text"] for e in m["text_entities"])
            if joined != ent:
                err(f"telegram msg {m['id']}: text_entities do not match text")
            for k in ("from", "from_id"):
                if k not in m:
                    err(f"telegram msg {m['id']}: missing {k}")
        elif m["type"] == "service":
            if "action" not in m:
                err(f"telegram msg {m['id']}: service without action")
    if len(ids) != len(t["messages"]):
        err("telegram-result.json: duplicate message ids")

    raw = read("calendar.ics")
    if re.search(r"(?<!\r)\n", raw):
        err("calendar.ics: bare LF line endings")
    for line in raw.split("\r\n"):
        if len(line.encode("utf-8")) > 75:
            err(f"calendar.ics: unfolded line > 75 octets: {line[:40]}...")
    n_ev = raw.count("BEGIN:VEVENT")
    if n_ev != raw.count("END:VEVENT") or not 15 <= n_ev <= 25:
        err(f"calendar.ics: {n_ev} events (want 15-25, balanced)")
    for needle in ("RRULE:FREQ=WEEKLY;BYDAY=TU", "RRULE:FREQ=MONTHLY", "EXDATE;TZID=Europe/Lisbon",
                   "DTSTART;TZID=Europe/Lisbon:", "ATTENDEE;CN=", "ORGANIZER;CN=", "BEGIN:VTIMEZONE"):
        if needle not in raw:
            err(f"calendar.ics: missing {needle}")
    if not re.search(r"DTSTART:\d{8}T\d{6}Z", raw):
        err("calendar.ics: no UTC DTSTART")

    pdf = read("proposal.pdf", "rb")
    m = re.search(rb"startxref\s+(\d+)", pdf)
    xref = int(m.group(1))
    if not pdf[xref:].startswith(b"xref"):
        err("proposal.pdf: startxref does not point at xref")
    entries = re.findall(rb"(\d{10}) 00000 n ", pdf[xref:])
    for i, off in enumerate(entries, start=1):
        if not pdf[int(off):].startswith(b"%d 0 obj" % i):
            err(f"proposal.pdf: xref offset wrong for object {i}")


def main():
    check_structure()
    qs = json.load(open(os.path.join(HERE, "questions.json"), encoding="utf-8"))
    cache = {}
    per_file, per_kind = Counter(), Counter()
    per_file_kind = defaultdict(Counter)
    missing = 0
    seen = set()
    for q in qs:
        for k in ("id", "question", "answer", "evidence", "kind"):
            if k not in q:
                err(f"{q.get('id')}: missing field {k}")
        if q["id"] in seen:
            err(f"duplicate id {q['id']}")
        seen.add(q["id"])
        if q["kind"] not in KINDS:
            err(f"{q['id']}: bad kind {q['kind']}")
        per_kind[q["kind"]] += 1
        if not q["evidence"]:
            err(f"{q['id']}: empty evidence")
        files_here = set()
        for ev in q["evidence"]:
            f, quote = ev["file"], ev["quote"]
            if f not in EXPECTED_FILES:
                err(f"{q['id']}: unknown file {f}")
                continue
            if not 20 <= len(quote) <= 150:
                err(f"{q['id']}: quote length {len(quote)} outside 20-150: {quote!r}")
            if "&" in quote and f.endswith(".html") and re.search(r"&\w+;", quote):
                err(f"{q['id']}: html quote contains an entity")
            if f not in cache:
                cache[f] = units(f)
            hits = [u for u in cache[f] if quote in u]
            if not hits:
                missing += 1
                err(f"{q['id']}: quote NOT FOUND in {f}: {quote!r}")
            files_here.add(f)
        # primary file = first evidence
        primary = q["evidence"][0]["file"]
        per_file[primary] += 1
        per_file_kind[primary][q["kind"]] += 1

    print(f"questions: {len(qs)}")
    print(f"missing quotes: {missing}")
    print("\nper file (by first evidence):")
    for f in EXPECTED_FILES:
        print(f"  {f:24s} {per_file[f]:3d}   " +
              ", ".join(f"{k}={v}" for k, v in sorted(per_file_kind[f].items())))
    ev_files = Counter(ev["file"] for q in qs for ev in q["evidence"])
    print("\nevidence quotes per file (all):")
    for f in EXPECTED_FILES:
        print(f"  {f:24s} {ev_files[f]:3d}")
    print("\nper kind:")
    for k in sorted(KINDS):
        print(f"  {k:12s} {per_kind[k]:3d}")
    multi = sum(1 for q in qs if len(q["evidence"]) > 1)
    print(f"\nquestions with 2+ acceptable quotes: {multi}")
    total = sum(os.path.getsize(os.path.join(FP, f)) for f in EXPECTED_FILES)
    print(f"footprint total size: {total} bytes")

    if len(qs) < 60:
        err(f"only {len(qs)} questions (need >= 60)")
    for f in EXPECTED_FILES:
        if per_file[f] < 4:
            err(f"file {f} is primary evidence for only {per_file[f]} questions (need >= 4)")
    if per_kind["temporal"] < 8:
        err(f"only {per_kind['temporal']} temporal questions (need >= 8)")

    if errors:
        print(f"\nFAIL: {len(errors)} problem(s)")
        for e in errors:
            print("  -", e)
        sys.exit(1)
    print("\nPASS")


if __name__ == "__main__":
    main()
