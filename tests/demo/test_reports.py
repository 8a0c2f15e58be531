"""Every report the portal serves parses (with `parsers.parse`) to the values its data says."""
from __future__ import annotations

import io
from urllib.parse import urlsplit

import docx
import pytest

from nianjian.demo_portal import manifest
from nianjian.demo_portal.content import build_report, reports, reports_data
from nianjian.demo_portal.site import CHALLENGE_COOKIE, build_site, challenge_answer
from parsers import parse

ROUND1 = manifest("", 1)
ROUND2 = manifest("", 2)
CASES = [(1, r) for r in ROUND1.reports] + [(2, r) for r in ROUND2.reports if r.edited]



def _id(case) -> str:
    round_, report = case
    return f"r{round_}-{report.agency}-{report.year}-{report.style}"


# What a browser gets from the JavaScript challenge (crawler/browser.py passes it in the crawl).
CLEARANCE = {"Cookie": f"{CHALLENGE_COOKIE}={challenge_answer()}"}


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_report_parses_to_its_data(case, portal, portal2, http):
    round_, entry = case
    base = (portal if round_ == 1 else portal2).base_url
    path = entry.attachment_url or entry.url
    if entry.fails:       # served as a 500 or after a long wait: read the page the portal holds
        page = build_site(round_).pages[path]
        body, content_type = page.body, page.content_type
    else:
        answer = http(base + path, headers=CLEARANCE)     # the challenge site's pages need its cookie
        assert answer.status == 200
        body, content_type = answer.body, answer.headers["Content-Type"]
    report = parse(body, url=base + entry.url, content_type=content_type, filename=path.rsplit("/", 1)[1])
    assert report.year == entry.year
    assert report.template == entry.edition
    assert report.sections == [1, 2, 3, 4, 5, 6]
    expected = dict(entry.cells)
    if entry.style != "pdf":               # the real PDF names 洪泽区, not the demo agency
        assert report.agency == entry.agency
        assert report.title == entry.title
        if entry.style != "docx":          # the date is on the detail page, not in the Word file
            assert report.published == entry.published.isoformat()
    assert {k: report.cells.get(k, "absent") for k in expected} == expected
    assert set(report.cells) == set(expected)        # nothing read that the report does not print


def test_the_edit_changes_figures_and_prose_only_in_round_two():
    one = ROUND1.report("示例市财政局", 2025)
    two = ROUND2.report("示例市财政局", 2025)
    assert one.edited and two.edited and one.url == two.url
    changed = {k for k in one.cells if one.cells[k] != two.cells[k]}
    assert changed == {"t3.new.natural", "t3.new.total", "t3.granted.natural", "t3.granted.total",
                       "t3.unavailable_not_held.natural", "t3.unavailable_not_held.total",
                       "t3.closed_total.natural", "t3.closed_total.total"}
    assert (one.cells["t3.new.total"], two.cells["t3.new.total"]) == (18, 20)
    assert [r for r in ROUND2.reports if r.cells != ROUND1.report(r.agency, r.year).cells] == [two]


def test_docx_attachment_is_the_filled_template(portal, facts, http):
    entry = facts.report("示例县东湖镇人民政府", 2024)
    answer = http(entry.attachment_url)
    assert answer.headers["Content-Type"].endswith("wordprocessingml.document")
    document = docx.Document(io.BytesIO(answer.body))
    assert document.paragraphs[1].text == entry.title
    t3 = document.tables[1]
    assert [c.text for c in t3.rows[3].cells[3:]] == ["2", "0", "0", "0", "0", "0", "2"]
    content = next(r for r in reports(1) if (r.agency, r.year) == (entry.agency, entry.year))
    texts = [p.text for p in document.paragraphs]
    for number in (1, 5, 6):                      # the prose replaced the template's placeholders
        for paragraph in content.paragraphs[number]:
            assert paragraph in texts
    assert not [t for t in texts if t.startswith("（文字描述")]


def test_data_mistakes_are_refused_with_the_report_named():
    spec = dict(reports_data()["reports"][1])
    with pytest.raises(ValueError, match="示例市人民政府 2021: t2 needs 10 values"):
        build_report({**spec, "t2": [1, 2]}, 1)
    with pytest.raises(ValueError, match="more applications closed than received"):
        build_report({**spec, "t3": {"new": [1], "granted": [5]}}, 1)
    with pytest.raises(ValueError, match=r"t3 rows \['new'\] have more than 6 values"):
        build_report({**spec, "t3": {"new": [1, 2, 3, 4, 5, 6, 7]}}, 1)
    with pytest.raises(ValueError, match=r"t4 rows \['review'\] have more than 4 values"):
        build_report({**spec, "t4": {"review": [1, 0, 0, 0, 1]}}, 1)
    with pytest.raises(ValueError, match="not printed in this edition"):
        build_report({**spec, "t3": {"other_handling": [1]}}, 1)


def _parsed(entry, round_: int = 1):
    path = urlsplit(entry.attachment_url or entry.url).path
    page = build_site(round_).pages[path]
    return parse(page.body, url=entry.url, content_type=page.content_type, filename=path.rsplit("/", 1)[1])


def test_the_checks_find_what_the_data_means_and_nothing_else():
    """Each report checked against the same agency's year before and the other agencies' reports of
    the same year, as the store does: the rules the
    data means to break are broken, and no other error or warning appears (no accidental carry-over,
    in-force or copied-text findings from careless demo data)."""
    from nianjian.checks import check

    by_key = {(r.agency, r.year): r for r in ROUND1.reports}
    parsed = {key: _parsed(entry) for key, entry in by_key.items()}
    for (agency, year), entry in by_key.items():
        previous = parsed.get((agency, year - 1))
        peers = [parsed[k] for k in by_key if k[1] == year and k[0] != agency]
        findings = check(parsed[(agency, year)], previous=previous, peers=peers)
        errors = {f.rule for f in findings if f.severity == "error" and f.assessable}
        warnings = {f.rule for f in findings if f.severity == "warning" and f.assessable}
        assert errors == set(entry.expect_errors), (agency, year)
        assert warnings == set(entry.expect_warnings), (agency, year, [f.message_en for f in findings
                                                                      if f.severity == "warning"])
    assert [(r.agency, r.year) for r in ROUND1.reports if r.expect_warnings] == [("示例县城关街道办事处", 2025)]
