"""Pure parsers: bytes in, `Report` out. No network, no database.

    from parsers import parse
    report = parse(data, url=..., content_type=..., filename=...)

`parse` never raises on bad input: what it cannot read is a problem on the report
(codes in parsers/PROBLEMS.md).
"""
from __future__ import annotations

from collections.abc import Sequence

from parsers.document import Document, Table
from parsers.record import Problem, Report

__all__ = ["Problem", "Report", "parse", "read"]


def _add_pictures(doc: Document, pictures: Sequence[bytes]) -> None:
    """The page's pictures read by OCR, each put where its `<img>` stands among the page's
    blocks (so a table between two headings is read in its section); once a table came out of
    them, the page no longer says its tables were left unread. The pictures are the page's in
    order (crawler: `Detail.pictures`); when their number differs from the places (one not
    fetched, one shown twice), which is which cannot be told and they all follow the text."""
    from parsers.ocr import read_pictures

    pictured = read_pictures(pictures)
    places = doc.picture_places if len(doc.picture_places) == len(pictures) else [len(doc.blocks)] * len(pictures)
    for number in sorted(pictured.blocks, reverse=True):     # from the last: earlier places stay put
        at = places[number - 1]
        doc.blocks[at:at] = pictured.blocks[number]
    if any(isinstance(b, Table) for blocks in pictured.blocks.values() for b in blocks):
        doc.problems = [p for p in doc.problems if p[0] != "TABLE_IMAGES"]
    doc.problems += pictured.problems


def read(data: bytes, *, url: str | None = None, content_type: str | None = None,
         filename: str | None = None, pictures: Sequence[bytes] = ()) -> tuple[str, Document]:
    """(format, Document) for any input; unreadable formats give a Document with a problem.
    `pictures`: see `parse`."""
    from parsers.formats import sniff_format, unsupported_problem

    fmt = sniff_format(data, filename, content_type)
    if fmt == "html":
        from parsers.html import read_html
        doc = read_html(data, content_type=content_type, url=url)
        if pictures and any(code == "TABLE_IMAGES" for code, _ in doc.problems):
            _add_pictures(doc, pictures)
        return fmt, doc
    if fmt == "text":
        from parsers.mixed import read_text_with_tables
        return fmt, read_text_with_tables(data)
    if fmt == "image":
        from parsers.ocr import read_image
        return fmt, read_image(data)
    if fmt in ("pdf", "docx"):
        try:
            if fmt == "pdf":
                from parsers.pdf import read_pdf as front_end
            else:
                from parsers.docx import read_docx as front_end
        except ImportError:
            return fmt, Document(problems=[("UNSUPPORTED_FORMAT", f"no {fmt} reader installed")])
        return fmt, front_end(data)
    return fmt, Document(problems=[unsupported_problem(fmt, filename)])


def parse(data: bytes, *, url: str | None = None, content_type: str | None = None,
          filename: str | None = None, pictures: Sequence[bytes] = ()) -> Report:
    """The canonical record of one annual report (spec §2). Never raises on bad input.

    `pictures`: the images of a report page whose tables are pictures (TABLE_IMAGES), in the
    page's order, read by OCR after the page's own text and put where each stands."""
    from parsers.reader import read_document

    try:
        fmt, doc = read(data, url=url, content_type=content_type, filename=filename, pictures=pictures)
        if not doc.blocks:
            report = Report(title=doc.title, published=doc.published)
            for code, detail in doc.problems:
                report.problem(code, detail)
            if not report.problems:
                report.problem("EMPTY_DOCUMENT", f"no text found in the {fmt} document")
            return report
        return read_document(doc)
    except RecursionError:      # a hostile input, not a bug: refused like a hostile archive
        report = Report()
        report.problem("UNREADABLE_FILE", "the document is nested too deeply to read")
        return report
    except Exception as error:  # the contract: a record with a problem, never a crash
        report = Report()
        report.problem("PARSE_ERROR", f"{type(error).__name__}: {error}")
        return report
