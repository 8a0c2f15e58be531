"""Inflating compressed data without trusting it: the output is measured while it is produced,
never taken from what the file declares, and stops at a limit.

A 1 MB deflate stream can inflate to 1 GiB (a decompression bomb); PDF streams and the parts
of a DOCX package are read through `inflate` with the room the document has left, so a bomb
costs at most that room, and is refused with `TooLarge`. (zipfile's `read()` asks zlib for up
to 2 GiB in one call whatever the part declares, so zip parts are not read through it.)
"""
from __future__ import annotations

import struct
import zipfile
import zlib

CHUNK = 64 * 1024          # compressed bytes fed at a time
# A zip local file header: signature … name length, extra length (the fixed 30 bytes)
_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")


class TooLarge(Exception):
    """A document would inflate beyond a limit. The message says what and how far."""


def inflate(data: bytes | memoryview, limit: int, *, wbits: int = zlib.MAX_WBITS,
            what: str = "a compressed stream", strict: bool = True) -> bytes:
    """The inflated `data`, or TooLarge once the output passes `limit` bytes.

    `wbits` as for zlib (15: zlib header, -15: raw deflate as in zip). With `strict`, damaged or
    truncated data raises zlib.error as zlib.decompress would; without, what could be inflated
    before the damage is returned (what readers do with slightly broken files).
    """
    inflater = zlib.decompressobj(wbits)
    out = bytearray()
    view = memoryview(data)
    pending = b""
    position = 0
    try:
        while not inflater.eof:
            if not pending:
                if position >= len(view):
                    break
                pending = view[position:position + CHUNK]
                position += CHUNK
            out += inflater.decompress(pending, limit + 1 - len(out))
            pending = inflater.unconsumed_tail
            if len(out) > limit:
                raise TooLarge(f"{what} inflates to more than {limit // 2**20} MB")
    except zlib.error:
        if strict:
            raise
        return bytes(out)
    if strict and not inflater.eof:
        raise zlib.error("incomplete or truncated stream")
    return bytes(out)


def zip_part(data: bytes, info: zipfile.ZipInfo, limit: int) -> bytes:
    """One part of the zip archive `data`, inflated and measured while inflating: its declared
    size is not trusted. TooLarge past `limit` bytes; zipfile.BadZipFile if it is damaged,
    encrypted or compressed in a way Office files are not."""
    start = info.header_offset
    header = data[start:start + _LOCAL_HEADER.size]
    if len(header) < _LOCAL_HEADER.size or not header.startswith(b"PK\x03\x04"):
        raise zipfile.BadZipFile(f"{info.filename}: no local header")
    if info.flag_bits & 0x1:
        raise zipfile.BadZipFile(f"{info.filename}: encrypted")
    name_length, extra_length = _LOCAL_HEADER.unpack(header)[-2:]
    begin = start + _LOCAL_HEADER.size + name_length + extra_length
    raw = memoryview(data)[begin:begin + info.compress_size]
    what = f"{info.filename} (declared {info.file_size} bytes)"
    if info.compress_type == zipfile.ZIP_STORED:
        if len(raw) > limit:
            raise TooLarge(f"{what} is larger than {limit // 2**20} MB")
        out = bytes(raw)
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        try:
            out = inflate(raw, limit, wbits=-zlib.MAX_WBITS, what=what)
        except zlib.error as error:
            raise zipfile.BadZipFile(f"{info.filename}: {error}") from None
    else:
        raise zipfile.BadZipFile(f"{info.filename}: compression method {info.compress_type}")
    if zlib.crc32(out) != info.CRC:
        raise zipfile.BadZipFile(f"{info.filename}: damaged (CRC mismatch)")
    return out
