"""What `nianjian discover` found, as a sources file: organs and their report columns in,
YAML (nianjian/sources.py format) out, merged with an existing file when asked. Pure: the
crawl that finds the organs is crawler/spiders/discover.py."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import yaml

from nianjian.sources import CMS_FAMILIES, LEVELS


@dataclass
class Organ:
    name: str
    level: str                       # department | government | township
    parent: str | None
    page: str | None                 # where nianjian found it (its own page, or the column naming it)
    column: str | None = None        # its report column's URL
    reason: str | None = None        # why no column was found


@dataclass
class Column:
    url: str
    organs: list[str] = field(default_factory=list)     # every organ whose reports it lists
    cms: str = "auto"
    hosts: set[str] = field(default_factory=set)         # other hosts its reports are on
    reason: str | None = None                            # why it could not be read (bot wall, error)


@dataclass
class Discovery:
    start: str
    organs: dict[str, Organ] = field(default_factory=dict)
    columns: dict[str, Column] = field(default_factory=dict)

    def add_organ(self, name: str, level: str, parent: str | None, page: str | None) -> Organ:
        return self.organs.setdefault(name, Organ(name, level, parent, page))

    def attach(self, organ: Organ, url: str) -> tuple[Column, bool]:
        """Give the organ this column; True when the column is new (to be read)."""
        organ.column, organ.reason = url, None
        new = url not in self.columns
        column = self.columns.setdefault(url, Column(url))
        if organ.name not in column.organs:
            column.organs.append(organ.name)
        return column, new

    def summary(self) -> dict:
        """Counts by level: organs found, with a column, without one."""
        found = Counter(o.level for o in self.organs.values())
        columns = Counter(o.level for o in self.organs.values() if o.column)
        return {level: {"organs": found[level], "columns": columns[level], "not_found": found[level] - columns[level]}
                for level in LEVELS if found[level]}


# ------------------------------------------------------------------ the sources file
def source_id(url: str, taken: set[str]) -> str:
    """A readable, stable id from the column's URL: hdzfxxgk.hd.gov.cn/zfxxgknb/ → hdzfxxgk-zfxxgknb."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    words = [] if re.fullmatch(r"[\d.]+|localhost", host) else [host.split(".")[0]]
    path = re.sub(r"/(index|default)\.\w+$", "/", parts.path)
    words += [w for w in re.split(r"[^0-9A-Za-z]+", path.rsplit(".", 1)[0] if "." in path.rsplit("/", 1)[-1] else path) if w]
    words += [w for w in re.split(r"[^0-9A-Za-z]+", parts.fragment) if w]
    base = "-".join(words).lower() or "source"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


def _agency(organ: Organ) -> dict:
    entry = {"name": organ.name, "level": organ.level}
    if organ.parent:
        entry["parent"] = organ.parent
    return entry


def discovered_sources(found: Discovery, taken: set[str] | None = None) -> list[dict]:
    """One source per column, with every organ it lists, in the order the organs were found."""
    taken = set() if taken is None else taken
    sources = []
    for column in found.columns.values():
        organs = [found.organs[name] for name in column.organs]
        source = {"id": source_id(column.url, taken), "url": column.url,
                  "cms": column.cms if column.cms in CMS_FAMILIES else "auto"}
        if column.hosts:
            source["allowed_hosts"] = sorted(column.hosts)
        source["agencies"] = [_agency(o) for o in organs]
        sources.append(source)
    return sources


def merge(existing: list[dict], found: Discovery, today: str) -> list[dict]:
    """Update an existing sources file's entries: a column matched by its URL or by an agency's
    name keeps its id and every hand-edited key, takes the new URL when the column moved and
    gains the new organs; new columns are added; agencies no longer linked are kept, marked
    `unlisted: DATE` (never dropped)."""
    merged = [dict(s, agencies=[dict(a) for a in s.get("agencies", [])]) for s in existing]
    taken = {s["id"] for s in merged}
    by_url = {s["url"]: s for s in merged}
    by_name = {name: s for s in merged for a in s["agencies"] for name in [a["name"], *a.get("aliases", [])]}
    linked: set[str] = set()
    for new in discovered_sources(found, set(taken)):
        names = [a["name"] for a in new["agencies"]]
        linked.update(names)
        old = by_url.get(new["url"]) or next((by_name[n] for n in names if n in by_name), None)
        if old is None:
            new["id"] = source_id(new["url"], taken)
            merged.append(new)
            continue
        if not old.get("find_column"):          # an entry-page source finds its column itself
            old["url"] = new["url"]
        have = {n for a in old["agencies"] for n in [a["name"], *a.get("aliases", [])]}
        old["agencies"] += [a for a in new["agencies"] if a["name"] not in have]
        if new.get("allowed_hosts"):
            old["allowed_hosts"] = sorted({*old.get("allowed_hosts", []), *new["allowed_hosts"]})
    for source in merged:
        for agency in source["agencies"]:
            names = {agency["name"], *agency.get("aliases", [])}
            if names & linked or names & set(found.organs):
                agency.pop("unlisted", None)
            else:
                agency.setdefault("unlisted", today)
    return merged


def render(sources: list[dict], found: Discovery, today: str) -> str:
    """The sources file: a header saying how it was made and what to review, the sources, and
    the organs without a column as comments (with the reason)."""
    header = (f"# Sources discovered by `nianjian discover {found.start}` on {today}.\n"
              "# Review before monitoring (docs/crawling.md): names and levels are read from the portal's\n"
              "# links; check each agency's name, level and parent, and first_year (default 2019).\n")
    body = yaml.safe_dump({"sources": sources}, allow_unicode=True, sort_keys=False, width=120)
    lines = []
    unread = [c for c in found.columns.values() if c.reason]
    if unread:
        lines += ["", "# Columns found but not read (their CMS is left to `auto`; check them in a browser):"]
        lines += [f"#   - {c.url}: {c.reason}" for c in unread]
    missing = [o for o in found.organs.values() if not o.column]
    if missing:
        lines += ["", "# Organs whose report column was not found:"]
        for organ in missing:
            lines.append(f"#   - name: {organ.name}  level: {organ.level}  parent: {organ.parent or '-'}")
            lines.append(f"#     page: {organ.page or '-'}")
            lines.append(f"#     reason: {organ.reason or 'no annual-report column link found on its pages'}")
    return header + body + "".join(line + "\n" for line in lines)
