"""Fixtures every area's tests share."""
from __future__ import annotations

import io
import socket
from pathlib import Path

import pytest

PDF_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "pdf"



@pytest.fixture(scope="session")
def free_port():
    """free_port() → a port on 127.0.0.1 that nothing listens on, for a server the test starts."""
    def pick() -> int:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            return probe.getsockname()[1]
    return pick


def _scanned_pdf() -> bytes:
    """An image-only PDF, as a scanner makes it: ruled lines and no text layer."""
    from PIL import Image, ImageDraw

    page = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(page)
    for y in range(200, 1500, 60):
        draw.rectangle((150, y, 1090, y + 2), fill=0)
        draw.text((160, y + 15), "2023", fill=0)
    out = io.BytesIO()
    page.save(out, "PDF", resolution=150)
    return out.getvalue()


@pytest.fixture(scope="session")
def unreadable_pdfs() -> dict[str, bytes]:
    """PDFs nianjian cannot read, by file name: a scan (made here), a readable report cut at 60 %
    (a truncated download), and a password-protected one."""
    good = (PDF_FIXTURES / "filled_2021.pdf").read_bytes()
    return {"scan.pdf": _scanned_pdf(), "truncated.pdf": good[:len(good) * 6 // 10],
            "encrypted.pdf": (PDF_FIXTURES / "encrypted_2021.pdf").read_bytes()}
