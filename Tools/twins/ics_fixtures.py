#!/usr/bin/env python3
"""Writes Tests/VoxTwinsTests/Fixtures/rrule_dateutil.json: RRULE expansions computed by the
reference implementation, python-dateutil's rrule (with zoneinfo for TZID wall-clock rules).

Each case gives a DTSTART and an RRULE (as iCalendar lines), a window [from, to) in Unix
seconds, and the UTC Unix seconds of every instance starting in the window. The Swift test
parses the same lines with ICalendar.parse and expands them with ICalendar.occurrences; the
two must agree exactly (tolerance: 0 s). DTSTARTs are synchronized with their rules (RFC 5545
leaves the other case undefined and dateutil then drops DTSTART).

Run: python3 Tools/ics_fixtures.py   (needs python-dateutil; Python >= 3.9 for zoneinfo)
"""
import json
import os
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

UTC = timezone.utc


def ts(text):
    return int(datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).timestamp())


CASES = [
    # name, tzid (None = UTC "Z"), dtstart (local wall), rrule, window from, window to
    ("weekly-berlin-dst", "Europe/Berlin", "20240301T090000", "FREQ=WEEKLY;COUNT=10",
     "20240101T000000Z", "20250101T000000Z"),
    ("monthly-last-friday-newyork", "America/New_York", "20240126T170000", "FREQ=MONTHLY;BYDAY=-1FR;COUNT=12",
     "20240101T000000Z", "20260101T000000Z"),
    ("monthly-second-tuesday-until", None, "20240109T100000", "FREQ=MONTHLY;BYDAY=2TU;UNTIL=20241231T235959Z",
     "20240101T000000Z", "20260101T000000Z"),
    ("monthly-31st-skips-short-months", None, "20240131T120000", "FREQ=MONTHLY;BYMONTHDAY=31;COUNT=7",
     "20240101T000000Z", "20260101T000000Z"),
    ("monthly-last-day", "Asia/Tokyo", "20240131T235900", "FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=14",
     "20240101T000000Z", "20260101T000000Z"),
    ("yearly-feb-29", None, "20240229T080000", "FREQ=YEARLY;COUNT=3",
     "20240101T000000Z", "20400101T000000Z"),
    ("biweekly-mo-we-fr-la-until", "America/Los_Angeles", "20241021T083000",
     "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE,FR;UNTIL=20241206T000000Z",
     "20241001T000000Z", "20250101T000000Z"),
    ("every-3-days-sydney", "Australia/Sydney", "20240325T073000", "FREQ=DAILY;INTERVAL=3;COUNT=8",
     "20240101T000000Z", "20250101T000000Z"),
    ("yearly-last-sunday-mar-oct-london", "Europe/London", "20240331T010000",
     "FREQ=YEARLY;BYMONTH=3,10;BYDAY=-1SU;COUNT=6",
     "20240101T000000Z", "20300101T000000Z"),
    ("monthly-last-weekday-setpos", None, "20240131T170000",
     "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=8",
     "20240101T000000Z", "20260101T000000Z"),
    ("yearly-20th-monday", None, "20240513T090000", "FREQ=YEARLY;BYDAY=20MO;COUNT=4",
     "20240101T000000Z", "20300101T000000Z"),
    ("rfc-wkst-sunday-biweekly", "America/New_York", "19970805T090000",
     "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU",
     "19970101T000000Z", "19980101T000000Z"),
    ("daily-byhour-byminute", "Europe/Paris", "20240330T090000",
     "FREQ=DAILY;BYHOUR=9,17;BYMINUTE=0,30;COUNT=10",
     "20240101T000000Z", "20250101T000000Z"),
    ("unbounded-weekly-far-window", "Europe/Berlin", "20000103T080000", "FREQ=DAILY;INTERVAL=7",
     "20300301T000000Z", "20300415T000000Z"),
    ("weekly-into-spring-gap", "Europe/Berlin", "20240303T023000", "FREQ=WEEKLY;COUNT=5",
     "20240101T000000Z", "20250101T000000Z"),
    ("weekly-into-fall-back-overlap", "Europe/Berlin", "20241006T023000", "FREQ=WEEKLY;COUNT=4",
     "20240101T000000Z", "20250101T000000Z"),
    ("yearly-bymonth-bymonthday", None, "20240115T000000", "FREQ=YEARLY;BYMONTH=1,7;BYMONTHDAY=15,-1;COUNT=9",
     "20240101T000000Z", "20300101T000000Z"),
    ("window-clips-middle", None, "20240101T120000", "FREQ=DAILY;COUNT=100",
     "20240210T000000Z", "20240215T120000Z"),
]


def expand(tzid, dtstart, rule, start, end):
    zone = ZoneInfo(tzid) if tzid else UTC
    first = datetime.strptime(dtstart, "%Y%m%dT%H%M%S").replace(tzinfo=zone)
    out = []
    for when in rrulestr(rule, dtstart=first):
        # Instances are wall times with tzinfo attached; fold=0 is RFC 5545's reading of gaps/overlaps.
        t = int(when.timestamp())
        if t >= end:
            break
        if t >= start:
            out.append(t)
    return out


def main():
    cases = []
    for name, tzid, dtstart, rule, start, end in CASES:
        line = f"DTSTART;TZID={tzid}:{dtstart}" if tzid else f"DTSTART:{dtstart}Z"
        cases.append({
            "name": name,
            "dtstart": line,
            "rrule": f"RRULE:{rule}",
            "from": ts(start),
            "to": ts(end),
            "expected": expand(tzid, dtstart, rule, ts(start), ts(end)),
        })
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "..", "Tests", "VoxTwinsTests", "Fixtures", "rrule_dateutil.json")
    with open(path, "w") as f:
        json.dump({"reference": "python-dateutil rrule + zoneinfo", "cases": cases}, f, indent=1)
        f.write("\n")
    print(f"wrote {len(cases)} cases to {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
