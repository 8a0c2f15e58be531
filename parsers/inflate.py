"""Inflating compressed data without trusting it: the output is measured while it is produced,
never taken from what the file declares, and stops at a limit.

A 1 MB deflate stream can inflate to 1 GiB (a decompression bomb); PDF streams and the parts
of a DOCX package are read through `inflate` with the room the document has left, so a bomb
costs at most that room, and is refused with `TooLarge`.
"""
from __future__ import annotations

import zlib

CHUNK = 64 * 1024          # compressed bytes fed at a time


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
