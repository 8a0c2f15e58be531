"""Decompression bombs and floods: small files that would inflate or lay out to gigabytes are
refused with one TOO_LARGE problem, and reading one stays under 300 MB of memory.

The bombs are made here, at test time, without ever holding their inflated content: after a
full flush deflate starts afresh, so every further MiB of spaces compresses to the same bytes.
"""
from __future__ import annotations

import io
import struct
import subprocess
import sys
import textwrap
import zipfile
import zlib
from pathlib import Path

import pytest

from parsers import parse
from parsers.docx import MAX_PART_BYTES
from parsers.pdfguard import MAX_INFLATED_BYTES, MAX_PAGE_OBJECTS, MAX_STREAM_BYTES

HERE = Path(__file__).resolve().parent
FILLED_DOCX = HERE.parent / "fixtures/docx/filled_2021.docx"
MIB = 1 << 20
GIB = 1 << 30
PEAK_LIMIT_MB = 300


def deflated_spaces(size: int, wbits: int) -> tuple[bytes, int]:
    """(compressed, checksum) of `size` spaces (a whole number of MiB, at least 3): zlib
    format with its Adler-32 for wbits 15, raw deflate and the CRC-32 for -15 (zip)."""
    chunk = b" " * MIB
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    first = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    steady = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    last = packer.compress(chunk) + packer.flush()
    body = first + steady * (size // MIB - 2) + last
    checksum = zlib.adler32(b"") if wbits > 0 else zlib.crc32(b"")
    for _ in range(size // MIB):
        checksum = zlib.adler32(chunk, checksum) if wbits > 0 else zlib.crc32(chunk, checksum)
    if wbits > 0:
        body = body[:-4] + struct.pack(">I", checksum)
    return body, checksum


def pdf(pages: list[tuple[bytes, str]]) -> bytes:
    """A PDF whose pages draw the given (stream data, filter) content streams, with /F1."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", None,
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for data, filter_name in pages:
        filter_entry = f"/Filter /{filter_name} ".encode() if filter_name else b""
        objects.append(b"<< /Length %d %s>>\nstream\n%s\nendstream" % (len(data), filter_entry, data))
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                       b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % len(objects))
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Count %d /Kids [%s] >>" % (
        len(pages), b" ".join(b"%d 0 R" % k for k in kids))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


TEXT = b"BT /F1 12 Tf 72 720 Td (2023 annual report of a county) Tj ET\n"


def pdf_stream_bomb() -> bytes:
    """One page whose content stream inflates to 1 GiB: about 1 MB on the wire."""
    data, _ = deflated_spaces(GIB, zlib.MAX_WBITS)
    return pdf([(data, "FlateDecode")])


def pdf_many_streams() -> bytes:
    """Pages whose streams each stay under the per-stream limit, but not together."""
    data, _ = deflated_spaces(MAX_STREAM_BYTES - MIB, zlib.MAX_WBITS)
    return pdf([(data, "FlateDecode")] * (MAX_INFLATED_BYTES // MAX_STREAM_BYTES + 2))


def zip_package(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip of (name, raw deflate data, CRC-32, declared size) members: the declared size is
    whatever the caller says."""
    out, central = bytearray(), bytearray()
    for name, data, crc, declared in members:
        offset = len(out)
        encoded = name.encode()
        out += struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(data),
                           declared, len(encoded), 0) + encoded + data
        central += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc,
                               len(data), declared, len(encoded), 0, 0, 0, 0, 0, offset) + encoded
    out += central + struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(members), len(members),
                                 len(central), len(out), 0)
    return bytes(out)


def docx_lying_part(part: str = "word/document.xml") -> bytes:
    """The filled 2021 DOCX with one part replaced by 1 GiB of spaces declared as 4 KB."""
    members = []
    with zipfile.ZipFile(FILLED_DOCX) as source:
        for info in source.infolist():
            if info.filename == part:
                data, crc = deflated_spaces(GIB, -zlib.MAX_WBITS)
                members.append((part, data, crc, 4096))
            else:
                body = source.read(info)
                packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
                members.append((info.filename, packer.compress(body) + packer.flush(),
                                zlib.crc32(body), len(body)))
    return zip_package(members)


def problems(data: bytes, filename: str) -> list[tuple[str, str]]:
    return [(p.code, p.detail) for p in parse(data, filename=filename).problems]


def test_pdf_stream_inflating_to_a_gibibyte_is_refused():
    data = pdf_stream_bomb()
    assert len(data) < 2 * MIB
    [(code, detail)] = problems(data, "bomb.pdf")
    assert code == "TOO_LARGE"
    assert f"inflates to more than {MAX_STREAM_BYTES // MIB} MB" in detail and "\n" not in detail


def test_pdf_streams_past_the_document_limit_are_refused():
    [(code, detail)] = problems(pdf_many_streams(), "many.pdf")
    assert code == "TOO_LARGE"
    assert f"more than {MAX_INFLATED_BYTES // MIB} MB" in detail


def run_length(data: bytes) -> bytes:
    """RunLengthDecode encoding: literal runs of up to 128 bytes, then end of data."""
    out = bytearray()
    for start in range(0, len(data), 128):
        piece = data[start:start + 128]
        out += bytes([len(piece) - 1]) + piece
    return bytes(out + b"\x80")


def test_run_length_streams_read_and_bombs_refused():
    report = parse(pdf([(run_length(TEXT), "RunLengthDecode")]), filename="rl.pdf")
    assert "2023 annual report of a county" in report.narrative
    # 257 - 129 = 128 spaces from every two bytes
    bomb = b"\x81 " * ((MAX_STREAM_BYTES // 128) + 1024) + b"\x80"
    [(code, _)] = problems(pdf([(bomb, "RunLengthDecode")]), "rl-bomb.pdf")
    assert code == "TOO_LARGE"


def test_ordinary_flate_streams_still_read():
    packer = zlib.compressobj()
    report = parse(pdf([(packer.compress(TEXT) + packer.flush(), "FlateDecode")]), filename="ok.pdf")
    assert "2023 annual report of a county" in report.narrative
    assert not [p for p in report.problems if p.code == "TOO_LARGE"]


def flood(objects: int) -> bytes:
    """A content stream drawing `objects` small filled boxes."""
    boxes = b"".join(b"%d %d 1 1 re f\n" % (i % 500, i // 500) for i in range(objects))
    packer = zlib.compressobj()
    return packer.compress(boxes) + packer.flush()


def test_pages_drawing_too_many_objects_are_skipped(monkeypatch):
    monkeypatch.setattr("parsers.pdfguard.MAX_PAGE_OBJECTS", 2000)   # quick to lay out
    text = zlib.compress(TEXT)
    report = parse(pdf([(text, "FlateDecode"), (flood(2100), "FlateDecode")]), filename="f.pdf")
    assert [(p.code, p.detail) for p in report.problems if p.code != "NOT_A_REPORT"] == [
        ("DENSE_PAGES", "skipped pages drawing more than 2000 objects: 2")]
    assert "2023 annual report of a county" in report.narrative
    [(code, detail)] = problems(pdf([(flood(2100), "FlateDecode")]), "flood.pdf")
    assert code == "TOO_LARGE" and "more than 2000 objects: 1" in detail


def pdf_object_flood() -> bytes:
    return pdf([(flood(MAX_PAGE_OBJECTS + 10), "FlateDecode")])


def test_docx_part_lying_about_its_size_is_refused():
    data = docx_lying_part()
    assert len(data) < 2 * MIB
    [(code, detail)] = problems(data, "bomb.docx")
    assert code == "TOO_LARGE"
    assert "word/document.xml (declared 4096 bytes)" in detail
    assert f"more than {MAX_PART_BYTES // MIB} MB" in detail


def test_docx_content_types_bomb_is_refused_not_missed():
    """A bomb in [Content_Types].xml: still told to be a DOCX (by its part names), then refused."""
    data = docx_lying_part("[Content_Types].xml")
    [(code, detail)] = problems(data, None)
    assert code == "TOO_LARGE" and "[Content_Types].xml" in detail


def test_docx_with_many_tiny_elements_is_refused():
    """Markup small in bytes but huge as a tree: 4 million empty paragraphs (~450 MB in lxml)."""
    body = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' \
           b"<w:body>" + b"<w:p/>" * 4_000_000 + b"</w:body></w:document>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(FILLED_DOCX) as source, \
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            out.writestr(info.filename, body if info.filename == "word/document.xml"
                         else source.read(info))
    [(code, detail)] = problems(buffer.getvalue(), "tags.docx")
    assert code == "TOO_LARGE" and "tags" in detail


@pytest.mark.parametrize("bomb, filename", [
    ("pdf_stream_bomb", "bomb.pdf"),
    ("pdf_many_streams", "many.pdf"),
    ("docx_lying_part", "bomb.docx"),
])
def test_peak_memory_of_a_hostile_file(bomb, filename):
    """Each bomb read in a child process: its peak resident memory (ru_maxrss) stays under
    300 MB, the interpreter and the libraries included. Before the limits: 2.1 GB.
    (benchmarks/hostile_bench.py prints the figures, for the object flood too.)"""
    child = textwrap.dedent(f"""
        import resource, sys
        sys.path.insert(0, {str(HERE)!r})
        from test_bombs import {bomb}
        from parsers import parse
        report = parse({bomb}(), filename={filename!r})
        print(report.problems[0].code, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    """)
    result = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True,
                            timeout=300, cwd=HERE.parent.parent)
    assert result.returncode == 0, result.stderr
    code, peak_kb = result.stdout.split()
    assert code == "TOO_LARGE"
    assert int(peak_kb) / 1024 < PEAK_LIMIT_MB, f"peak {int(peak_kb) / 1024:.0f} MB"
