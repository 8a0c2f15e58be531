"""OCR front-end: page images in (a scanned PDF's pages, the scanned pages of a PDF with text, a
PNG or JPEG, a report's table pictures), the same `Document` the other front-ends make out (for
some pages, each page's blocks, which the caller puts in their place: `PagesRead`).

A ruled table is rebuilt from its ruling lines: the grid of horizontal and vertical lines, a
missing line between two grid cells meaning one merged cell, whose text is copied into every
grid cell it covers (as the HTML front-end expands spans). Each cell's ink is recognised on its
own, line by line, so a lone "0" in a wide grid is not lost by the text detector. Text outside
the tables is detected and recognised as lines, one paragraph each.

Trust: every cell carries a confidence: for a number, the probability the recogniser gives that
number (look-alikes such as "o" for 0 counting as it), else the engine's score. A value row is kept as read when its own
arithmetic holds (the last number is the sum of the others: the t3 总计 of the six applicant
columns, a t4 group's 总计 of its four results) or when every value in it was read with high
confidence; otherwise its uncertain cells are marked `UNREAD` (absent, never a guess) and the
document gets an OCR_UNCERTAIN problem, so what is missing is no evidence against the agency.

The engine (RapidOCR's ONNX models, shipped in the `rapidocr-onnxruntime` wheel: nothing is
downloaded at run time) is an optional import behind `Engine`; without it the document is
`unreadable` with OCR_UNAVAILABLE. Cost is bounded: pages per document, a working resolution and
a time limit per document.
"""
from __future__ import annotations

import io
import re
import time
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Iterator, Protocol

from parsers.document import UNREAD, Document, Paragraph, Table
from parsers.spans import merged_spans
from parsers.values import is_blank

MAX_PAGES = 12              # a report's tables fit in a handful of pages; scans are costly
WORKING_WIDTH = 1400        # pixels: enough for 10-pt digits on an A4 page, bounded cost
PDF_RESOLUTION = 150        # dpi a scanned PDF page is rendered at (A4 → 1240 px wide)
TIME_LIMIT = 240.0          # seconds per document; pages past it are skipped (PAGE_LIMIT)
MAX_PIXELS = 40_000_000     # a larger picture is no page scan (and would cost too much to decode)
BAND_HEIGHT = 1.5           # text is detected in bands at most this many widths high (the
                            # detector shrinks a taller image until its text is lost)
CONFIDENT = 0.97            # a cell read at least this sure needs no arithmetic to be kept
MIN_PARTS = 4               # a row total checked has this many parts at least (t4: 4, t3: 6; t2 none)
INSTALL_HINT = "pip install 'nianjian[ocr]'"

# What an engine may read for a digit (or a minus sign) in a cell that is otherwise a number.
_DIGIT_LOOKALIKES = str.maketrans({"o": "0", "O": "0", "〇": "0", "D": "0", "l": "1", "I": "1", "|": "1",
                                   "一": "-", "—": "-", "–": "-"})
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_NUMBERISH = re.compile(r"[-\d.,oO〇DlI|]+")


@dataclass
class Line:
    """A line of text the engine found on a page: its box in page pixels."""
    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    confidence: float


class Engine(Protocol):
    def lines(self, image) -> list[Line]:
        """Find and read every text line of an RGB image (numpy array)."""

    def read(self, crops: list) -> list[tuple[str, float]]:
        """Read images each holding one line of text: (text, confidence) for each."""


class RapidEngine:
    """RapidOCR with the PP-OCR models its wheel ships (Simplified Chinese and digits)."""

    def __init__(self):
        from rapidocr_onnxruntime import RapidOCR
        self._ocr = RapidOCR()
        self._recogniser = RapidRecogniser(self._ocr)

    def lines(self, image) -> list[Line]:
        found, _ = self._ocr(image)
        out = []
        for box, text, score in found or []:
            xs, ys = [p[0] for p in box], [p[1] for p in box]
            out.append(Line(min(xs), min(ys), max(xs), max(ys), text, float(score)))
        return out

    def read(self, crops: list) -> list[tuple[str, float]]:
        """The recogniser's reading of each crop. A reading that is a number is scored by the
        probability the model gives that number (`_number_probability`), other text by the
        engine's own score."""
        classes = _digit_classes(self._recogniser.characters)
        out: list[tuple[str, float]] = [("", 0.0)] * len(crops)
        for i, frames, text, score in self._recogniser.readings(crops):
            if _is_number(text.strip()):
                score = _number_probability(frames, [classes[c] for c in text.strip()], classes[" "])
            out[i] = (text, float(score))
        return out


class RapidRecogniser:
    """The one place that reaches into RapidOCR's internals, written against those of
    rapidocr-onnxruntime 1.4.4 (pyproject.toml keeps it below 1.5; tests/parsers/
    test_ocr_engine.py checks them on the version installed). RapidOCR's public call gives a
    crop's text and score only; the score of a number needs the recogniser's probabilities
    frame by frame, so its recogniser (`RapidOCR.text_rec`) is driven here as it drives
    itself: crops sorted by width/height, `rec_batch_num` at a time, each batch resized
    (`resize_norm_img`) to its widest crop but no narrower than `rec_image_shape`'s
    (channels, height, width), run through the ONNX `session` (whose first output holds each
    frame's probabilities over the classes) and decoded by `postprocess_op` (CTC, greedy),
    whose `character` list names the classes (0: CTC's blank)."""

    def __init__(self, ocr):
        self._recognizer = ocr.text_rec

    @property
    def characters(self) -> tuple[str, ...]:
        """The recogniser's classes by index: 0 is CTC's blank."""
        return tuple(self._recognizer.postprocess_op.character)

    def readings(self, crops: list) -> Iterator[tuple[int, object, str, float]]:
        """For each crop (an RGB image of one line of text): (its index in `crops`, its frames'
        probabilities over the classes (frames × classes), the text read, the engine's score)."""
        import numpy as np
        recognizer = self._recognizer
        _, height, width = recognizer.rec_image_shape
        order = sorted(range(len(crops)), key=lambda i: crops[i].shape[1] / crops[i].shape[0])
        for start in range(0, len(order), recognizer.rec_batch_num):
            batch = order[start:start + recognizer.rec_batch_num]
            ratio = max([width / height] + [crops[i].shape[1] / crops[i].shape[0] for i in batch])
            images = np.stack([recognizer.resize_norm_img(crops[i], ratio) for i in batch]).astype(np.float32)
            frames = recognizer.session(images)[0]
            for i, probabilities, (text, score) in zip(batch, frames, recognizer.postprocess_op(frames)):
                yield i, probabilities, text, score


@lru_cache(maxsize=1)
def _digit_classes(characters: tuple[str, ...]) -> dict[str, list[int]]:
    """For each character a number is written with, the recogniser's characters that stand for
    it in a cell of numbers: itself, its full-width form, its look-alikes ("o", "O", "〇" for 0);
    and for " " the spaces."""
    classes: dict[str, list[int]] = {c: [] for c in "0123456789.-, "}
    for index, character in enumerate(characters):
        meant = unicodedata.normalize("NFKC", character).translate(_DIGIT_LOOKALIKES)
        if meant in classes and index:          # index 0 is CTC's blank
            classes[meant].append(index)
    return classes


def _number_probability(frames, label: list[list[int]], spaces: list[int]) -> float:
    """The probability the recogniser gives a number (CTC forward sum over its frames): the
    mass of every frame path that spells it, a character's look-alikes counting as it and
    spaces before or after it as nothing (the cell's text is stripped). The
    engine's own score (the mean of each character's best frame) is low for a lone "0", whose
    mass is split between "0", "o" and "O", and for "11", whose second frame may be blank or
    "1" alike; neither changes the number read."""
    import numpy as np
    blank = frames[:, 0]                    # CTC's blank
    spelled = np.stack([frames[:, columns].sum(axis=1) for columns in label], axis=1)
    states = 2 * len(label) + 1             # blank, char 1, blank, char 2, …, blank
    # a jump over a blank is allowed between two different characters only
    skip = np.zeros(states, dtype=bool)
    skip[3::2] = [label[k] != label[k - 1] for k in range(1, len(label))]
    edge = blank + frames[:, spaces].sum(axis=1)     # before the first character, after the last
    alpha = np.zeros(states)
    alpha[0], alpha[1] = edge[0], spelled[0, 0]
    for t in range(1, len(frames)):
        previous = alpha.copy()
        previous[1:] += alpha[:-1]
        previous[2:] += np.where(skip[2:], alpha[:-2], 0.0)
        emit = np.empty(states)
        emit[0::2], emit[1::2] = blank[t], spelled[t]
        emit[0] = emit[-1] = edge[t]
        alpha = previous * emit
    return float(min(1.0, alpha[-1] + alpha[-2]))


@lru_cache(maxsize=1)
def engine() -> Engine | None:
    """The OCR engine, or None when it is not installed (loaded once: the models take a second)."""
    try:
        return RapidEngine()
    except ImportError:
        return None


def unavailable() -> tuple[str, str]:
    return ("OCR_UNAVAILABLE", f"OCR is not installed; {INSTALL_HINT} to read scans and table images")


# ---------------------------------------------------------------- inputs
@dataclass
class PagesRead:
    """What OCR read of some pages: each page's blocks by page number, and the problems."""
    blocks: dict[int, list] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)

    def document(self) -> Document:
        return Document(blocks=[b for number in sorted(self.blocks) for b in self.blocks[number]],
                        problems=self.problems)


def read_image(data: bytes) -> Document:
    """A PNG or JPEG (a scanned page, a table published as a picture)."""
    return read_pictures([data]).document()


def read_pictures(pictures: Iterable[bytes]) -> PagesRead:
    """PNG or JPEG files read as the pages of one document (a report page's tables published as
    pictures), numbered from 1 in the order given; one that cannot be decoded is a problem, the
    others are read."""
    from PIL import Image
    images, problems = [], []
    for number, data in enumerate(pictures, 1):
        try:
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > MAX_PIXELS:
                problems.append(("UNREADABLE_FILE", f"image {number} of {image.width}×{image.height} pixels "
                                                    "is too large to be a page"))
                continue
            image.load()
        except Exception as exc:  # PIL raises many types on damaged images
            problems.append(("UNREADABLE_FILE", f"image could not be decoded (picture {number}): "
                                                f"{type(exc).__name__}: {exc}"))
            continue
        images.append((number, image))
    read = _read_numbered(images) if images else PagesRead()
    read.problems[:0] = problems
    return read


def read_scanned_pdf(data: bytes) -> Document:
    """A PDF without a text layer: each page rendered to an image and read."""
    return read_pdf_pages(data).document()


def read_pdf_pages(data: bytes, numbers: list[int] | None = None) -> PagesRead:
    """Pages of a PDF (numbers from 1; all when None) rendered and read: a scanned PDF, or the
    scanned pages of a PDF whose other pages have text."""
    import pypdfium2
    if engine() is None:
        return PagesRead(problems=[unavailable()])
    pdf = pypdfium2.PdfDocument(data)
    try:
        wanted = numbers if numbers is not None else list(range(1, len(pdf) + 1))
        images = [(n, pdf[n - 1].render(scale=PDF_RESOLUTION / 72).to_pil()) for n in wanted[:MAX_PAGES]]
    finally:
        pdf.close()
    read = _read_numbered(images)
    if len(wanted) > MAX_PAGES:
        read.problems.append(("PAGE_LIMIT", f"only the first {MAX_PAGES} of {len(wanted)} scanned pages were read"))
    return read


def _read_numbered(images: Iterable[tuple[int, object]]) -> PagesRead:
    """(page number, PIL image) pairs read within the caps (MAX_PAGES, TIME_LIMIT)."""
    ocr = engine()
    if ocr is None:
        return PagesRead(problems=[unavailable()])
    read = PagesRead()
    started = time.monotonic()
    uncertain: list[str] = []
    for count, (number, image) in enumerate(images, 1):
        if count > MAX_PAGES or time.monotonic() - started > TIME_LIMIT:
            read.problems.append(("PAGE_LIMIT", f"OCR stopped before page {number} "
                                                f"(at most {MAX_PAGES} pages, {TIME_LIMIT:.0f} s per document)"))
            break
        try:
            blocks, doubts = _read_page(ocr, _working_image(image))
        except Exception as exc:  # one odd page (an engine or OpenCV failure) costs that page only
            read.problems.append(("UNREADABLE_FILE", f"page {number} could not be read by OCR: "
                                                     f"{type(exc).__name__}: {exc}"))
            continue
        read.blocks[number] = blocks
        uncertain += [f"p{number} {d}" for d in doubts]
    if uncertain:
        read.problems.append(("OCR_UNCERTAIN", f"{len(uncertain)} cells read by OCR were not sure and "
                                               "failed their row's arithmetic, left out: " + "; ".join(uncertain[:20])))
    if any(read.blocks.values()):
        pages = ", ".join(str(n) for n, blocks in read.blocks.items() if blocks)
        read.problems.append(("OCR_READ", f"read by OCR from page images (pages {pages}): values kept only where sure"))
    return read


def _working_image(image):
    from PIL import Image
    image = image.convert("RGB")
    if image.width > WORKING_WIDTH:
        image = image.resize((WORKING_WIDTH, round(image.height * WORKING_WIDTH / image.width)), Image.LANCZOS)
    return image


# ---------------------------------------------------------------- one page
def _read_page(ocr: Engine, image) -> tuple[list, list[str]]:
    import numpy as np
    rgb = _deskewed(_unstamped(np.asarray(image)))
    gray = rgb.min(axis=2)
    ink = (gray < 160).astype(np.uint8)
    grids = _grids(ink)
    placed: list[tuple[float, object]] = []
    doubts: list[str] = []
    text_only = rgb.copy()
    for grid in grids:
        table, table_doubts = _read_grid(ocr, rgb, ink, grid)
        placed.append((grid.y0, table))
        doubts += table_doubts
        text_only[grid.y0:grid.y1 + 1, grid.x0:grid.x1 + 1] = 255    # the rest of the page is prose
    text_ink = (text_only.min(axis=2) < 160).astype(np.uint8)
    found = _detect(ocr, text_only, text_ink)
    for y, block, block_doubts in _unruled(ocr, text_only, text_ink, _text_lines(found)):
        placed.append((y, block))
        doubts += block_doubts
    placed.sort(key=lambda item: item[0])
    return [block for _, block in placed], doubts


def _detect(ocr: Engine, rgb, ink) -> list[Line]:
    """The text lines of a page, found band by band down a long picture, each band cut where
    a row holds no ink (so no line is cut in two)."""
    height, width = ink.shape
    inked = ink.any(axis=1)
    lines, top = [], 0
    while top < height:
        bottom = min(height, top + int(width * BAND_HEIGHT))
        if bottom < height:
            blank = [y for y in range(bottom, top + (bottom - top) // 2, -1) if not inked[y]]
            bottom = blank[0] if blank else bottom
        if inked[top:bottom].any():
            for line in ocr.lines(rgb[top:bottom]):
                line.y0, line.y1 = line.y0 + top, line.y1 + top
                lines.append(line)
        top = bottom
    return lines


def _unstamped(rgb):
    """The page without its red seal: red ink is seen through its red channel, as through a red
    filter, so a seal on white paper turns pale and what it covers stays dark. (A title
    printed red is lost the same way: the report is then without title, never misread.)"""
    import numpy as np
    rgb = np.asarray(rgb)
    channels = rgb.astype(np.int16)
    red = channels[:, :, 0] - np.maximum(channels[:, :, 1], channels[:, :, 2]) > 60
    if not red.any():
        return rgb
    out = rgb.copy()
    out[red] = rgb[red][:, :1]
    return out


def _deskewed(rgb):
    """The page turned straight when its lines lean (a scan put in slightly askew): the turn,
    within ±3°, that makes the page's rows of ink sharpest (the variance of ink per pixel row
    greatest), as a reader squares the page. Long strokes alone mislead: a row of figures
    looks like a slanted line, and a straight page was turned by 1.4°."""
    import cv2
    import numpy as np
    ink = (rgb.min(axis=2) < 160).astype(np.float32)
    small = cv2.resize(ink, (ink.shape[1] // 2, ink.shape[0] // 2), interpolation=cv2.INTER_AREA)
    centre = (small.shape[1] / 2, small.shape[0] / 2)

    def sharpness(angle: float) -> float:
        turned = cv2.warpAffine(small, cv2.getRotationMatrix2D(centre, angle, 1.0), small.shape[::-1])
        return float(turned.sum(axis=1).var())

    coarse = max(np.arange(-3.0, 3.01, 0.25), key=sharpness)
    angle = float(max(np.arange(coarse - 0.2, coarse + 0.21, 0.05), key=sharpness))
    if abs(angle) < 0.15:
        return rgb
    centre = (rgb.shape[1] / 2, rgb.shape[0] / 2)
    matrix = cv2.getRotationMatrix2D(centre, angle, 1.0)
    return cv2.warpAffine(rgb, matrix, (rgb.shape[1], rgb.shape[0]), flags=cv2.INTER_LINEAR,
                          borderValue=(255, 255, 255))


@dataclass
class _Grid:
    x0: int
    y0: int
    x1: int
    y1: int
    xs: list[int]       # vertical ruling lines, left to right
    ys: list[int]       # horizontal ruling lines, top to bottom
    across: object      # the horizontal-line mask
    down: object        # the vertical-line mask


def _grids(ink) -> list[_Grid]:
    """The ruled tables of a page: connected figures of long horizontal and vertical lines."""
    import cv2
    height, width = ink.shape
    across = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(25, width // 35), 1)))
    down = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(15, width // 60))))
    ruling = cv2.dilate(across | down, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5)))
    count, _, stats, _ = cv2.connectedComponentsWithStats(ruling, connectivity=8)
    grids = []
    for label in range(1, count):
        x, y, w, h, _ = stats[label]
        if w < width // 8 or h < 15:
            continue
        ys = _positions(across[y:y + h, x:x + w].any(axis=1), y)
        xs = _positions(down[y:y + h, x:x + w].any(axis=0), x)
        if len(ys) >= 2 and len(xs) >= 2:
            grids.append(_Grid(x, y, x + w - 1, y + h - 1, xs, ys, across, down))
    return sorted(grids, key=lambda g: g.y0)


def _marks(xs: list[int], start: int, end: int) -> list[bool]:
    """The pixels from start to end, marked where one of xs falls."""
    marked = [False] * (end - start + 1)
    for x in xs:
        marked[x - start] = True
    return marked


def _positions(marked, offset: int, apart: int = 8) -> list[int]:
    """Centres of the runs of marked rows (or columns): one per ruling line, runs closer than
    `apart` pixels being one scanned line."""
    runs: list[list[int]] = []
    for i, on in enumerate(marked):
        if not on:
            continue
        if runs and i - runs[-1][1] <= apart:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    return [offset + (start + end) // 2 for start, end in runs]


def _read_grid(ocr: Engine, rgb, ink, grid: _Grid) -> tuple[Table, list[str]]:
    """The table inside one ruled grid. Each row band is cut at the vertical lines present in
    that band (so a colspan is one cell, and stacked tables of other widths keep their own
    cells); a cell whose top line is missing continues the cell above it (a rowspan)."""
    bands = list(zip(grid.ys, grid.ys[1:]))
    # the vertical lines crossing each band, found in the band itself, then snapped to the
    # table's columns (lines a few pixels apart in different bands are one column); a cell is
    # still cut at its own lines, or a neighbouring table's line a few pixels off is read as a "1"
    crossing = [_positions(grid.down[top + 3:bottom - 2, grid.x0:grid.x1 + 1].mean(axis=0) > 0.9, grid.x0, 3)
                for top, bottom in bands]
    columns = _positions(_marks([x for edges in crossing for x in edges], grid.x0, grid.x1), grid.x0)
    # [left column, top, right column, bottom, first row, last row, left line, right line]
    regions: list[list[int]] = []
    above: dict[tuple[int, int], list[int]] = {}
    for r, (top, bottom) in enumerate(bands):
        lines = {min(columns, key=lambda c: abs(c - x)): x for x in reversed(crossing[r])}
        edges = sorted(lines)
        current = {}
        for left, right in zip(edges, edges[1:]):
            region = above.get((left, right))
            if region is not None and not _ruled(grid.across[top - 2:top + 3, left + 3:right - 2].any(axis=0)):
                region[3], region[5] = bottom, r
            else:
                region = [left, top, right, bottom, r, r, lines[left], lines[right]]
                regions.append(region)
            current[(left, right)] = region
        above = current
    crops, owners = [], []
    for at, (_, top, _, bottom, _, _, left, right) in enumerate(regions):
        for crop in _ink_lines(rgb, ink, left + 3, top + 3, right - 2, bottom - 2):
            crops.append(crop)
            owners.append(at)
    texts: dict[int, list[str]] = {}
    sure: dict[int, float] = {}
    for at, (text, score) in zip(owners, ocr.read(crops)):
        texts.setdefault(at, []).append(text.strip())
        sure[at] = min(sure.get(at, 1.0), score)
    rows = len(bands)
    grid_text = [[""] * (len(columns) - 1) for _ in range(rows)]
    origin = [[False] * (len(columns) - 1) for _ in range(rows)]
    confidence = [[1.0] * (len(columns) - 1) for _ in range(rows)]
    for at, (left, _, right, _, first, last, _, _) in enumerate(regions):
        text, score = "".join(texts.get(at, [])), sure.get(at, 1.0)
        if at in texts:
            text, score = _as_value(text, score)
        spanned = range(columns.index(left), columns.index(right))
        for r in range(first, last + 1):
            for c in spanned:
                grid_text[r][c], confidence[r][c] = text, score
        origin[first][spanned[0]] = True
    for r, (top, bottom) in enumerate(bands):      # ink in no cell (past a narrower table's edge)
        for c, (left, right) in enumerate(zip(columns, columns[1:])):
            if not any(region[4] <= r <= region[5] and region[0] <= left and right <= region[2]
                       for region in regions) and _text_ink(grid, ink, left, top, right, bottom):
                grid_text[r][c], origin[r][c] = UNREAD, True
    doubts = _distrust(grid_text, confidence, origin)
    return Table(rows=grid_text, origin=origin), doubts


def _text_ink(grid: _Grid, ink, left: int, top: int, right: int, bottom: int) -> bool:
    """Whether there is ink other than ruling lines inside a box."""
    inside = (slice(top + 3, bottom - 2), slice(left + 3, right - 2))
    return bool((ink[inside] & ~grid.down[inside] & ~grid.across[inside]).any())


def _as_value(text: str, score: float) -> tuple[str, float]:
    """The text read from a cell with ink, and how sure: ink read as nothing is UNREAD (no
    blank), a digit read as a letter ("o" for 0) is fixed but unsure (kept only if its row adds up)."""
    if not text:
        return UNREAD, score
    if _NUMBERISH.fullmatch(text) and not _is_number(text):
        fixed = text.translate(_DIGIT_LOOKALIKES)
        if _is_number(fixed):
            return fixed, 0.0
    return text, score


def _ruled(marked, share: float = 0.5) -> bool:
    return len(marked) > 0 and marked.mean() > share


def _ink_lines(rgb, ink, x0: int, y0: int, x1: int, y1: int) -> list:
    """The lines of ink inside a cell, each cut out with a white margin, top to bottom."""
    import numpy as np
    if x1 <= x0 or y1 <= y0:
        return []
    area = ink[y0:y1, x0:x1]
    rows = area.any(axis=1)
    out, start = [], None
    for i, on in enumerate(list(rows) + [False]):
        if on and start is None:
            start = i
        elif not on and start is not None:
            if i - start >= 3:      # specks and stray ruling are no text
                band = area[start:i]
                columns = np.flatnonzero(band.any(axis=0))
                left, right = x0 + columns[0], x0 + columns[-1] + 1
                crop = rgb[y0 + start:y0 + i, left:right]
                out.append(np.pad(crop, ((6, 6), (6, 6), (0, 0)), constant_values=255))
            start = None
    return out


def _distrust(rows: list[list[str]], confidence: list[list[float]], origin: list[list[bool]],
              ruled: bool = True) -> list[str]:
    """Mark UNREAD the unsure cells of each value row whose own arithmetic does not hold.
    Unsure: read below CONFIDENT, or anything but a number in a row of numbers (a speck read
    as "·", a "1" read as "一" would otherwise be a placeholder: a blank that is a wrong cell).
    Without ruling (`ruled=False`) the columns are only guessed from positions (two numbers
    set close may be read as one, sure of itself): a row with a total that does not add up
    loses all its values."""
    doubts = []
    for r, row in enumerate(rows):
        numbers = [c for c, text in enumerate(row) if c and origin[r][c] and _is_number(text)]
        # without a number, a placeholder ("-", "一") read unsure may be a digit cut or faint
        first = numbers[0] if numbers else next(
            (c for c, text in enumerate(row) if c and origin[r][c] and text and (is_blank(text) or not ruled)), None)
        if first is None:
            continue
        # without ruling every column but the label's is a value column
        values = [c for c in range(first if ruled else 1, len(row)) if origin[r][c]]
        unsure = [c for c in values if row[c] and (confidence[r][c] < CONFIDENT or not _is_number(row[c]))]
        checkable = len(values) >= MIN_PARTS + 1
        if not ruled and checkable:
            unsure = [c for c in values if row[c]]
        if not unsure or _adds_up([row[c] for c in values]):
            continue
        label = next((text for text in row[:first] if text), f"row {r + 1}")
        for c in unsure:
            doubts.append(f"{label[:24]} col {c + 1} {row[c]!r} ({confidence[r][c]:.2f})")
            row[c] = UNREAD
    return doubts


def _is_number(text: str) -> bool:
    """A number as offices print it: "02" is none (two cells' digits run together)."""
    text = text.replace(",", "")
    return bool(_NUMBER.fullmatch(text)) and not re.match(r"-?0\d", text)


def _adds_up(texts: list[str]) -> bool:
    """Whether the last number of a row is the sum of the others (blanks are 0)."""
    if len(texts) < MIN_PARTS + 1 or any(t and not _is_number(t) for t in texts):
        return False
    numbers = [float(t.replace(",", "")) if t else 0.0 for t in texts]
    return abs(sum(numbers[:-1]) - numbers[-1]) < 1e-6


def _text_lines(found: list[Line]) -> list[list[Line]]:
    """Boxes grouped into printed lines (boxes whose middles share a band), left to right."""
    lines: list[list[Line]] = []
    for box in sorted(found, key=lambda b: (b.y0 + b.y1) / 2):
        middle = (box.y0 + box.y1) / 2
        if lines and abs(middle - _middle(lines[-1])) < (box.y1 - box.y0) / 2:
            lines[-1].append(box)
        else:
            lines.append([box])
    for line in lines:
        line.sort(key=lambda b: b.x0)
    return lines


def _unruled(ocr: Engine, rgb, ink, lines: list[list[Line]]) -> list[tuple[float, object, list[str]]]:
    """(top, block, doubts) for the text outside ruled tables. A line that ends in numbers set
    apart from its label is a table row; a line of numbers alone, and the label lines set closer
    to it than rows are set (a label wrapped onto two lines, the numbers set level with either
    or between them), are one row. A run of rows is a table; so is a single row under a header
    whose column labels stand over its numbers (a one-row t2 table). Every other line is a
    paragraph."""
    _read_missed(ocr, rgb, ink, lines)
    rows = _rows(ink, lines)
    out: list[tuple[float, object, list[str]]] = []
    used: set[int] = {i for row in rows for i in row.lines}
    run: list[_Row] = []

    def flush():
        if not run:
            return
        columns = _header_columns(ink, lines, run, used)
        if len(run) >= 2 or columns is not None:
            table, doubts = _column_table(ocr, rgb, ink, run, columns)
            out.append((run[0].top, table, doubts))
        else:
            out.extend((min(b.y0 for b in lines[i]), Paragraph(" ".join(b.text for b in lines[i])), [])
                       for i in run[0].lines)
        run.clear()

    starts = {row.lines[0]: row for row in rows}
    for i, line in enumerate(lines):
        if i in starts:
            run.append(starts[i])
        elif i not in used:
            flush()
            out.append((min(b.y0 for b in line), Paragraph(" ".join(b.text for b in line)), []))
    flush()
    return out


@dataclass
class _Row:
    """A table row without ruling: its label (joined from its lines) and its numbers' boxes."""
    label: str
    label_right: float      # where the label's text ends
    values: list[Line]
    top: float
    bottom: float           # of the numbers' line
    lines: list[int]        # the printed lines it is made of, top to bottom


def _middle(line: list[Line]) -> float:
    return sum((b.y0 + b.y1) / 2 for b in line) / len(line)


def _height(line: list[Line]) -> float:
    return sorted(b.y1 - b.y0 for b in line)[len(line) // 2]


def _numeric(box: Line) -> bool:
    """A box that reads as a number, a digit's look-alike counting (a "0" read as "o" still
    stands in a value column; its cell is read again)."""
    return _is_number(box.text.replace(" ", "").translate(_DIGIT_LOOKALIKES))


def _read_missed(ocr: Engine, rgb, ink, lines: list[list[Line]]) -> None:
    """Ink on a printed line that the detector found no box for (it loses lone digits set far
    from the rest, a one-row table's "3"), read on its own and added to the line."""
    missed, owners = [], []
    for line in lines:
        top, bottom = int(min(b.y0 for b in line)), int(max(b.y1 for b in line)) + 1
        whole = Line(0, top, ink.shape[1] - 1, bottom - 1, "", 1.0)
        for x0, x1 in _ink_runs(ink, whole):
            area = ink[top:bottom, x0:x1 + 1]
            inked = area.any(axis=1)
            # whole glyphs only: ink touching the band's edge is a neighbouring line's
            if any(b.x0 - 2 <= x1 and x0 <= b.x1 + 2 for b in line) or inked[0] or inked[-1] \
                    or inked.sum() * 3 < bottom - top:
                continue
            for crop in _ink_lines(rgb, ink, x0, top, x1 + 1, bottom)[:1]:
                missed.append(crop)
                owners.append((line, Line(x0, top, x1, bottom - 1, "", 1.0)))
    for (line, box), (text, score) in zip(owners, ocr.read(missed)):
        if text.strip():
            box.text, box.confidence = text.strip(), score
            line.append(box)
            line.sort(key=lambda b: b.x0)


def _stray_glyph(box: Line) -> bool:
    """One character that is no Chinese word: among numbers, a digit misread ("の" for 0); its
    cell is read again, and what is still no number is left out."""
    text = box.text.strip()
    return len(text) == 1 and not unicodedata.name(text, "").startswith("CJK UNIFIED")


def _rows(ink, lines: list[list[Line]]) -> list[_Row]:
    """The table rows among printed lines: a line ending in numbers, with the label lines next
    to it (above or below) that stand left of its numbers and closer than 1.5 text heights,
    middle to middle (the lines of one wrapped label are set closer than rows)."""
    valued = {}
    for i, line in enumerate(lines):
        if not _numeric(line[-1]):
            continue
        first = len(line)
        while first > 1 and (_numeric(line[first - 1]) or _stray_glyph(line[first - 1])):
            first -= 1
        if first == 1 and (_numeric(line[0]) or _stray_glyph(line[0])):
            first = 0
        valued[i] = first       # the numbers that end the line are its values

    def wraps(upper: list[Line], j: int) -> bool:
        """Whether a label line runs up to the first value column (where the numbers of the rows
        about line j start), as a label that wraps does."""
        start = min(lines[k][valued[k]].x0 for k in range(j - 3, j + 4) if k in valued)
        return bool(upper) and start - max(b.x1 for b in upper) < 3.5 * _height(upper)

    owner: dict[int, int] = {}
    for i, line in enumerate(lines):
        if i in valued:
            continue
        # the upper of the two label lines must run up to the numbers: this line above them, or
        # the label of the line of numbers above it (or the line over that, when it has none)
        upper = {i + 1: line, i - 1: lines[i - 1][:valued.get(i - 1, 0)] or (lines[i - 2] if i >= 2 else [])}
        near = [j for j in (i - 1, i + 1) if j in valued
                and all(b.x1 < lines[j][valued[j]].x0 for b in line)
                and abs(_middle(lines[j]) - _middle(line)) < 1.5 * _height(line) and wraps(upper[j], j)]
        if near:
            owner[i] = min(near, key=lambda j: (abs(_middle(lines[j]) - _middle(line)), -j))
    rows = []
    for j, first in valued.items():
        parts = sorted([i for i, o in owner.items() if o == j] + ([j] if first else []))
        label_boxes = [b for i in parts for b in (lines[i][:first] if i == j else lines[i])]
        if not label_boxes:
            continue            # numbers without a label are no row
        values = lines[j][first:]
        rows.append(_Row(label="".join(" ".join(b.text for b in (lines[i][:first] if i == j else lines[i]))
                                       for i in parts),
                         # a label box may run on into the numbers: the label ends at its first wide gap
                         label_right=max((_ink_runs(ink, b) or [(b.x0, b.x1)])[0][1] for b in label_boxes),
                         values=values,
                         top=min(b.y0 for i in parts for b in lines[i]), bottom=max(b.y1 for b in values),
                         lines=sorted(set(parts) | {j})))
    return sorted(rows, key=lambda row: row.lines[0])


def _header_columns(ink, lines: list[list[Line]], run: list[_Row], used: set[int]) -> list[list[float]] | None:
    """The value columns a run of rows takes from its header, as a reader takes them: the x
    extents of the column labels over the numbers (on up to three lines just above the first
    row; a label wrapped in its column is one column), each column reaching halfway to the
    next. None when there is no such header or a number does not stand under one label."""
    label_right = max(row.label_right for row in run)
    first = run[0].lines[0]
    boxes: list[Line] = []
    below = run[0].top
    for i in range(first - 1, max(-1, first - 4), -1):
        if i in used:
            break
        line = lines[i]
        if below - max(b.y1 for b in line) > 1.5 * _height(line):
            break
        right = [b for b in line if b.x0 > label_right]
        if any(_numeric(b) for b in right):
            break
        # the detector may take two column labels for one: split at wide gaps in their ink
        boxes += [Line(x0, b.y0, x1, b.y1, "", 1.0) for b in right for x0, x1 in _ink_runs(ink, b)]
        below = min(b.y0 for b in line)
    extents = merged_spans((box.x0, box.x1) for box in boxes)
    if not extents:
        return None
    edges = [(label_right + extents[0][0]) / 2] + [(a[1] + b[0]) / 2 for a, b in zip(extents, extents[1:])]
    columns = [[left, right] for left, right in zip(edges, edges[1:] + [float("inf")])]
    for row in run:
        taken = set()
        for box in row.values:
            inside = [c for c, (left, right) in enumerate(columns) if left <= box.x0 and box.x1 <= right]
            # one column each, one number a column, standing under its label (a one-row
            # table's only evidence); else the header is not this table's
            if len(inside) != 1 or inside[0] in taken or box.x1 < extents[inside[0]][0] \
                    or box.x0 > extents[inside[0]][1]:
                return None
            taken.add(inside[0])
    return columns


def _ink_runs(ink, box: Line) -> list[tuple[int, int]]:
    """The runs of ink across a detected box, split at gaps wider than half the text height:
    the detector often takes numbers of neighbouring columns for one."""
    top, bottom, left = int(box.y0), int(box.y1) + 1, max(0, int(box.x0))
    inked = ink[top:bottom, left:int(box.x1) + 1].any(axis=0)
    gap = max(4, (bottom - top) // 2)
    runs: list[list[int]] = []
    for x in [i for i, on in enumerate(inked) if on]:
        if runs and x - runs[-1][1] <= gap:
            runs[-1][1] = x
        else:
            runs.append([x, x])
    return [(left + a, left + b) for a, b in runs]


def _column_table(ocr: Engine, rgb, ink, run: list[_Row], columns: list[list[float]] | None) -> tuple[Table, list[str]]:
    """A table without ruling: value columns from its header (`_header_columns`), else the x
    ranges where numbers stand (ranges that overlap are one column). Each row's cell in each
    column is read again on its own, as in a ruled grid (the detector misses lone digits); no
    ink there is a blank."""
    spans = columns
    if spans is None:
        spans = merged_spans(piece for row in run for box in row.values if _numeric(box)
                             for piece in _ink_runs(ink, box))
    width = ink.shape[1]
    rows, crops, owners = [], [], []
    for r, row in enumerate(run):
        top, bottom = int(min(b.y0 for b in row.values)), int(row.bottom) + 1
        rows.append([row.label] + [""] * len(spans))
        for c, (x0, x1) in enumerate(spans, 1):
            left, right = (int(x0), int(min(x1, width))) if columns else (int(x0) - 2, int(x1) + 3)
            if row.label_right > left:
                rows[r][c] = UNREAD     # the label runs into this column: its cell may be hidden
                continue
            for crop in _ink_lines(rgb, ink, left, top, right, bottom):
                crops.append(crop)
                owners.append((r, c))
    confidence = [[1.0] * (len(spans) + 1) for _ in rows]
    for (r, c), (text, score) in zip(owners, ocr.read(crops)):
        rows[r][c] += text.strip()
        confidence[r][c] = min(confidence[r][c], score)
    for r, c in set(owners):
        rows[r][c], confidence[r][c] = _as_value(rows[r][c], confidence[r][c])
    origin = [[True] * len(row) for row in rows]
    return Table(rows=rows, origin=origin), _distrust(rows, confidence, origin, ruled=False)
