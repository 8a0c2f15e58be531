"""End to end against the bundled demo portal: `nianjian schedule` (a real APScheduler with an
interval trigger, a real crawl per cycle in its own process) runs two cycles; the portal then
serves its silently edited report and `nianjian monitor --once` runs a third. The alerts in the
database are the demo manifest's facts, and each is delivered once by email and webhook."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from nianjian.demo_portal import DemoPortal, demo_now, manifest, sources_for

# A polite crawl waits between requests; the demo portal on loopback does not need it.
# Every cycle re-asks every report page (no rotation): the edit must be caught the next cycle.
FAST_CRAWL = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "RETRY_BACKOFF_BASE": 0.1,
              "NIANJIAN_REVERIFY_NIGHTS": 1}


def nianjian(*args, env):
    return subprocess.run([sys.executable, "-m", "nianjian", *args], env=env, capture_output=True,
                          text=True, timeout=240)


@pytest.mark.timeout(280)
def test_scheduled_cycles_against_the_demo_portal(workdir, make_config, database, smtp_server,
                                                  webhook_server):
    with DemoPortal(port=0, slow_delay=0.5) as portal:
        (workdir / "sources.yaml").write_text(sources_for(portal.base_url), "utf-8")
        config = make_config(
            crawl=True, sections={"crawl.settings": FAST_CRAWL, "alerts": {"source_failing_after": 2}},
            channels=[{"name": "office", "type": "email", "host": "127.0.0.1", "port": smtp_server.port,
                       "security": "none", "from": "nianjian@example.org", "to": ["gongkai@example.org"]},
                      {"name": "hook", "type": "webhook", "url": webhook_server.url}])
        env = {**os.environ, "NIANJIAN_NOW": demo_now().isoformat()}
        done = nianjian("schedule", "--config", str(config.path), "--interval", "1", "--runs", "2", env=env)
        assert done.returncode == 0, done.stderr
        assert "stopped after 2 cycle(s)" in done.stdout

        facts = manifest(portal.base_url)
        runs = database.query("SELECT status, counts FROM runs WHERE kind = 'monitor' ORDER BY id")
        assert [r["status"] for r in runs] == ["ok", "ok"]
        expected = {(e.agency, e.year): e.status for e in facts.expectations}
        stored = {(r["agency"], r["year"]): r["status"] for r in database.query("SELECT * FROM expectations")}
        assert stored == expected
        days_late = {(e.agency, e.year): e.report.days_late for e in facts.expectations if e.status == "late"}
        assert {(r["agency"], r["year"]): r["days_late"] for r in
                database.query("SELECT * FROM expectations WHERE status = 'late'")} == days_late

        open_alerts = {(a["kind"], a["agency"], a["year"]) for a in database.alerts()}
        for kind in ("missing", "late"):
            assert {(k, a, y) for k, a, y in open_alerts if k == kind} == \
                {(kind, e.agency, e.year) for e in facts.expectations if e.status == kind}
        # every report the demo built inconsistent raises its alert (the checks may find more)
        assert {("inconsistent", e.agency, e.year) for e in facts.expectations if e.inconsistent} <= open_alerts
        # failing: the bot-walled column, and the source whose report page answers 500 (partial);
        # the slow page is slow, not failed, without a short DOWNLOAD_TIMEOUT
        broken = {r.agency for r in facts.reports if r.fails == "server_error"}
        failing = sorted(s for s, c in facts.columns.items()
                         if c["url"] == facts.failing["bot_wall"] or broken & set(c["agencies"]))
        assert ("source_failing", None, None) in open_alerts
        assert sorted(a["details"]["source"] for a in database.alerts()
                      if a["kind"] == "source_failing") == failing

        # cycle 1 announced everything but the failing source; cycle 2 only the source (2nd failure)
        assert len(smtp_server.messages) == 2 and len(webhook_server.requests) == 2
        first, second = (r["json"]["alerts"] for r in webhook_server.requests)
        assert {(a["kind"], a["agency"], a["year"]) for a in first} == open_alerts - {("source_failing", None, None)}
        assert [(a["event"], a["kind"]) for a in second] == [("open", "source_failing")] * len(failing)
        assert len(failing) == 2 and smtp_server.messages[1]["subject"] == "年检提醒：新增 2 条，解除 0 条"

        # the portal now serves the silently edited report; one cycle from system cron
        portal.round = 2
        once = nianjian("monitor", "--once", "--config", str(config.path), env=env)
        assert once.returncode == 0, once.stderr
        edited = [r for r in facts.reports if r.edited]
        changed = [a for a in database.alerts() if a["kind"] == "changed"]
        assert [(a["agency"], a["year"]) for a in changed] == [(r.agency, r.year) for r in edited]
        assert changed[0]["details"]["from_version"] == 1 and changed[0]["details"]["to_version"] == 2
        third = webhook_server.requests[2]["json"]["alerts"]
        assert ("open", "changed") in [(a["event"], a["kind"]) for a in third]
        assert len(smtp_server.messages) == 3

    # every notification went out exactly once on each channel
    sent = database.notifications()
    assert all(n["delivered_at"] and n["attempts"] == 1 for n in sent)
    assert len(sent) == 2 * len({n["key"] for n in sent})
    log = (workdir / "logs" / "monitor.log").read_text("utf-8")
    assert log.count("cycle ") >= 3 and "scheduler started" in log
    summary = json.loads(runs[0]["counts"])
    assert summary["crawl"] == "ok" and summary["delivered"] == 2 * len(first)
