#!/usr/bin/env python3
"""Writes the PDF fixtures of Tests/VoxTwinsTests/Fixtures (run from the package root).

two-pages.pdf: a minimal valid PDF (Helvetica, two pages of text) with a correct xref table.
truncated.pdf: the first 300 bytes of it (header and part of the catalog, no pages or trailer).
"""
import pathlib

PAGES = [
    ["Voxface twin notes", "The first page talks about ingestion."],
    ["Second page", "Chunks keep their byte ranges."],
]


def escape(text):
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def build():
    page_ids = [4 + 2 * i for i in range(len(PAGES))]
    objects = {
        1: "<< /Type /Catalog /Pages 2 0 R >>",
        2: "<< /Type /Pages /Kids [%s] /Count %d >>" % (" ".join("%d 0 R" % i for i in page_ids), len(PAGES)),
        3: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    }
    for page_id, lines in zip(page_ids, PAGES):
        ops = ["BT", "/F1 18 Tf", "72 720 Td", "22 TL"]
        for line in lines:
            ops.append("(%s) Tj T*" % escape(line))
        ops.append("ET")
        stream = "\n".join(ops) + "\n"
        objects[page_id] = (
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            "/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (page_id + 1)
        )
        objects[page_id + 1] = "<< /Length %d >>\nstream\n%sendstream" % (len(stream.encode("latin-1")), stream)
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, objects[number].encode("latin-1"))
    xref = len(out)
    count = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % count
    for number in range(1, count):
        out += b"%010d 00000 n \n" % offsets[number]
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (count, xref)
    return bytes(out)


def main():
    fixtures = pathlib.Path("Tests/VoxTwinsTests/Fixtures")
    fixtures.mkdir(parents=True, exist_ok=True)
    pdf = build()
    (fixtures / "two-pages.pdf").write_bytes(pdf)
    (fixtures / "truncated.pdf").write_bytes(pdf[:300])


if __name__ == "__main__":
    main()
