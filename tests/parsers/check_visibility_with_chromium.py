"""Check the `kind` of every quirk in visibility.py against what headless Chromium draws, once,
by hand (the tests do not need a browser): each quirk dresses a figure (1234) and a label
(予以公开) in a table cell, next to the same text printed plainly; the two cells' ink is
compared (in quirks mode, as the generated pages, which have no document type; cut to the ink, blank pixel columns taken out, so a hidden character's empty place
does not count). `hidden` and `shown` quirks must draw the plain text's ink; `mark` and
`struck` quirks must draw more than it (the mark, the struck figure are really shown).

Run: PYTHONPATH=$PWD .venv/bin/python tests/parsers/check_visibility_with_chromium.py
(needs playwright and /usr/bin/chromium; prints one line per quirk and exits 1 on a mismatch).
"""
from __future__ import annotations

import io
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import visibility as V  # noqa: E402

SAMPLES = {True: "1234", False: "予以公开"}


def ink(png: bytes) -> list[tuple[int, int, int]] | None:
    """The cell's ink as glyph pieces, left to right: (width, top, bottom) of each run of
    columns holding dark pixels (None: no ink). Blank columns between pieces do not count, so
    a hidden character's empty place does not, nor where a piece falls between two pixels."""
    from PIL import Image
    image = Image.open(io.BytesIO(png)).convert("L")
    dark = image.point(lambda v: 255 if v < 140 else 0)
    if dark.getbbox() is None:
        return None
    pixels = dark.load()
    pieces, run = [], []
    for x in range(dark.width + 1):
        rows = [y for y in range(dark.height) if x < dark.width and pixels[x, y]]
        if rows:
            run.append((min(rows), max(rows)))
        elif run:
            pieces.append((len(run), min(r[0] for r in run), max(r[1] for r in run)))
            run = []
    return pieces


def same(a, b) -> bool:
    """The same pieces of ink, each within a pixel."""
    if a is None or b is None:
        return a is b
    return len(a) == len(b) and all(abs(p - q) <= 1 for pa, pb in zip(a, b) for p, q in zip(pa, pb))


def main() -> int:
    from playwright.sync_api import sync_playwright

    mismatches = 0
    with sync_playwright() as play:
        browser = play.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 900, "height": 600}, device_scale_factor=3)
        for family, quirks in V.FAMILIES.items():
            for quirk in quirks:
                for figure, text in SAMPLES.items():
                    if not V.applies(quirk[2], figure):
                        continue
                    html = ('<html><head><meta charset="utf-8">'
                            "<style>td{font-size:16px;padding:4px;font-family:sans-serif}</style>"
                            f'{V.head([quirk])}</head><body><div id="report"><table border="0"><tr>'
                            f'<td id="dressed">{V.dressed(text, quirk, figure)}</td>'
                            f'<td id="plain">{text}</td></tr></table></div></body></html>')
                    page.set_content(html)
                    dressed = ink(page.locator("#dressed").screenshot())
                    plain = ink(page.locator("#plain").screenshot())
                    shows_plain = same(dressed, plain)
                    expected = quirk[2] in ("hidden", "shown")
                    ok = shows_plain == expected
                    mismatches += not ok
                    print(f"{'ok ' if ok else 'BAD'} {family:18} {quirk[2]:12} {'figure' if figure else 'label ':6} "
                          f"shows {'only the text' if shows_plain else 'more than the text'}: {quirk[1]!r} {quirk[0]!r}")
        browser.close()
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
