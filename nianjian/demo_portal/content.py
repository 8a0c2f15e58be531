"""The demo portal's data (data/portal.yaml, data/reports.yaml) turned into report content:
every printed cell value, the title and the prose, for round 1 or round 2 (the silent edit)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources

import yaml

from parsers.template import TEMPLATE

T3_VALUE_COLUMNS = [c for c in TEMPLATE.t3_columns if c != "total"]
T4_PARTS = [c for c in TEMPLATE.t4_columns if c != "total"]
OUTCOME_ROWS = [r for r in TEMPLATE.t3_rows
                if r not in ("new", "carried_in", "closed_total", "carried_out")]
SINGLE_OTHER = ["other_handling"]
SPLIT_OTHER = ["other_no_correction", "other_unpaid_fee", "other_other"]


def data_file(name: str):
    return resources.files("nianjian.demo_portal").joinpath("data").joinpath(name)


@lru_cache(maxsize=None)
def portal_data() -> dict:
    return yaml.safe_load(data_file("portal.yaml").read_text("utf-8"))


@lru_cache(maxsize=None)
def reports_data() -> dict:
    return yaml.safe_load(data_file("reports.yaml").read_text("utf-8"))


def edition_for(year: int) -> str:
    return "2019" if year < 2021 else "2021"


@dataclass(frozen=True)
class ReportContent:
    """One report as an office would print it, for one round of the portal."""

    agency: str
    year: int
    id: int
    style: str
    published: date
    modified: date                      # later than `published` only for the edited report
    title: str
    edition: str
    t3_rows: tuple[str, ...]            # printed section 三 rows, in order
    cells: dict = field(hash=False)     # key -> int | float | None (None: printed blank)
    paragraphs: dict = field(hash=False)  # section number -> list of paragraphs
    file: str | None = None             # the bundled attachment (pdf)
    fails: str | None = None
    expect_errors: tuple[str, ...] = ()
    expect_warnings: tuple[str, ...] = ()
    revised: bool = False               # has a round-2 edit (whichever round this is)
    edited: bool = False                # this is the round-2 edit


def _t3_rows(edition: str, spec: dict) -> list[str]:
    single = edition == "2019" or spec.get("other_rows") == "single"
    skip = SPLIT_OTHER if single else SINGLE_OTHER
    return [r for r in TEMPLATE.t3_rows if r not in skip]


def _cells(spec: dict, edition: str, t3_rows: list[str], previous: "ReportContent | None") -> dict:
    where = f"reports.yaml {spec['agency']} {spec['year']}"
    cells: dict = {}
    t2_keys = TEMPLATE.t2_keys(edition)
    if len(spec["t2"]) != len(t2_keys):
        raise ValueError(f"{where}: t2 needs {len(t2_keys)} values, has {len(spec['t2'])}")
    cells.update(zip(t2_keys, spec["t2"]))

    given = spec.get("t3") or {}
    unknown = set(given) - set(t3_rows)
    if unknown:
        raise ValueError(f"{where}: t3 rows {sorted(unknown)} are not printed in this edition")
    widths = (("t3", given, len(T3_VALUE_COLUMNS)), ("t4", spec.get("t4") or {}, len(T4_PARTS)))
    for table, rows_given, width in widths:
        too_long = [r for r, values in rows_given.items() if len(values) > width]
        if too_long:
            raise ValueError(f"{where}: {table} rows {too_long} have more than {width} values")
    rows = {r: list(given.get(r, [])) + [0] * (len(T3_VALUE_COLUMNS) - len(given.get(r, [])))
            for r in t3_rows}
    if "carried_in" not in given and previous is not None:     # 上年结转 = last year's 结转下年度
        rows["carried_in"] = [previous.cells[f"t3.carried_out.{c}"] for c in T3_VALUE_COLUMNS]
    outcome_rows = [r for r in t3_rows if r in OUTCOME_ROWS]
    rows["closed_total"] = [sum(rows[r][i] for r in outcome_rows) for i in range(len(T3_VALUE_COLUMNS))]
    if "carried_out" not in given:
        rows["carried_out"] = [rows["new"][i] + rows["carried_in"][i] - rows["closed_total"][i]
                               for i in range(len(T3_VALUE_COLUMNS))]
    short = [c for c, v in zip(T3_VALUE_COLUMNS, rows["carried_out"]) if v < 0]
    if short:
        raise ValueError(f"{where}: more applications closed than received ({', '.join(short)})")
    for row in t3_rows:
        values = rows[row] + [sum(rows[row])]
        cells.update({f"t3.{row}.{col}": v for col, v in zip(TEMPLATE.t3_columns, values)})

    for row in TEMPLATE.t4_order:
        parts = list((spec.get("t4") or {}).get(row, [0] * len(T4_PARTS)))
        cells.update({f"t4.{row}.{col}": v for col, v in zip(TEMPLATE.t4_columns, parts + [sum(parts)])})

    for key, value in (spec.get("overrides") or {}).items():
        if key not in cells:
            raise ValueError(f"{where}: override of unknown cell {key}")
        cells[key] = value
    for key in spec.get("blank") or ():
        cells[key] = None
    return cells


def _paragraphs(spec: dict, cells: dict) -> dict[int, list[str]]:
    text = portal_data()["narrative"]
    agencies = portal_data()["agencies"]
    agency = agencies[spec["agency"]]
    prose_year = spec.get("prose_of", spec["year"])    # a lazy office re-uses last year's prose
    variant = prose_year + list(agencies).index(spec["agency"])
    t4_any = any(cells.get(f"t4.{r}.{c}") for r in TEMPLATE.t4_order for c in T4_PARTS)
    values = {
        "agency": spec["agency"], "year": spec["year"], "profile": agency["profile"],
        "problems": agency["problems"], "highlight": spec.get("highlight", ""),
        "published_items": spec.get("published_items", 0),
        "new_total": cells["t3.new.total"], "carried_in_total": cells["t3.carried_in.total"],
        "closed_total": cells["t3.closed_total.total"],
        "carried_out_total": cells["t3.carried_out.total"],
        "review_total": sum(cells.get(f"t4.review.{c}") or 0 for c in T4_PARTS),
        "suit_total": sum(cells.get(f"t4.{r}.{c}") or 0
                          for r in ("suit_direct", "suit_after_review") for c in T4_PARTS),
    }

    def fill(name: str) -> str:
        choices = text[name]
        template = choices[variant % len(choices)] if isinstance(choices, list) else choices
        return template.format(**values)

    requests = fill("requests") + fill("appeals_some" if t4_any else "appeals_none")
    return {
        1: [fill("overview"), fill("proactive"), requests, fill("management"), fill("platform"),
            fill("supervision")],
        5: [fill("problems")],
        6: [fill("other")],
    }


def _merge_edit(spec: dict) -> dict:
    edit = dict(spec["edit"])
    merged = {**spec, **{k: v for k, v in edit.items() if k != "t3"}}
    merged["t3"] = {**spec.get("t3", {}), **edit.get("t3", {})}
    return merged


def build_report(spec: dict, round_: int, previous: ReportContent | None = None) -> ReportContent:
    """One report; `previous` is the same agency's report for the year before, if any."""
    revised = "edit" in spec
    edited = round_ >= 2 and revised
    if edited:
        spec = _merge_edit(spec)
    edition = edition_for(spec["year"])
    rows = _t3_rows(edition, spec)
    cells = _cells(spec, edition, rows, previous)
    title = portal_data()["title"].format(agency=spec["agency"], year=spec["year"])
    return ReportContent(
        agency=spec["agency"], year=spec["year"], id=spec["id"], style=spec["style"],
        published=spec["published"], modified=spec.get("modified", spec["published"]),
        title=title, edition=edition, t3_rows=tuple(rows), cells=cells,
        paragraphs=_paragraphs(spec, cells), file=spec.get("file"), fails=spec.get("fails"),
        expect_errors=tuple(spec.get("expect_errors") or ()),
        expect_warnings=tuple(spec.get("expect_warnings") or ()), revised=revised, edited=edited,
    )


@lru_cache(maxsize=None)
def reports(round_: int = 1) -> tuple[ReportContent, ...]:
    """Every report of the data, in its order; each built after the same agency's year before."""
    specs = reports_data()["reports"]
    built: dict[tuple[str, int], ReportContent] = {}
    for spec in sorted(specs, key=lambda s: (s["agency"], s["year"])):
        built[(spec["agency"], spec["year"])] = build_report(
            spec, round_, built.get((spec["agency"], spec["year"] - 1)))
    return tuple(built[(spec["agency"], spec["year"])] for spec in specs)
