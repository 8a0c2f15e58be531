"""sniff_format: the bytes decide first, then the declared type and the extension, then the text."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from parsers import parse
from parsers.formats import FORMATS, sniff_format, unsupported_problem

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return buffer.getvalue()


def ole(*stream_names: str) -> bytes:
    """An OLE2 header followed by directory entry names, as they appear in real files."""
    return OLE2 + b"\x00" * 504 + b"".join(n.encode("utf-16-le") + b"\x00\x00" for n in stream_names)


@pytest.fixture(scope="module")
def real() -> dict[str, bytes]:
    return {
        "pdf": (FIXTURES / "corpus/hongze_2023.pdf").read_bytes(),
        "docx": (FIXTURES / "corpus/template_2021_blank.docx").read_bytes(),
        "seed": (FIXTURES / "seeds/000_c31dcc775cd75b8e.txt").read_bytes(),
    }


def test_real_files_by_their_bytes_alone(real):
    assert sniff_format(real["pdf"], None, None) == "pdf"
    assert sniff_format(real["docx"], None, None) == "docx"
    assert sniff_format(real["seed"], None, None) == "text"
    for page in sorted((FIXTURES / "portals").glob("*.html")):
        assert sniff_format(page.read_bytes(), None, None) == "html", page.name


def test_magic_bytes_beat_a_wrong_name_and_type(real):
    # portals serve DOCX as .doc / application/msword and PDFs as octet-stream or text/html
    assert sniff_format(real["docx"], "P020240101.doc", "application/msword") == "docx"
    assert sniff_format(real["pdf"], "report.html", "text/html; charset=utf-8") == "pdf"
    assert sniff_format(real["pdf"], "download.jsp?id=3", "application/octet-stream") == "pdf"


def test_pdf_header_after_leading_junk(real):
    assert sniff_format(b"\r\n\x00junk" + real["pdf"], None, None) == "pdf"


def test_zip_containers():
    assert sniff_format(zipped({"OFD.xml": b"<ofd/>", "Doc_0/Document.xml": b"<d/>"}), "a.zip", None) == "ofd"
    assert sniff_format(zipped({"xl/workbook.xml": b"<w/>"}), None, None) == "xls"
    assert sniff_format(zipped({"readme.txt": b"hi"}), None, None) == "unknown"
    # a damaged zip: the name is all there is to go on
    assert sniff_format(b"PK\x03\x04garbage", "report.docx", None) == "docx"
    assert sniff_format(b"PK\x03\x04garbage", None, None) == "unknown"


def test_ole_files_told_apart_by_name_type_or_streams():
    word = ole("Root Entry", "WordDocument", "1Table")
    assert sniff_format(word, "附件.doc", None) == "doc"
    assert sniff_format(word, "附件.WPS", None) == "wps"
    assert sniff_format(word, None, "application/kswps") == "wps"
    assert sniff_format(word, None, "application/vnd.ms-excel") == "xls"
    assert sniff_format(word, None, None) == "doc"
    assert sniff_format(ole("Root Entry", "Workbook"), None, None) == "xls"
    # a password-protected DOCX is an OLE2 file holding the encrypted package
    assert sniff_format(ole("Root Entry", "EncryptionInfo", "EncryptedPackage"), None, None) == "docx"


def test_rtf_is_a_word_document():
    assert sniff_format(rb"{\rtf1\ansi\deff0 {\fonttbl}", "report.doc", None) == "doc"


def test_html_error_page_where_a_file_was_expected():
    page = "<!DOCTYPE html>\n<html><head><title>文件不存在</title></head><body>404</body></html>"
    body = page.encode("utf-8")
    assert sniff_format(body, "P020230131.pdf", "application/pdf") == "html"
    assert sniff_format(b"\xef\xbb\xbf  <!-- saved -->\n<HTML><BODY>x", None, None) == "html"


def test_declared_type_then_extension_for_unrecognised_bytes():
    assert sniff_format(b"\x00\x01binary", None, "application/ofd") == "ofd"
    assert sniff_format(b"\x00\x01binary", "http://x.gov.cn/P0.OFD?download=1", None) == "ofd"
    assert sniff_format(b"\x00\x01binary", "C:\\docs\\report.pdf", None) == "pdf"
    assert sniff_format(b"\x00\x01binary", "%E5%B9%B4%E6%8A%A5.wps", None) == "wps"
    assert sniff_format("一、总体情况".encode("utf-8"), "nb.txt", "text/html") == "html"
    assert sniff_format("一、总体情况".encode("utf-8"), "nb.htm", None) == "html"


def test_text_in_any_chinese_encoding():
    text = "洪泽区人民政府2023年政府信息公开工作年度报告\n一、总体情况\n"
    assert sniff_format(text.encode("utf-8"), None, None) == "text"
    assert sniff_format(text.encode("gbk"), None, None) == "text"
    assert sniff_format(text.encode("utf-16"), None, None) == "text"
    # a sample cut inside a multi-byte character is still text
    assert sniff_format((text * 400).encode("utf-8")[:9001], None, None) == "text"
    assert sniff_format("<p>一、总体情况</p>".encode("gbk"), None, None) == "html"


def test_nothing_recognisable():
    assert sniff_format(b"", None, None) == "unknown"
    assert sniff_format(b"   \n", None, None) == "unknown"
    assert sniff_format(bytes(range(256)) * 4, None, None) == "unknown"
    assert sniff_format(b"\x00\x01binary", "report.bin", "application/octet-stream") == "unknown"


@pytest.mark.parametrize("fmt, words", [
    ("ofd", ".ofd documents cannot be read"),
    ("wps", ".wps documents (Kingsoft WPS) cannot be read"),
    ("doc", ".doc documents (Word 97-2003 binary or RTF) cannot be read"),
    ("xls", "spreadsheets"),
    ("unknown", "could not be recognised"),
])
def test_unsupported_problem_names_the_format(fmt, words):
    code, detail = unsupported_problem(fmt, "P020240131.x")
    assert code == "UNSUPPORTED_FORMAT"
    assert detail.startswith("P020240131.x: ")
    assert words in detail


def test_parse_reports_unsupported_formats():
    report = parse(zipped({"OFD.xml": b"<ofd/>"}), filename="2023年报.ofd", url="http://x.gov.cn/a.ofd")
    assert [p.code for p in report.problems] == ["UNSUPPORTED_FORMAT"]
    assert ".ofd documents cannot be read" in report.problems[0].detail
    assert report.cells == {}
    report = parse(ole("Root Entry", "WordDocument"), filename="2023年报.wps")
    assert [p.code for p in report.problems] == ["UNSUPPORTED_FORMAT"]
    assert ".wps" in report.problems[0].detail


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=600),
       filename=st.one_of(st.none(), st.text(max_size=40)),
       content_type=st.one_of(st.none(), st.text(max_size=40)))
def test_never_raises_and_always_answers_a_known_format(data, filename, content_type):
    assert sniff_format(data, filename, content_type) in FORMATS


@settings(max_examples=100, deadline=None)
@given(prefix=st.sampled_from([b"%PDF-1.7", b"PK\x03\x04", OLE2, b"{\\rtf", b"<html>", b""]),
       tail=st.binary(max_size=300))
def test_never_raises_on_damaged_containers(prefix, tail):
    assert sniff_format(prefix + tail, "x.docx", DOCX_TYPE) in FORMATS
