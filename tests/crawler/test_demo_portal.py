"""The crawl against the bundled demo portal (nianjian/demo_portal), checked against its own
manifest of expected reports: every report the portal holds is found, with its publication
date; the misbehaving URLs are recorded as failures; nothing else is fetched twice."""
from __future__ import annotations

import sqlite_utils

from nianjian.demo_portal.manifest import manifest, sources_for
from nianjian.demo_portal.server import DemoPortal


def test_crawl_of_the_demo_portal_matches_its_manifest(crawl, tmp_path):
    with DemoPortal(port=0, slow_delay=4.0) as portal:
        expected = manifest(portal.base_url)
        sources = tmp_path / "sources.yaml"
        sources.write_text(sources_for(portal.base_url), "utf-8")
        db = tmp_path / "nianjian.db"
        result = crawl(sources, db, "DOWNLOAD_TIMEOUT=2")
        assert result.returncode == 0, result.stderr[-3000:]
        hits = dict(portal.hits)

    store = sqlite_utils.Database(db)
    found = {(r["agency"], r["year"]): r["published"] for r in store.query("select agency, year, published from reports")}
    assert found == {(r.agency, r.year): r.published.isoformat() for r in expected.stored_reports}

    outcomes = {r["url"]: r["outcome"] for r in store.query("select url, outcome from fetches")}
    for kind, url in expected.failing.items():
        assert outcomes.get(url) in {"bot_wall": {"blocked"}, "server_error": {"http_error"},
                                     "slow": {"error"}}.get(kind, {"blocked", "http_error", "error"}), (kind, url)
    for item in expected.ignored:
        assert item["url"] not in outcomes, item
    # Nothing fetched with content twice (retries of failing URLs aside, and the list pages that
    # were read again in the browser: a script-built column, a challenge).
    failing_paths = {url.replace(expected.base_url, "") for url in expected.failing.values()}
    rendered = {r["url"].replace(expected.base_url, "")
                for r in store.query("select url from fetches where rendered is not null")}
    assert rendered == {"/sthjj/xxgk/ndbg/index.html", "/jtysj/xxgk/ndbg/index.html", "/zrzyj/zwgk/ndbg/index.html"}
    twice = [(m, p, s) for (m, p, s), n in hits.items() if n > 1 and s == 200 and p not in failing_paths
             and p not in rendered and not p.endswith("robots.txt")]
    assert twice == []
