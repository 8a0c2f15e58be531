"""Telling what kind of file a downloaded body is, before choosing a front-end.

Portals mislabel files freely: a `.doc` link serves a DOCX, `application/octet-stream` hides a
PDF, an expired `.pdf` link answers with an HTML error page. So the bytes decide first (magic
numbers and container contents), then the declared content type, then the file extension, then
a look at the text itself.

`sniff_format` returns one of FORMATS. The readable ones are html, text, pdf, docx and image (PNG, JPEG: OCR); the
others are recognised only so they can be reported clearly (`unsupported_problem`).
"""
from __future__ import annotations

import codecs
import io
import posixpath
import re
import zipfile
from urllib.parse import unquote, urlsplit

from parsers.inflate import TooLarge, zip_part

FORMATS = ("html", "text", "pdf", "docx", "image", "doc", "wps", "ofd", "xls", "unknown")
READABLE = frozenset({"html", "text", "pdf", "docx", "image"})   # image: by OCR (parsers/ocr.py)

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
CONTENT_TYPES_LIMIT = 1 << 20      # [Content_Types].xml of an Office or OFD package, inflated
# A scanned page or a table published as a picture (read by OCR).
IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")
# The PDF header may be preceded by junk; readers accept it within the first 1024 bytes.
PDF_HEADER_WINDOW = 1024

# Declared content types (without parameters) and file extensions, both folded to lower case.
CONTENT_TYPES = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "text",
    "text/markdown": "text",
    "application/pdf": "pdf",
    "application/x-pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/msword": "doc",
    "application/rtf": "doc",
    "text/rtf": "doc",
    "application/vnd.ms-works": "wps",
    "application/kswps": "wps",
    "application/wps-office.wps": "wps",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xls",
    "application/ofd": "ofd",
    "image/png": "image",
    "image/jpeg": "image",
}
EXTENSIONS = {
    ".html": "html", ".htm": "html", ".shtml": "html", ".xhtml": "html", ".jsp": "html",
    ".asp": "html", ".aspx": "html", ".php": "html",
    ".txt": "text", ".md": "text",
    ".pdf": "pdf",
    ".docx": "docx",
    ".doc": "doc", ".rtf": "doc",
    ".wps": "wps",
    ".xls": "xls", ".xlsx": "xls", ".et": "xls",
    ".ofd": "ofd",
    ".png": "image", ".jpg": "image", ".jpeg": "image",
}

_HTML_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)[\s>/]",
    re.IGNORECASE | re.DOTALL,
)
_HTML_TAG = re.compile(rb"<(?:html|head|body|div|table|p|br|span|script|title|meta)[\s>/]", re.IGNORECASE)
# Names of OLE2 directory entries are UTF-16LE; these identify what an OLE file holds.
_OLE_ENCRYPTED_OOXML = "EncryptedPackage".encode("utf-16-le")
_OLE_WORKBOOK = ("Workbook".encode("utf-16-le"), "Book\x00".encode("utf-16-le"))


def sniff_format(data: bytes, filename: str | None = None, content_type: str | None = None) -> str:
    """The format of `data`: one of FORMATS. Never raises."""
    declared = _declared_format(filename, content_type)
    head = data[:PDF_HEADER_WINDOW]
    if b"%PDF-" in head:
        return "pdf"
    if data.startswith(IMAGE_MAGIC):
        return "image"
    if data.startswith(ZIP_MAGIC):
        return _zip_format(data) or (declared if declared in {"docx", "ofd", "xls"} else "unknown")
    if data.startswith(OLE2_MAGIC):
        return _ole_format(data, declared)
    if data.lstrip().startswith(b"{\\rtf"):
        return "doc"     # Word's RTF, often served as .doc
    # An HTML page where a file was expected is usually an error or login page: say so.
    if _HTML_START.match(data[:4096]):
        return "html"
    if declared is not None:
        return declared
    return _text_format(data)


def unsupported_problem(fmt: str, filename: str | None = None) -> tuple[str, str]:
    """The (code, detail) problem for a format that cannot be read."""
    name = f"{filename}: " if filename else ""
    detail = _UNSUPPORTED_DETAILS.get(fmt, _UNSUPPORTED_DETAILS["unknown"])
    return ("UNSUPPORTED_FORMAT", name + detail)


_UNSUPPORTED_DETAILS = {
    "doc": ".doc documents (Word 97-2003 binary or RTF) cannot be read; "
           "ask for a PDF or DOCX, or convert it (e.g. `soffice --headless --convert-to docx`)",
    "wps": ".wps documents (Kingsoft WPS) cannot be read; "
           "ask for a PDF or DOCX, or convert it to DOCX in WPS Office",
    "xls": "spreadsheets (.xls/.xlsx/.et) cannot be read as a report; "
           "the annual report is expected as a web page, PDF or DOCX",
    "ofd": ".ofd documents cannot be read; "
           "ask for a PDF or DOCX version, or convert it with an OFD reader (e.g. 数科OFD阅读器 → PDF)",
    "unknown": "the file type could not be recognised (not HTML, text, PDF or DOCX)",
}


def _declared_format(filename: str | None, content_type: str | None) -> str | None:
    if content_type:
        mime = content_type.split(";", 1)[0].strip().lower()
        if mime in CONTENT_TYPES:
            return CONTENT_TYPES[mime]
    if filename:
        path = unquote(urlsplit(filename).path if "://" in filename else filename.split("?", 1)[0])
        ext = posixpath.splitext(path.replace("\\", "/"))[1].lower()
        return EXTENSIONS.get(ext)
    return None


def _zip_format(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = {name.lower() for name in archive.namelist()}
            # the main part is word/document.xml, unless [Content_Types].xml names another;
            # inflated within a limit, whatever size it declares (zip bombs lie)
            index = next((i for i in archive.infolist() if i.filename == "[Content_Types].xml"), None)
            declared = _content_types(data, index)
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "word/document.xml" in names or b"wordprocessingml.document.main+xml" in declared:
        return "docx"
    if "ofd.xml" in names:
        return "ofd"
    if "xl/workbook.xml" in names:
        return "xls"
    return None


def _content_types(data: bytes, index: zipfile.ZipInfo | None) -> bytes:
    """[Content_Types].xml, or nothing when it is absent, damaged or a bomb (the part names
    still tell the format; the reader reports the damage)."""
    if index is None:
        return b""
    try:
        return zip_part(data, index, CONTENT_TYPES_LIMIT)
    except (zipfile.BadZipFile, TooLarge):
        return b""


def _ole_format(data: bytes, declared: str | None) -> str:
    if declared in {"doc", "wps", "xls"}:
        return declared
    # A password-protected DOCX is an OLE2 file holding an EncryptedPackage stream.
    if _OLE_ENCRYPTED_OOXML in data:
        return "docx"
    if any(name in data for name in _OLE_WORKBOOK):
        return "xls"
    return "doc"


def _text_format(data: bytes) -> str:
    sample = data[:8192]
    if not sample.strip():
        return "unknown"
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "text"
    if b"\x00" in sample:
        return "unknown"
    if _HTML_TAG.search(sample):
        return "html"
    for encoding in ("utf-8", "gb18030"):
        try:
            # Not final: the sample may end inside a multi-byte character.
            codecs.getincrementaldecoder(encoding)().decode(sample, final=len(sample) == len(data))
            return "text"
        except UnicodeDecodeError:
            continue
    return "unknown"
