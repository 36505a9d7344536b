#!/usr/bin/env python3
"""Generates footprint/calendar.ics (RFC 5545: CRLF, folded at 75 octets, escaped text)."""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "footprint", "calendar.ics")

TZ = "Europe/Lisbon"
MAYA = ("Maya Chen", "maya.chen@example.org")
PEOPLE = {
    "joao": ("João Santos", "joao.santos@example.org"),
    "rita": ("Rita Almeida", "rita.almeida@example.org"),
    "marco": ("Marco Bellini", "marco.bellini@example.org"),
    "ines": ("Inês Duarte", "ines.duarte@example.org"),
    "beatriz": ("Beatriz Costa", "beatriz@participalabs.example"),
    "sam": ("Sam Okafor", "sam.okafor@example.org"),
    "tomas": ("Tomás Ribeiro", "tomas.ribeiro@example.org"),
    "priya": ("Priya Nair", "priya.nair@example.org"),
    "linda": ("Linda Chen", "linda.chen@example.org"),
    "team": ("Product team", "product@participalabs.example"),
}


def esc(s):
    return s.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line):
    data = line.encode("utf-8")
    if len(data) <= 75:
        return [line]
    out, cur, limit = [], b"", 75
    for ch in line:
        c = ch.encode("utf-8")
        if len(cur) + len(c) > limit:
            out.append(cur.decode("utf-8"))
            cur, limit = b" ", 75
        cur += c
    out.append(cur.decode("utf-8"))
    return out


EVENTS = [
    dict(uid="yoga-weekly", summary="Yoga Flow at Estúdio Lótus",
         start="L:20260105T073000", end="L:20260105T083000",
         rrule="FREQ=WEEKLY;BYDAY=MO", exdate="L:20260406T073000",
         location="Estúdio Lótus - Rua Heliodoro Salgado 12",
         description="Monday morning yoga before work. Bring own mat. Skipped on Easter Monday (6 April).",
         categories="HEALTH"),
    dict(uid="green-streets-weekly", summary="Green Streets weekly call",
         start="L:20260203T183000", end="L:20260203T193000",
         rrule="FREQ=WEEKLY;BYDAY=TU", organizer="joao",
         attendees=["maya", "rita", "marco", "ines"],
         location="Jitsi (first Tuesday of the month in person at the Junta de Freguesia da Penha de França)",
         description="Weekly call of the Penha de França working group. Moved from Thursdays to Tuesdays in February 2026. Maya coordinates and keeps the decision log."),
    dict(uid="focus-friday", summary="Focus time - no meetings",
         start="L:20260109T130000", end="L:20260109T180000",
         rrule="FREQ=WEEKLY;BYDAY=FR",
         description="Protected deep-work block. Decline all meeting invites on Friday afternoons.\nUrgent? Send a Signal message instead.",
         categories="FOCUS"),
    dict(uid="coop-assembly-monthly", summary="Pátio Comum general assembly",
         start="L:20260110T103000", end="L:20260110T123000",
         rrule="FREQ=MONTHLY;BYDAY=2SA", exdate="L:20260411T103000",
         organizer="ines", attendees=["maya"],
         location="Pátio Comum common room (ground floor)",
         description="Monthly general assembly of the housing cooperative. The March agenda includes the vote on the car-free Sundays proposal.\nApril assembly moved to 18 April because of the pilot set-up."),
    dict(uid="coop-assembly-april", summary="Pátio Comum general assembly (rescheduled)",
         start="L:20260418T103000", end="L:20260418T123000", organizer="ines", attendees=["maya"],
         location="Pátio Comum common room (ground floor)",
         description="Replaces the 11 April assembly. First debrief of the car-free Sunday pilot."),
    dict(uid="pt-class-weekly", summary="Portuguese conversation class",
         start="L:20260107T190000", end="L:20260107T203000",
         rrule="FREQ=WEEKLY;BYDAY=WE;UNTIL=20260624T180000Z",
         location="Escola de Línguas do Intendente",
         description="Conversation practice to move from B1 towards B2. Teacher: Ana Figueiredo."),
    dict(uid="product-review-biweekly", summary="Product review with Beatriz",
         start="L:20260108T103000", end="L:20260108T110000",
         rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", organizer="maya", attendees=["beatriz"],
         location="Participa Labs office - Rua da Prata 80",
         description="Biweekly product review with Beatriz Costa (CEO). Maya sends the written update the evening before."),
    dict(uid="mom-call-monthly", summary="Video call with Mom",
         start="L:20260104T200000", end="L:20260104T210000",
         rrule="FREQ=MONTHLY;BYDAY=1SU", attendees=["linda"],
         description="Monthly video call with Linda (Mom). 20:00 Lisbon is 15:00 in Toronto."),
    dict(uid="vet-pastel", summary="Vet - Pastel annual checkup",
         start="L:20260312T180000", end="L:20260312T183000",
         location="Clínica Veterinária da Penha",
         description="Annual vaccines for Pastel. Bring the vaccination booklet and the carrier."),
    dict(uid="dentist", summary="Dentist - Dr. Sofia Marques",
         start="L:20260317T113000", end="L:20260317T121500",
         location="Clínica Dentária Morais Soares",
         description="Cleaning on 17 March. Late morning slot on purpose."),
    dict(uid="tomas-bday", summary="Tomás birthday dinner",
         start="L:20260320T203000", end="L:20260320T230000", attendees=["tomas"],
         location="Tasca da Graça",
         description="Tomás turns 36. Gift: the 1871 map of Lisbon from the shop in Chiado. Table for two by the grill."),
    dict(uid="tree-planting", summary="Green Streets tree planting",
         start="L:20260321T100000", end="L:20260321T130000", organizer="rita",
         attendees=["maya", "joao", "marco", "tomas"],
         location="Jardim Constantino",
         description="Planting 30 saplings: jacarandas and Judas trees. Bring gloves. Tomás brings the soil auger."),
    dict(uid="council-hearing", summary="City council mobility hearing",
         start="U:20260325T150000Z", end="U:20260325T170000Z", organizer="joao", attendees=["maya"],
         location="Paços do Concelho - Praça do Município",
         description="Maya presents the car-free Sundays proposal (5 minutes in Portuguese). Bring printed copies of the budget."),
    dict(uid="q2-planning", summary="Q2 planning - Participa Labs",
         start="L:20260331T100000", end="L:20260331T123000", organizer="maya",
         attendees=["beatriz", "team"],
         location="Participa Labs office - Rua da Prata 80",
         description="Quarterly planning. Pre-read memo due Friday 27 March. Top item: SMS voting rollout to all parishes."),
    dict(uid="carfree-1", summary="Car-free Sunday pilot #1 - Rua Morais Soares",
         start="L:20260412T090000", end="L:20260412T140000", organizer="maya",
         attendees=["joao", "rita", "marco", "ines"],
         location="Rua Morais Soares (Praça do Chile end)",
         description="First car-free Sunday. Deliveries before 9:00. Marco runs the bike repair stand.\nChalk and games zone at Praça do Chile. Stewards meet at 08:15."),
    dict(uid="offsite", summary="Participa Labs team offsite",
         start="D:20260415", end="D:20260417", location="Sintra",
         description="Two-day team offsite in Sintra. Maya runs the roadmap workshop on day one."),
    dict(uid="priya-visit", summary="Priya in Lisbon",
         start="D:20260417", end="D:20260425", attendees=["priya"],
         description="Priya visits from Toronto. Guest room is ready. She comes along to Porto on the 23rd."),
    dict(uid="train-porto", summary="Train to Porto (Alfa Pendular)",
         start="L:20260423T073900", end="L:20260423T102700",
         location="Santa Apolónia station",
         description="Alfa Pendular Santa Apolónia to Porto Campanhã. Window seats booked for Maya and Priya. Coach 3."),
    dict(uid="summit-talk", summary="Civic Tech Summit talk: Participatory budgeting people actually use",
         start="L:20260423T143000", end="L:20260423T151500",
         location="Alfândega do Porto - Room B",
         description="25 minutes plus Q&A. Slides in Obsidian export. Sam joins remotely for feedback."),
    dict(uid="flight-yyz", summary="Flight TP259 Lisbon to Toronto",
         start="U:20260520T100000Z", end="U:20260520T180000Z",
         location="Lisbon Airport Terminal 1",
         description="Daytime flight (no red-eyes). Seat 23A window. For Mom's 65th birthday."),
    dict(uid="mom-65", summary="Mom's 65th birthday surprise dinner",
         start="U:20260523T230000Z", end="U:20260524T020000Z", organizer="linda", attendees=["maya", "priya"],
         location="Golden Lotus dim sum - Markham",
         description="Surprise dinner organised by Dad. Priya brings the lemon cake (no coconut: Mom is allergic)."),
    dict(uid="flight-lis", summary="Flight TP258 Toronto to Lisbon",
         start="U:20260530T213000Z", end="U:20260531T053000Z",
         location="Toronto Pearson Terminal 1",
         description="Only overnight option left. Aisle seat to stretch."),
    dict(uid="kevin-visit", summary="Kevin, Aisha and Luna in Lisbon",
         start="D:20260610", end="D:20260618",
         description="Kevin and Aisha bring baby Luna to Lisbon for the first time. Book the co-op guest room."),
    dict(uid="santos-arraial", summary="Santo António arraial - co-op stall",
         start="L:20260612T190000", end="L:20260612T235900", organizer="ines", attendees=["maya"],
         location="Pátio Comum courtyard",
         description="Co-op grilled sardine stall for the Santos Populares. Maya on the 19:00 to 21:00 shift."),
]


def dt_lines(name, val):
    kind, v = val.split(":", 1)
    if kind == "L":
        return f"{name};TZID={TZ}:{v}"
    if kind == "U":
        return f"{name}:{v}"
    if kind == "D":
        return f"{name};VALUE=DATE:{v}"
    raise ValueError(val)


def person(key):
    return MAYA if key == "maya" else PEOPLE[key]


def build():
    L = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Maya Chen//Personal Calendar Export//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:Maya",
        f"X-WR-TIMEZONE:{TZ}",
        "BEGIN:VTIMEZONE",
        f"TZID:{TZ}",
        "BEGIN:DAYLIGHT",
        "TZOFFSETFROM:+0000",
        "TZOFFSETTO:+0100",
        "TZNAME:WEST",
        "DTSTART:19700329T010000",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
        "END:DAYLIGHT",
        "BEGIN:STANDARD",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0000",
        "TZNAME:WET",
        "DTSTART:19701025T020000",
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
        "END:STANDARD",
        "END:VTIMEZONE",
    ]
    for e in EVENTS:
        L.append("BEGIN:VEVENT")
        L.append(f"UID:{e['uid']}@maya.example.org")
        L.append("DTSTAMP:20260301T120000Z")
        L.append(dt_lines("DTSTART", e["start"]))
        L.append(dt_lines("DTEND", e["end"]))
        if "rrule" in e:
            L.append(f"RRULE:{e['rrule']}")
        if "exdate" in e:
            L.append(dt_lines("EXDATE", e["exdate"]))
        L.append(f"SUMMARY:{esc(e['summary'])}")
        if "location" in e:
            L.append(f"LOCATION:{esc(e['location'])}")
        if "description" in e:
            L.append(f"DESCRIPTION:{esc(e['description'])}")
        org = person(e.get("organizer", "maya"))
        L.append(f"ORGANIZER;CN={org[0]}:mailto:{org[1]}")
        for a in e.get("attendees", []):
            p = person(a)
            L.append(f"ATTENDEE;CN={p[0]};ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:{p[1]}")
        if "categories" in e:
            L.append(f"CATEGORIES:{e['categories']}")
        L.append("STATUS:CONFIRMED")
        L.append("END:VEVENT")
    L.append("END:VCALENDAR")
    folded = []
    for line in L:
        folded.extend(fold(line))
    with open(OUT, "w", encoding="utf-8", newline="") as f:
        f.write("\r\n".join(folded) + "\r\n")
    return len(EVENTS)


if __name__ == "__main__":
    print("events:", build())
