"""Hostile files made at test time, never held inflated: decompression bombs (PDF streams,
DOCX parts lying about their size) and an object flood. Used by test_bombs.py, test_cli_parse.py
and benchmarks/hostile_bench.py.

After a full flush deflate starts afresh, so every further MiB of spaces compresses to the same
bytes: a 1 GiB bomb is built from three compressed MiB.
"""
from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path

from parsers.pdfguard import MAX_INFLATED_BYTES, MAX_PAGE_OBJECTS, MAX_STREAM_BYTES

FILLED_DOCX = Path(__file__).resolve().parent.parent / "fixtures/docx/filled_2021.docx"
MIB = 1 << 20
GIB = 1 << 30
TEXT = b"BT /F1 12 Tf 72 720 Td (2023 annual report of a county) Tj ET\n"


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


HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def pdf(pages: list[tuple[bytes, str]], fonts: dict[str, bytes] | None = None) -> bytes:
    """A valid PDF whose pages draw the given (stream data, filter name or "") content streams,
    with `fonts` (resource name → font dictionary; /F1 Helvetica by default)."""
    fonts = fonts or {"F1": HELVETICA}
    objects: list = [b"<< /Type /Catalog /Pages 2 0 R >>", None, *fonts.values()]
    resources = b" ".join(b"/%s %d 0 R" % (name.encode(), number)
                          for number, name in enumerate(fonts, start=3))
    kids = []
    for data, filter_name in pages:
        filter_entry = f"/Filter /{filter_name} ".encode() if filter_name else b""
        objects.append(b"<< /Length %d %s>>\nstream\n%s\nendstream" % (len(data), filter_entry, data))
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                       b"/Resources << /Font << %s >> >> /Contents %d 0 R >>" % (resources, len(objects)))
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


def run_length(data: bytes) -> bytes:
    """RunLengthDecode encoding: literal runs of up to 128 bytes, then end of data."""
    out = bytearray()
    for start in range(0, len(data), 128):
        piece = data[start:start + 128]
        out += bytes([len(piece) - 1]) + piece
    return bytes(out + b"\x80")


def flood(objects: int) -> bytes:
    """A content stream drawing `objects` small filled boxes."""
    boxes = b"".join(b"%d %d 1 1 re f\n" % (i % 500, i // 500) for i in range(objects))
    packer = zlib.compressobj()
    return packer.compress(boxes) + packer.flush()


def pdf_object_flood() -> bytes:
    return pdf([(flood(MAX_PAGE_OBJECTS + 10), "FlateDecode")])
