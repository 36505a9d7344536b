#!/usr/bin/env python3
"""Writes footprint/proposal.pdf: a minimal, valid two-page PDF 1.4 built by hand.

- Standard Type1 font Helvetica / Helvetica-Bold, WinAnsiEncoding (text encoded as cp1252)
- Text placed with BT / Tf / Td / Tj / ET operators, one Tj per line
- Cross-reference table with exact byte offsets
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "footprint", "proposal.pdf")

# (style, text). style: T=title, H=heading, B=body, S=small, ""=blank line
PAGE1 = [
    ("T", "Proposal: Car-free Sundays on Rua Morais Soares"),
    ("S", "Author: Maya Chen - Mobility committee, Cooperativa Pátio Comum"),
    ("S", "Prepared with Green Streets Lisboa, Penha de França working group"),
    ("S", "Draft of 22 February 2026, revised 6 March 2026"),
    ("", ""),
    ("H", "1. Summary"),
    ("B", "We propose closing Rua Morais Soares to motor traffic from 09:00 to 14:00"),
    ("B", "on the second Sunday of each month, as a six-month pilot from April to"),
    ("B", "September 2026. The closed stretch runs from Praça do Chile to the"),
    ("B", "Rua Barão de Sabrosa junction. The first car-free Sunday would be 12 April 2026."),
    ("", ""),
    ("H", "2. Why this street"),
    ("B", "Morais Soares is the commercial spine of Penha de França, but on Sundays"),
    ("B", "most of its width is given to through traffic and parked cars. The parish has"),
    ("B", "one of the lowest amounts of green space per resident in Lisbon, and many"),
    ("B", "older neighbours told us they no longer walk there because of noise."),
    ("B", "A monthly closure lets residents test a calmer street before any permanent change."),
    ("", ""),
    ("H", "3. How it works"),
    ("B", "- Deliveries allowed before 09:00; the street is closed from 09:00 to 14:00."),
    ("B", "- Residents with reduced mobility keep car access through two stewarded gates."),
    ("B", "- 24 volunteer stewards per Sunday, working in two shifts."),
    ("B", "- Bus lines diverted via Avenida Almirante Reis for five hours, agreed with Carris."),
    ("B", "- Activities: a free bike repair stand, a chalk and games zone for children"),
    ("B", "  near Praça do Chile, and acoustic buskers only - no amplified music."),
    ("B", "- Borrowed bike racks (8) and rented benches with shade sails."),
]

PAGE2 = [
    ("H", "4. Budget for the six-month pilot"),
    ("B", "Barriers and signage: EUR 9,800"),
    ("B", "Insurance for volunteer stewards: EUR 3,900"),
    ("B", "Street furniture rental (benches, shade sails): EUR 3,100"),
    ("B", "Communication and resident survey: EUR 1,600"),
    ("B", "Total requested: EUR 18,400"),
    ("B", "In-kind contribution from Pátio Comum: EUR 600 (steward t-shirts, refreshments)"),
    ("", ""),
    ("H", "5. Measuring success"),
    ("B", "- Footfall at local shops up at least 15% on pilot Sundays (volunteer counts)."),
    ("B", "- Noise measured at three points, before and during each closure."),
    ("B", "- At least 60% of surveyed residents want the pilot to continue after September."),
    ("B", "- Zero serious incidents involving people walking, cycling or driving."),
    ("", ""),
    ("H", "6. Inspiration"),
    ("B", "Bogotá's Ciclovía, which opens more than 100 km of roads to people every Sunday,"),
    ("B", "and Paris Respire, which closes selected streets to cars on Sundays and holidays."),
    ("", ""),
    ("H", "7. What we ask"),
    ("B", "We ask the Junta de Freguesia da Penha de França and the Câmara Municipal de Lisboa"),
    ("B", "to approve the pilot and to fund it from the 2026 participatory budget contingency line."),
    ("B", "A joint evaluation report will be published in October 2026."),
    ("", ""),
    ("S", "Contact: maya.chen@example.org - questions in writing are very welcome."),
]

STYLE = {"T": ("F2", 16, 24), "H": ("F2", 12, 20), "B": ("F1", 10.5, 15), "S": ("F1", 9.5, 13), "": ("F1", 10, 10)}


def pdf_str(s):
    raw = s.encode("cp1252")
    out = bytearray(b"(")
    for byte in raw:
        ch = bytes([byte])
        if ch in (b"(", b")", b"\\"):
            out += b"\\" + ch
        elif byte < 32 or byte > 126:
            out += b"\\%03o" % byte
        else:
            out += ch
    out += b")"
    return bytes(out)


def content_stream(lines, page_no, total):
    y = 750
    ops = []
    for style, text in lines:
        font, size, lead = STYLE[style]
        if text:
            ops.append(b"BT /%s %g Tf 1 0 0 1 60 %g Tm %s Tj ET" % (font.encode(), size, y, pdf_str(text)))
        y -= lead
    ops.append(b"BT /F1 8 Tf 1 0 0 1 60 40 Tm %s Tj ET" % pdf_str(f"Car-free Sundays proposal - page {page_no} of {total}"))
    return b"\n".join(ops) + b"\n"


def build():
    pages = [PAGE1, PAGE2]
    objs = {}
    # 1 catalog, 2 pages, 3 F1, 4 F2, 5 info, then per page: page obj + content obj
    n_pages = len(pages)
    page_ids = [6 + 2 * i for i in range(n_pages)]
    objs[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objs[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % p for p in page_ids), n_pages)
    objs[3] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    objs[4] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
    objs[5] = (b"<< /Title " + pdf_str("Proposal: Car-free Sundays on Rua Morais Soares") +
               b" /Author " + pdf_str("Maya Chen") + b" /CreationDate (D:20260306100000Z) >>")
    for i, lines in enumerate(pages):
        pid, cid = page_ids[i], page_ids[i] + 1
        stream = content_stream(lines, i + 1, n_pages)
        objs[pid] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                     b"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents %d 0 R >>" % cid)
        objs[cid] = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"endstream"
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for num in sorted(objs):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + objs[num] + b"\nendobj\n"
    xref = len(out)
    size = max(objs) + 1
    out += b"xref\n0 %d\n" % size
    out += b"0000000000 65535 f \n"
    for num in range(1, size):
        out += b"%010d 00000 n \n" % offsets[num]
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 5 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    with open(OUT, "wb") as f:
        f.write(out)
    return len(out)


if __name__ == "__main__":
    print("proposal.pdf bytes:", build())
