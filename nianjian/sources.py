"""The sources file: which portals to crawl and which agencies publish there (docs/design.md)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from nianjian.errors import UserError, read_user_file

LEVELS = ("department", "government", "township")
CMS_FAMILIES = ("auto", "trs", "hanweb", "gkmlpt", "plain")
RENDERINGS = ("auto", "plain", "browser")     # how list pages are fetched (docs/crawling.md)


@dataclass(frozen=True)
class Agency:
    name: str
    level: str
    region: str | None = None
    parent: str | None = None
    first_year: int = 2019
    deadline: str | None = None          # "MM-DD" of year N+1, overriding the legal deadline
    aliases: tuple[str, ...] = ()
    source_id: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Source:
    id: str
    url: str
    agencies: tuple[Agency, ...]
    cms: str = "auto"
    find_column: bool = False
    allowed_hosts: tuple[str, ...] = field(default_factory=tuple)   # hosts or origins besides the url's
    cookies: bool = True                 # keep the portal's cookies (in a jar of this source's own)
    render: str = "auto"                 # auto: a browser only when the column needs one

    def agencies_in_title(self, title: str | None) -> list[Agency]:
        """The agencies a title names, in the order it names them, each once. A name inside a
        longer one the title names is part of that one: "老城区西关街道办事处" names the 街道办事处,
        not "老城区"."""
        compact = "".join((title or "").split())
        spans = [(found.start(), found.start() + len(name), agency) for agency in self.agencies
                 for name in agency.names for found in re.finditer(re.escape(name), compact)]
        outer = [span for span in spans if not any(
            start <= span[0] and span[1] <= end and end - start > span[1] - span[0]
            for start, end, _ in spans)]
        named = {agency.name: agency for _, _, agency in sorted(outer, key=lambda span: span[0])}
        return list(named.values())

    def agency_for_title(self, title: str | None) -> Agency | None:
        """The one agency the title names; None when it names none, or several ("甲局、乙局2022年…":
        whose report it is cannot be told from the title)."""
        named = self.agencies_in_title(title)
        return named[0] if len(named) == 1 else None


def _require(mapping: dict, key: str, where: str):
    if key not in mapping or mapping[key] in (None, ""):
        raise UserError.said("sources.missing_key", where=where, key=key)
    return mapping[key]


def _agency(raw: dict, where: str, source_id: str) -> Agency:
    if not isinstance(raw, dict):
        raise UserError.said("sources.not_an_agency", where=where)
    level = _require(raw, "level", where)
    if level not in LEVELS:
        raise UserError.said("sources.not_one_of", where=f"{where}.level", value=level, choices=", ".join(LEVELS))
    deadline = raw.get("deadline")
    if deadline is not None:
        deadline = str(deadline)
        month, _, day = deadline.partition("-")
        if not (month.isdigit() and day.isdigit() and 1 <= int(month) <= 12 and 1 <= int(day) <= 31):
            raise UserError.said("sources.not_mm_dd", where=where, value=deadline)
    first_year = raw.get("first_year", 2019)
    if not isinstance(first_year, int) or not 2008 <= first_year <= 2100:
        raise UserError.said("sources.not_a_year", where=where, value=first_year)
    return Agency(
        name=str(_require(raw, "name", where)),
        level=level,
        region=raw.get("region"),
        parent=raw.get("parent"),
        first_year=first_year,
        deadline=deadline,
        aliases=tuple(raw.get("aliases") or ()),
        source_id=source_id,
    )


def parse_sources(data: dict, origin: str = "sources") -> list[Source]:
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        raise UserError.said("sources.no_list", origin=origin)
    sources, seen = [], set()
    for i, raw in enumerate(data["sources"]):
        where = f"{origin}：sources[{i}]"
        if not isinstance(raw, dict):
            raise UserError.said("sources.not_a_mapping", where=where)
        source_id = str(_require(raw, "id", where))
        if source_id in seen:
            raise UserError.said("sources.id_twice", where=where, value=source_id)
        seen.add(source_id)
        url = str(_require(raw, "url", where))
        if urlsplit(url).scheme not in ("http", "https"):
            raise UserError.said("sources.not_http", where=where, value=url)
        cms = raw.get("cms", "auto")
        if cms not in CMS_FAMILIES:
            raise UserError.said("sources.not_one_of", where=f"{where}.cms", value=cms, choices=", ".join(CMS_FAMILIES))
        cookies = raw.get("cookies", True)
        if not isinstance(cookies, bool):
            raise UserError.said("sources.not_bool", where=where, value=cookies)
        render = raw.get("render", "auto")
        if render not in RENDERINGS:
            raise UserError.said("sources.not_one_of", where=f"{where}.render", value=render, choices=", ".join(RENDERINGS))
        agencies = raw.get("agencies")
        if not isinstance(agencies, list) or not agencies:
            raise UserError.said("sources.no_agencies", where=where)
        sources.append(Source(
            id=source_id,
            url=url,
            agencies=tuple(_agency(a, f"{where}.agencies[{j}]", source_id) for j, a in enumerate(agencies)),
            cms=cms,
            find_column=bool(raw.get("find_column", False)),
            allowed_hosts=tuple(str(host) for host in raw.get("allowed_hosts") or ()),
            cookies=cookies,
            render=render,
        ))
    return sources


def load_sources(path: str | Path) -> list[Source]:
    path = Path(path)
    text = read_user_file(path, "sources")
    try:
        # libyaml's loader when present: a province's sources file is thousands of agencies.
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as error:
        raise UserError.said("not_yaml", path=path, error=error.__class__.__name__) from None
    return parse_sources(data, str(path))


def all_agencies(sources: list[Source]) -> list[Agency]:
    return [agency for source in sources for agency in source.agencies]
