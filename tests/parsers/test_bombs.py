"""Decompression bombs and floods: small files that would inflate or lay out to gigabytes are
refused with one TOO_LARGE problem, and reading one stays under 300 MB of memory. The files
are made at test time (hostile.py).
"""
from __future__ import annotations

import io
import subprocess
import sys
import textwrap
import zipfile
import zlib
from pathlib import Path

import hostile
import pytest

from parsers import parse
from parsers.docx import MAX_PART_BYTES
from parsers.pdfguard import MAX_INFLATED_BYTES, MAX_STREAM_BYTES

HERE = Path(__file__).resolve().parent
PEAK_LIMIT_MB = 300
MIB = 1 << 20


def problems(data: bytes, filename: str) -> list[tuple[str, str]]:
    return [(p.code, p.detail) for p in parse(data, filename=filename).problems]


def test_pdf_stream_inflating_to_a_gibibyte_is_refused():
    data = hostile.pdf_stream_bomb()
    assert len(data) < 2 * MIB
    [(code, detail)] = problems(data, "bomb.pdf")
    assert code == "TOO_LARGE"
    assert f"inflates to more than {MAX_STREAM_BYTES // MIB} MB" in detail and "\n" not in detail


def test_pdf_streams_past_the_document_limit_are_refused():
    [(code, detail)] = problems(hostile.pdf_many_streams(), "many.pdf")
    assert code == "TOO_LARGE"
    assert f"more than {MAX_INFLATED_BYTES // MIB} MB" in detail


def test_run_length_streams_read_and_bombs_refused():
    report = parse(hostile.pdf([(hostile.run_length(hostile.TEXT), "RunLengthDecode")]),
                   filename="rl.pdf")
    assert "2023 annual report of a county" in report.narrative
    # 257 - 129 = 128 spaces from every two bytes
    bomb = b"\x81 " * ((MAX_STREAM_BYTES // 128) + 1024) + b"\x80"
    [(code, _)] = problems(hostile.pdf([(bomb, "RunLengthDecode")]), "rl-bomb.pdf")
    assert code == "TOO_LARGE"


def test_ordinary_flate_streams_still_read():
    packer = zlib.compressobj()
    stream = packer.compress(hostile.TEXT) + packer.flush()
    report = parse(hostile.pdf([(stream, "FlateDecode")]), filename="ok.pdf")
    assert "2023 annual report of a county" in report.narrative
    assert not [p for p in report.problems if p.code == "TOO_LARGE"]


def test_pages_drawing_too_many_objects_are_skipped(monkeypatch):
    monkeypatch.setattr("parsers.pdfguard.MAX_PAGE_OBJECTS", 2000)   # quick to lay out
    text = zlib.compress(hostile.TEXT)
    report = parse(hostile.pdf([(text, "FlateDecode"), (hostile.flood(2100), "FlateDecode")]),
                   filename="f.pdf")
    assert [(p.code, p.detail) for p in report.problems if p.code != "NOT_A_REPORT"] == [
        ("DENSE_PAGES", "skipped pages drawing more than 2000 objects: 2")]
    assert "2023 annual report of a county" in report.narrative
    [(code, detail)] = problems(hostile.pdf([(hostile.flood(2100), "FlateDecode")]), "flood.pdf")
    assert code == "TOO_LARGE" and "more than 2000 objects: 1" in detail


def test_docx_part_lying_about_its_size_is_refused():
    data = hostile.docx_lying_part()
    assert len(data) < 2 * MIB
    [(code, detail)] = problems(data, "bomb.docx")
    assert code == "TOO_LARGE"
    assert "word/document.xml (declared 4096 bytes)" in detail
    assert f"more than {MAX_PART_BYTES // MIB} MB" in detail


def test_docx_content_types_bomb_is_refused_not_missed():
    """A bomb in [Content_Types].xml: still told to be a DOCX (by its part names), then refused."""
    data = hostile.docx_lying_part("[Content_Types].xml")
    [(code, detail)] = problems(data, None)
    assert code == "TOO_LARGE" and "[Content_Types].xml" in detail


def test_docx_with_many_tiny_elements_is_refused():
    """Markup small in bytes but huge as a tree: 4 million empty paragraphs (~450 MB in lxml)."""
    body = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' \
           b"<w:body>" + b"<w:p/>" * 4_000_000 + b"</w:body></w:document>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(hostile.FILLED_DOCX) as source, \
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
    """Each bomb read in a child process: its peak resident memory (VmHWM) stays under
    300 MB, the interpreter and the libraries included. Before the limits: 2.1 GB.
    (benchmarks/hostile_bench.py prints the figures, for the object flood too.)"""
    child = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        sys.path.insert(0, {str(HERE)!r})
        from hostile import {bomb}
        from parsers import parse
        report = parse({bomb}(), filename={filename!r})
        # VmHWM: this process's own peak; ru_maxrss would carry the forking pytest's over exec
        peak = next(line.split()[1] for line in Path("/proc/self/status").read_text().splitlines()
                    if line.startswith("VmHWM"))
        print(report.problems[0].code, peak)
    """)
    result = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True,
                            timeout=300, cwd=HERE.parent.parent)
    assert result.returncode == 0, result.stderr
    code, peak_kb = result.stdout.split()
    assert code == "TOO_LARGE"
    assert int(peak_kb) / 1024 < PEAK_LIMIT_MB, f"peak {int(peak_kb) / 1024:.0f} MB"


def test_cross_reference_stream_bomb_is_refused_while_opening():
    """The bomb is the file's cross-reference stream, inflated by pdfminer while it opens the
    file, before any page: refused all the same."""
    base = hostile.pdf([(hostile.TEXT, "")])
    data, _ = hostile.deflated_spaces(64 * MIB, zlib.MAX_WBITS)
    position = len(base)
    xref = (b"99 0 obj\n<< /Type /XRef /Size 100 /W [1 4 2] /Root 1 0 R /Filter /FlateDecode "
            b"/Length %d >>\nstream\n%s\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n"
            % (len(data), data, position))
    [(code, detail)] = problems(base + xref, "xref.pdf")
    assert code == "TOO_LARGE" and "inflates to more than" in detail
