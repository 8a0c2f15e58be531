"""Shared helpers for the parser tests: fixture paths and the hand-written expectations.

Expected records live in tests/parsers/expected/*.yaml, written by reading each fixture by
hand. `t3` rows list the seven columns in printed order; `t4` lists the 15 numbers in printed
order (复议 ×5, 直接起诉 ×5, 复议后起诉 ×5); `t4: null` means the table is absent.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
EXPECTED = Path(__file__).resolve().parent / "expected"
# Helpers beside the tests (hostile.py, renderings.py, flat_reports.py) import by name, here and in
# the test modules: importlib mode puts no test dir on the path.
sys.path.insert(0, str(Path(__file__).resolve().parent))
import flat_reports as FLAT_REPORTS  # noqa: E402
import renderings as RENDERINGS  # noqa: E402

T3_COLUMNS = ["natural", "commercial", "research", "social", "legal", "other_org", "total"]
T4_KEYS = [f"t4.{r}.{c}" for r in ("review", "suit_direct", "suit_after_review")
           for c in ("upheld", "corrected", "other", "pending", "total")]


SEEDS = sorted(p.name for p in EXPECTED.glob("seed_0*.yaml"))


def pytest_generate_tests(metafunc):
    """`expected_name` runs a test once per expectation file, `seed_name` once per seed's,
    `style` once per rendering style (renderings.py)."""
    if "expected_name" in metafunc.fixturenames:
        metafunc.parametrize("expected_name", sorted(p.name for p in EXPECTED.glob("*.yaml")))
    if "seed_name" in metafunc.fixturenames:
        metafunc.parametrize("seed_name", SEEDS)
    if "style" in metafunc.fixturenames:
        metafunc.parametrize("style", RENDERINGS.STYLES)


def screenshot(html: str):
    """The page as headless Chromium draws it (a PIL image), cut to its ink: report tables
    printed as pictures for the OCR tests."""
    from PIL import Image, ImageOps
    with tempfile.TemporaryDirectory() as work:
        page, shot = Path(work) / "page.html", Path(work) / "shot.png"
        page.write_text(html, "utf-8")
        subprocess.run(["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        f"--user-data-dir={work}/profile", f"--screenshot={shot}", "--window-size=1200,3000",
                        str(page)], check=True, capture_output=True, timeout=120)
        image = Image.open(shot).convert("RGB")
    box = ImageOps.invert(image.convert("L")).getbbox()
    return image.crop((0, 0, image.width, box[3] + 20))


@pytest.fixture
def renderings():
    """tests/parsers/renderings.py: a report's cells printed the ways people print them."""
    return RENDERINGS


def load_expected(name: str) -> dict:
    return yaml.safe_load((EXPECTED / name).read_text("utf-8"))


def expected_cells(expected: dict) -> dict:
    cells = {f"t2.{key}": value for key, value in (expected.get("t2") or {}).items()}
    for row, values in (expected.get("t3") or {}).items():
        assert len(values) == 7, row
        cells.update({f"t3.{row}.{c}": v for c, v in zip(T3_COLUMNS, values)})
    if expected.get("t4") is not None:
        assert len(expected["t4"]) == 15
        cells.update(dict(zip(T4_KEYS, expected["t4"])))
    return cells


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def case(expected_name):
    """(expected, report) for one expectation file: the fixture parsed as the crawler would."""
    expected = load_expected(expected_name)
    expected["cells"] = expected_cells(expected)
    return expected, _parsed(expected_name)


@lru_cache(maxsize=None)
def _parsed(expected_name: str):
    """Each fixture parsed once for all the tests reading it (PDFs take a second or two)."""
    from parsers import parse

    expected = load_expected(expected_name)
    path = FIXTURES / expected["file"]
    return parse(path.read_bytes(), filename=path.name, url=expected.get("url"),
                 content_type=expected.get("content_type"))


@pytest.fixture
def case_of_seed(seed_name, expected_record):
    """(expected, cells) of one seed's hand-checked expectation file."""
    return expected_record(seed_name)


@pytest.fixture(scope="session")
def flat_reports():
    """tests/parsers/flat_reports.py (consistent reports rendered as flattened text), as a module."""
    return FLAT_REPORTS


@pytest.fixture(scope="session")
def expected_record():
    """name → (expectation, cells) of a file in tests/parsers/expected."""
    def load(name: str) -> tuple[dict, dict]:
        expected = load_expected(name)
        return expected, expected_cells(expected)
    return load
