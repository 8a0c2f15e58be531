"""Pure reading of organ directories for `nianjian discover`: which links of a portal page name
organs (departments, governments, townships), which lead on to 政府信息公开 pages and directory
lists, and the region a portal belongs to. No Scrapy, no network: tested on saved pages.
The wording lives in `organs.yaml`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml
from parsel import Selector

from crawler.pages import compact, fetch_url


@lru_cache(maxsize=None)
def wording() -> dict:
    return yaml.safe_load(resources.files("crawler").joinpath("organs.yaml").read_text("utf-8"))


@dataclass(frozen=True)
class OrganLink:
    name: str          # as printed, region prefix added where the directory abbreviates it
    level: str         # department | government | township
    url: str


def level_of(name: str) -> str | None:
    """The level a name says, or None when it is not an organ's name."""
    text = compact(name)
    low, high = wording()["name_length"]
    if not low <= len(text) <= high or any(re.search(p, text) for p in wording()["not_organ"]):
        return None
    for level, rules in wording()["levels"].items():
        if any(re.search(p, text) for p in rules):
            return level
    return None


def region_government(html: str) -> tuple[str, str] | None:
    """(the portal's own government, its region prefix) from the site name or title:
    "示例市人民政府门户网站" → ("示例市人民政府", "示例市")."""
    selector = Selector(text=html or "<html></html>")
    pattern = re.compile(wording()["region_government"])
    for xpath in wording()["site_name_xpaths"]:
        for text in selector.xpath(xpath).getall():
            found = pattern.search(compact(text))
            if found:
                return found.group(1) + "人民政府", found.group(1)
    return None


def full_name(name: str, prefix: str | None) -> str:
    """The organ's full name under a region prefix: "市教育局" (示例市) → "示例市教育局",
    "东湖镇人民政府" (示例县) → "示例县东湖镇人民政府"; a name that prints a region of its own
    (示例县卫健委, 国家税务总局邯郸市税务局) is kept."""
    name = compact(name)
    for pattern, suffix in wording()["completions"].items():
        if re.search(pattern, name):
            name += suffix
            break
    if not prefix or name.startswith(prefix[:-1]):
        return name
    if name[0] == prefix[-1] and not any(re.search(p, name) for p in wording()["not_abbreviation"]):
        return prefix[:-1] + name
    if re.search(wording()["own_region"], name):
        return name
    return prefix + name


def _anchors(html: str):
    for anchor in Selector(text=html or "<html></html>").xpath("//a[@href]"):
        href = anchor.attrib["href"].strip()
        if not href or href.lower().startswith(("javascript:", "mailto:", "#")):
            continue
        texts = [compact(" ".join(anchor.xpath(".//text()").getall())), compact(anchor.attrib.get("title", ""))]
        yield href, [t.lstrip("·•>»") for t in texts if t]


def organ_links(html: str, base_url: str, prefix: str | None = None) -> list[OrganLink]:
    """Links whose whole text is an organ's name ("政府<br>办公室" too), each organ once, in page order."""
    found: dict[str, OrganLink] = {}
    for href, texts in _anchors(html):
        for text in texts:
            level = level_of(text)
            if level:
                name = full_name(text, prefix)
                found.setdefault(name, OrganLink(name, level_of(name) or level, fetch_url(href, base_url)))
                break
    return list(found.values())


def entry_links(html: str, base_url: str) -> list[str]:
    """Links to 政府信息公开 pages and organ directories (部门信息公开, 乡镇街道 …), in page order."""
    rules = [re.compile(p) for p in wording()["entry_link"]]
    urls: list[str] = []
    for href, texts in _anchors(html):
        if any(rule.search(text) for text in texts for rule in rules):
            url = fetch_url(href, base_url)
            if url not in urls:
                urls.append(url)
    return urls


def organ_of_title(title: str, year: int | None) -> str | None:
    """The issuing organ a report title names before its year:
    "示例县卫生健康委员会2024年政府信息公开工作年度报告" → "示例县卫生健康委员会"."""
    text = compact(title)
    cut = text.find(str(year)) if year else -1
    head = text[:cut] if cut > 0 else re.split(r"(19|20)\d\d|政府信息公开|政务公开", text)[0]
    head = head.rstrip("关于的")
    return head if level_of(head) else None
