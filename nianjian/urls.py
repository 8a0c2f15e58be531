"""A document's address and its identity: one key however a portal spells it.

Portals link one report many ways: `http` and `https`, `WWW.X.GOV.CN` and `www.x.gov.cn`,
`:80`, `/nb/index.html` and `/nb/`, `./a/../b.html`, `?from=list`, `;jsessionid=…`, `?_t=…`,
`utm_*`, `#top`, parameters in another order, a trailing slash. `fetch_url` is the address a link
is fetched at (resolved, no fragment, no tracking parameters: what the user clicks); `canonical_url`
is the document's key (the crawler's duplicate filter, the fetch record, the rotation's night):
`fetch_url` with every spelling above folded. Parameters that may select a document (`?id=`,
`?page=`, `?uid=…&pageNum=…`) always stay. The word lists are data: `urls.yaml`.
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

import yaml

_DEFAULT_PORTS = {"http": 80, "https": 443}
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_UNRESERVED = re.compile(r"[A-Za-z0-9\-._~]")
# Characters a URL may carry as they are; anything else (spaces, Chinese) is percent-encoded.
_KEEP = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]")


@lru_cache(maxsize=None)
def spellings() -> dict:
    data = yaml.safe_load(resources.files("nianjian").joinpath("urls.yaml").read_text("utf-8"))
    lower = lambda names: frozenset(name.lower() for name in names)  # noqa: E731
    return {"tracking": lower(data["tracking_params"]), "prefixes": tuple(data["tracking_prefixes"]),
            "busters": lower(data["cache_busters"]), "buster_value": re.compile(data["cache_buster_value"], re.I),
            "session": lower(data["session_params"]), "index_files": lower(data["index_files"])}


def fetch_url(url: str, base: str | None = None, *, session: bool = True) -> str:
    """The address to fetch a link at: resolved against `base`, lower-case host, no default
    port, dot segments resolved, no #fragment, no tracking parameters or cache busters.
    `session=False` drops session parameters too (a source keeping cookies has its session in
    them); by default they stay, as a column without cookies may need them."""
    url = urljoin(base, url.strip()) if base else url.strip()
    parts = urlsplit(url)
    scheme, host = parts.scheme.lower(), parts.netloc.lower()
    if host.endswith(f":{_DEFAULT_PORTS.get(scheme)}"):
        host = host.rpartition(":")[0]
    path = _without_dots(parts.path or "/")
    if not session:
        path = _without_session(path)
    kept = [pair for pair in _pairs(parts.query) if not _says_nothing(pair, session=not session)]
    return urlunsplit((scheme, host, path, "&".join(kept), ""))


def canonical_url(url: str, base: str | None = None) -> str:
    """The document's key: `fetch_url`, then one scheme (`http`), no default port, dot segments
    resolved, no session parameters, an index file or a trailing slash as the directory,
    percent-encoding normalised, parameters sorted."""
    parts = urlsplit(fetch_url(url, base, session=False))
    host = parts.hostname or ""
    try:
        port = parts.port
    except ValueError:                     # `:abc`: not a port, the host as written
        port, host = None, parts.netloc
    if port is not None and port != _DEFAULT_PORTS.get(parts.scheme):
        host = f"{host}:{port}"
    scheme = "http" if parts.scheme in _DEFAULT_PORTS else parts.scheme
    path = _directory(_without_dots(_escaped(parts.path)))
    query = sorted(_escaped(pair) for pair in _pairs(parts.query))
    return urlunsplit((scheme, host, path, "&".join(query), ""))


def _pairs(query: str) -> list[str]:
    return [pair for pair in query.split("&") if pair]


def _says_nothing(pair: str, *, session: bool) -> bool:
    """Whether a `name=value` parameter never selects a document."""
    name, _, value = (unquote(part) for part in pair.partition("="))
    name, words = name.strip().lower(), spellings()
    return (name in words["tracking"] or name.startswith(words["prefixes"])
            or name in words["busters"] and bool(words["buster_value"].match(value))
            or session and name in words["session"])


def _without_session(path: str) -> str:
    """`/a.jsp;jsessionid=ABC` → `/a.jsp` (a path parameter of a session name)."""
    segments = []
    for segment in path.split("/"):
        name, *parameters = segment.split(";")
        kept = [p for p in parameters if p.partition("=")[0].lower() not in spellings()["session"]]
        segments.append(";".join([name, *kept]))
    return "/".join(segments)


def _without_dots(path: str) -> str:
    """RFC 3986 remove_dot_segments, for absolute links that carry `./` or `../`."""
    out: list[str] = []
    segments = path.split("/")
    for i, segment in enumerate(segments):
        last = i == len(segments) - 1
        if segment == ".":
            if last:
                out.append("")
        elif segment == "..":
            if len(out) > 1:
                out.pop()
            if last:
                out.append("")
        else:
            out.append(segment)
    return "/".join(out) or "/"


def _directory(path: str) -> str:
    head, _, name = path.rpartition("/")
    if name.lower() in spellings()["index_files"]:
        path = head + "/"
    return path.rstrip("/") or "/"


def _escaped(text: str) -> str:
    """One spelling of percent-encoding: escapes upper case, unreserved characters unescaped,
    other characters (spaces, Chinese) escaped as UTF-8; `%2F` stays escaped."""
    def escape(match: re.Match) -> str:
        char = chr(int(match.group(0)[1:], 16))
        return char if _UNRESERVED.fullmatch(char) else match.group(0).upper()
    text = _ESCAPE.sub(escape, text)
    return "".join(c if _KEEP.fullmatch(c) else "".join(f"%{b:02X}" for b in c.encode("utf-8")) for c in text)
