"""Page-level helpers shared by the parser and the crawler: decoding and the publication date.

- `decode_html(body, declared_charset)`: bytes → text, honouring the HTTP charset, then the
  page's own <meta charset>, reading gb2312/gbk as gb18030 (portals declare gb2312 and use GBK
  characters), and sniffing the bytes when the declaration is missing or wrong.
- `published_date(html_text, url=None, metas=None)`: the visible 发布日期/发布时间 first, then
  the date in the URL (…/202201/t20220120_…), then the PubDate meta tag (it can be a rebuild
  time) among `meta_tags(tree)`.
"""
from __future__ import annotations

import codecs
import re
from datetime import date

from lxml import etree

from parsers.values import page_spec

_SPEC = page_spec()

# Charsets whose real-world use is wider than the name: decode with the superset.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "gb_2312-80": "gb18030", "x-gbk": "gb18030",
              "iso-8859-1": "cp1252", "latin-1": "cp1252", "ascii": "utf-8", "us-ascii": "utf-8",
              "big5": "big5hkscs"}
_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def _codec(name: str | None) -> str | None:
    """The Python codec for a declared charset name, or None if unknown."""
    if not name:
        return None
    name = name.strip().strip("\"'").lower()
    name = _SUPERSETS.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def meta_charset(body: bytes) -> str | None:
    """The charset a page declares in its own <meta>, looking at the first 4 KB."""
    match = _META_CHARSET.search(body[:4096])
    return match.group(1).decode("ascii", "replace") if match else None


def detect_encoding(body: bytes, declared_charset: str | None = None) -> tuple[str, bool]:
    """(codec, trusted): the encoding to decode `body` with.

    `trusted` is False when no declaration decoded the bytes cleanly and the encoding was sniffed.
    """
    _, codec, trusted = decode(body, declared_charset)
    return codec, trusted


def decode(body: bytes, declared_charset: str | None = None) -> tuple[str, str, bool]:
    """(text, codec, trusted): `body` decoded by the first declaration that fits it (HTTP,
    then <meta>), else as UTF-8, else sniffed (then with U+FFFD for undecodable bytes)."""
    if body.startswith(codecs.BOM_UTF8):
        return body[3:].decode("utf-8", errors="replace"), "utf-8-sig", True
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return body.decode("utf-16", errors="replace"), "utf-16", True
    for declared in (declared_charset, meta_charset(body)):
        codec = _codec(declared)
        if codec is None:
            continue
        try:
            return body.decode(codec), codec, True
        except UnicodeDecodeError:
            continue
    try:
        return body.decode("utf-8"), "utf-8", False
    except UnicodeDecodeError:
        pass
    codec = _sniff(body)
    return body.decode(codec, errors="replace"), codec, False


def _sniff(body: bytes) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(body[:200_000]).best()
    codec = _codec(best.encoding) if best is not None else None
    # Web pages are never UTF-16/32 without a BOM, and Chinese pages that are not UTF-8 are GB
    # family far more often than anything else (Big5 guesses on GB bytes are common).
    if codec is None or codec.startswith(("utf-16", "utf-32")) or (
            codec in ("big5hkscs", "cp950") and _decodes(body, "gb18030")):
        return "gb18030"
    return codec


def _decodes(body: bytes, codec: str) -> bool:
    try:
        body.decode(codec)
        return True
    except UnicodeDecodeError:
        return False


def decode_html(body: bytes, declared_charset: str | None = None) -> str:
    """The text of an HTML page; never raises (undecodable bytes become U+FFFD)."""
    return decode(body, declared_charset)[0]


# ---------------------------------------------------------------- publication date
_DATE = r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
_DATE_RE = re.compile(_DATE)
_LABELLED = re.compile(
    r"(?:%s)\s*[:：]?\s*(?:&nbsp;|\s)*%s" % ("|".join(map(re.escape, _SPEC["published_labels"])), _DATE))
_URL_DATE = re.compile(r"/t((?:19|20)\d{2})(\d{2})(\d{2})_|/art/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/")
_INVISIBLE = re.compile(r"<(script|style|noscript|template)\b.*?</\1\s*>|<!--.*?-->", re.I | re.S)
_TAG = re.compile(r"<[^>]*>")
# An opening or closing script or style tag; the letters spelt out in both cases rather than
# re.I, so the search skips ahead to each "<" (lower-casing a page costs more).
_SCRIPT_OR_STYLE = re.compile(r"<(/?)([sS][cC][rR][iI][pP][tT]|[sS][tT][yY][lL][eE])")
# How far after a date label (in HTML characters, tags included) the date may be, and how many
# occurrences of one label are looked at (list pages repeat 发布日期 on every line).
WINDOW = 300
MAX_LABEL_TRIES = 20
# `descendant::` asks libxml2 for elements only (`//meta` visits every text node as well).
_METAS = etree.XPath("descendant::meta")


def iso_date(year: str, month: str, day: str) -> str | None:
    """YYYY-MM-DD, or None when the parts are not a real date."""
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def parse_date(text: str) -> str | None:
    """The first date in `text` ("2022-01-20", "2022/01/20 09:30", "2020年08月02日") as ISO."""
    for match in _DATE_RE.finditer(text or ""):
        found = iso_date(*match.groups())
        if found:
            return found
    return None


def visible_text(html_text: str) -> str:
    """The page text without tags, scripts, styles and comments (for label searches)."""
    return _TAG.sub(" ", _INVISIBLE.sub(" ", html_text)).replace("&nbsp;", " ")


def meta_tags(root) -> dict[str, str]:
    """name → content of the <meta> tags of a page's lxml tree (first occurrence of each name
    wins). From the tree, not the text: entities decoded, none from comments or script strings."""
    tags: dict[str, str] = {}
    for meta in _METAS(root):
        name = meta.get("name") or meta.get("property") or meta.get("itemprop")
        content = meta.get("content")
        if name and content is not None:
            tags.setdefault(name, content.strip())
    return tags


def url_date(url: str | None) -> str | None:
    """The date a TRS (…/t20220120_…) or Hanweb (/art/2022/1/20/) URL carries."""
    match = _URL_DATE.search(url or "")
    if not match:
        return None
    parts = [g for g in match.groups() if g is not None]
    return iso_date(*parts)


def labelled_date(text: str) -> str | None:
    """The date after a visible 发布日期/发布时间 label in plain text."""
    for match in _LABELLED.finditer(text):
        found = iso_date(*match.groups())
        if found:
            return found
    return None


def _labelled_date_in_html(html_text: str) -> str | None:
    """The date after a 发布日期/发布时间 label in HTML, tags between them allowed.

    Looks only around the labels (a page is 100 KB; the labels are a few), skipping those inside
    scripts and comments, in the label order of page.yaml.
    """
    for label in _SPEC["published_labels"]:
        start, tries = html_text.find(label), 0
        while start != -1 and tries < MAX_LABEL_TRIES:
            tries += 1
            if not _inside_invisible(html_text, start):
                window = _TAG.sub(" ", html_text[start: start + WINDOW]).replace("&nbsp;", " ")
                found = labelled_date(window)
                if found:
                    return found
            start = html_text.find(label, start + len(label))
    return None


def _inside_invisible(html_text: str, position: int) -> bool:
    """Whether `position` is after an opening <script, <style or <!-- (any case) that is not
    closed before it."""
    if html_text.rfind("<!--", 0, position) > html_text.rfind("-->", 0, position):
        return True
    last: dict[str, str] = {}
    for tag in _SCRIPT_OR_STYLE.finditer(html_text, 0, position):
        last[tag.group(2).lower()] = tag.group(1)
    return "" in last.values()


def published_date(html_text: str, url: str | None = None, metas: dict[str, str] | None = None) -> str | None:
    """The publication date of a detail page as ISO YYYY-MM-DD, or None. `metas`: the page's
    `meta_tags` (the least trusted source, left out when the caller has no tree)."""
    found = _labelled_date_in_html(html_text) or url_date(url)
    if found or not metas:
        return found
    metas = {name.lower(): value for name, value in metas.items()}
    for name in _SPEC["published_meta"]:
        found = parse_date(metas.get(name.lower(), ""))
        if found:
            return found
    return None
