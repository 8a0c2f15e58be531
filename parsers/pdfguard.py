"""Limits on what pdfminer may inflate and lay out while nianjian reads one PDF, and its
warnings kept for the record instead of printed on stderr.

pdfminer inflates every stream whole (`zlib.decompress`), so a 1 MB stream that inflates to
1 GiB costs 1 GiB, and it lays out every object a page draws, however many. Its decoders are
looked up in `pdfminer.pdftypes` when a stream is decoded, so they are replaced there, once, by
bounded ones; the limits apply only inside `reading()` (a read by `parsers.pdf`), elsewhere the
decoders behave as pdfminer's own. What passes a limit raises `TooLarge`, and the refusal is
kept on the `Guard` too, in case pdfminer swallows the exception somewhere.
"""
from __future__ import annotations

import contextlib
import io
import logging
import threading
import zlib
from contextvars import ContextVar
from dataclasses import dataclass, field

import pdfminer.pdftypes
from pdfminer.lzw import LZWDecoder
from pdfplumber.page import PDFPageAggregatorWithMarkedContent

from parsers.inflate import TooLarge, inflate

MAX_STREAM_BYTES = 32 * 2**20      # one stream, inflated (report pages hold well under 1 MB)
MAX_INFLATED_BYTES = 128 * 2**20   # all streams of one document, inflated
MAX_PAGE_OBJECTS = 30_000          # characters, lines, boxes, images laid out on one page
UNBOUNDED = 2**62                  # the "limit" outside a read: pdfminer's own behaviour
# pdfminer.pdftypes looks these up when it decodes a stream; they are replaced by bounded ones
_DECODERS = ("zlib", "decompress_corrupted", "lzwdecode", "rldecode")


class DensePage(TooLarge):
    """One page draws more objects than any report page: the page is skipped, not the file."""


@dataclass
class Guard:
    """What one read has used, and why it was refused (None: it was not)."""

    inflated: int = 0
    objects: int = 0
    refusal: str | None = None
    warnings: list[str] = field(default_factory=list)

    def room(self) -> int:
        return max(0, min(MAX_STREAM_BYTES, MAX_INFLATED_BYTES - self.inflated))

    def charge(self, size: int) -> None:
        self.inflated += size
        if self.inflated > MAX_INFLATED_BYTES:
            self.refuse(f"the PDF's streams inflate to more than {MAX_INFLATED_BYTES // 2**20} MB")

    def refuse(self, reason: str) -> None:
        self.refusal = self.refusal or reason
        raise TooLarge(reason)


_GUARD: ContextVar[Guard | None] = ContextVar("pdf_guard", default=None)


def is_dense_page(exc: BaseException) -> bool:
    """Whether `exc` is (pdfplumber wraps what pdfminer raises) a DensePage."""
    return isinstance(exc, DensePage) or any(isinstance(a, DensePage) for a in exc.args)


def new_page() -> None:
    """The object limit is per page: start counting again."""
    guard = _GUARD.get()
    if guard is not None:
        guard.objects = 0


def _bounded(decode):
    """Run a decoder within the room the current read has left, and charge what it made."""
    def run(data: bytes, *args) -> bytes:
        guard = _GUARD.get()
        if guard is None:
            return decode(data, UNBOUNDED, *args)
        room = guard.room()
        try:
            out = decode(data, room, *args)
        except TooLarge:
            if room < MAX_STREAM_BYTES:
                guard.refuse(f"the PDF's streams inflate to more than "
                             f"{MAX_INFLATED_BYTES // 2**20} MB")
            guard.refuse(f"a stream of the PDF inflates to more than {room // 2**20} MB "
                         "(a decompression bomb?)")
        guard.charge(len(out))
        return out
    return run


class _Zlib:
    """Stands in for the zlib module inside pdfminer.pdftypes: decompress is bounded."""

    error = zlib.error
    decompress = staticmethod(_bounded(lambda data, limit, *_: inflate(data, limit)))

    def __getattr__(self, name):
        return getattr(zlib, name)


def _lzw(data: bytes, limit: int) -> bytes:
    out = bytearray()
    for chunk in LZWDecoder(io.BytesIO(data)).run():
        out += chunk
        if len(out) > limit:
            raise TooLarge("LZW stream")
    return bytes(out)


def _run_length(data: bytes, limit: int) -> bytes:
    """RunLengthDecode, measured while decoding (pdfminer's builds a list of ints: 8 bytes of
    memory per byte decoded)."""
    out = bytearray()
    i = 0
    while i < len(data) and data[i] != 128:
        length = data[i]
        if length < 128:                      # the next length + 1 bytes as they are
            out += data[i + 1:i + 2 + length]
            i += length + 2
        else:                                 # the next byte 257 - length times
            out += data[i + 1:i + 2] * (257 - length)
            i += 2
        if len(out) > limit:
            raise TooLarge("run-length stream")
    return bytes(out)


def _count_object(original):
    def tag_cur_item(self) -> None:
        original(self)
        guard = _GUARD.get()
        if guard is not None:
            guard.objects += 1
            if guard.objects > MAX_PAGE_OBJECTS:
                raise DensePage(f"draws more than {MAX_PAGE_OBJECTS} objects")
    return tag_cur_item


def _install() -> None:
    if isinstance(pdfminer.pdftypes.zlib, _Zlib):
        return
    missing = [name for name in _DECODERS if not hasattr(pdfminer.pdftypes, name)]
    if missing or not hasattr(PDFPageAggregatorWithMarkedContent, "tag_cur_item"):
        # an unguarded reader would take 2 GB for a 1 MB bomb: refuse to read PDFs instead
        raise ImportError(f"this pdfminer.six/pdfplumber cannot be guarded (no {missing})")
    pdfminer.pdftypes.zlib = _Zlib()
    # pdfminer's own fallback for damaged streams feeds one byte at a time into a growing bytes
    # (quadratic); this one returns what inflates before the damage, in linear time.
    pdfminer.pdftypes.decompress_corrupted = _bounded(
        lambda data, limit: inflate(data, limit, strict=False))
    pdfminer.pdftypes.lzwdecode = _bounded(_lzw)
    pdfminer.pdftypes.rldecode = _bounded(_run_length)
    cls = PDFPageAggregatorWithMarkedContent
    cls.tag_cur_item = _count_object(cls.tag_cur_item)


_install()


class _Collector(logging.Handler):
    """pdfminer's warnings from one thread's read."""

    def __init__(self, guard: Guard):
        super().__init__(logging.WARNING)
        self.guard = guard
        self.thread = threading.get_ident()

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            self.guard.warnings.append(record.getMessage())


_PDFMINER = logging.getLogger("pdfminer")
_quiet = threading.Lock()
_readers = 0
_propagate = True


@contextlib.contextmanager
def reading():
    """The limits for one read, and pdfminer's warnings collected on the Guard (not printed)."""
    global _readers, _propagate
    guard = Guard()
    token = _GUARD.set(guard)
    collector = _Collector(guard)
    with _quiet:
        if _readers == 0:
            _propagate = _PDFMINER.propagate
            _PDFMINER.propagate = False
        _readers += 1
        _PDFMINER.addHandler(collector)
    try:
        yield guard
    finally:
        _GUARD.reset(token)
        with _quiet:
            _PDFMINER.removeHandler(collector)
            _readers -= 1
            if _readers == 0:
                _PDFMINER.propagate = _propagate
