"""The commands: `nianjian monitor --once`, `nianjian alerts`, and the lease that keeps cycles apart."""
from __future__ import annotations

import json
import threading

import pytest

from monitor.cycle import CycleRunning, cycle_lease, run_once
from monitor.scheduler import run_scheduler
from nianjian.cli import main
from nianjian.store import Store


@pytest.fixture
def config_path(make_config, write_sources):
    write_sources(agencies=[{"name": "涧西区教育局", "level": "department", "first_year": 2022}])
    return make_config().path


def test_monitor_once_then_alerts_json(config_path, workdir, database, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")        # the table on one line per alert
    assert main(["monitor", "--once", "--config", str(config_path), "--now", "2024-02-01"]) == 0
    out = capsys.readouterr().out
    assert "应发布的报告 2 份：按时 0，逾期 0，未发布 2，未到期 0" in out and "告警：新增 2，解除 0" in out
    database.save("涧西区教育局", 2022, seen="2024-02-02T10:00", published="2023-01-20")
    assert main(["monitor", "--once", "--config", str(config_path), "--now", "2024-02-03T02:00"]) == 0
    assert "告警：新增 0，解除 1" in capsys.readouterr().out

    assert main(["alerts", "--json", "--db", str(workdir / "nianjian.db")]) == 0
    [alert] = json.loads(capsys.readouterr().out)
    assert {k: alert[k] for k in ("kind", "agency", "year", "state", "opened_at")} == {
        "kind": "missing", "agency": "涧西区教育局", "year": 2023, "state": "open",
        "opened_at": "2024-02-01T00:00:00+08:00"}
    assert alert["details"] == {"deadline": "2024-01-31", "grace_days": 0}
    assert alert["notifications"] == []                   # no channel configured

    assert main(["alerts", "--json", "--all", "--db", str(workdir / "nianjian.db")]) == 0
    every = json.loads(capsys.readouterr().out)
    assert [(a["year"], a["state"], a["resolved_at"]) for a in every] == [
        (2022, "resolved", "2024-02-03T02:00:00+08:00"), (2023, "open", None)]
    assert every[0]["details"]["resolution"] == "found"

    assert main(["alerts", "--db", str(workdir / "nianjian.db"), "--kind", "late"]) == 0
    assert "没有未解除的告警" in capsys.readouterr().out
    assert main(["alerts", "--db", str(workdir / "nianjian.db")]) == 0
    assert "涧西区教育局2023年度报告逾期未发布（截止 2024-01-31）" in capsys.readouterr().out


def test_db_option_overrides_the_config(config_path, workdir, capsys):
    other = workdir / "elsewhere.db"
    assert main(["monitor", "--once", "--config", str(config_path), "--db", str(other),
                 "--now", "2024-02-01"]) == 0
    capsys.readouterr()
    assert main(["alerts", "--json", "--db", str(other)]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 2
    assert not (workdir / "nianjian.db").exists()


def test_user_mistakes_are_one_line_and_exit_2(config_path, workdir, capsys):
    assert main(["alerts", "--db", str(workdir / "absent.db")]) == 2
    assert "没有数据库" in capsys.readouterr().err
    assert main(["monitor", "--once", "--config", str(config_path), "--now", "yesterday"]) == 2
    assert capsys.readouterr().err.strip() == \
        "nianjian monitor: 错误 error: --now：'yesterday' 不是 ISO 日期或日期时间（如 2026-05-01 或 2026-05-01T09:00）"
    assert main(["schedule", "--config", str(config_path), "--interval", "0"]) == 2
    assert "--interval 必须是正数" in capsys.readouterr().err


def test_cycles_never_overlap(make_config, config_path, capsys):
    config = make_config()
    with Store(config.db) as store, cycle_lease(store, config):
        with pytest.raises(CycleRunning, match="另一次监测正在 .*nianjian.db 上运行（进程 "):
            run_once(config)
        assert main(["monitor", "--once", "--config", str(config_path)]) == 2
        assert "另一次监测正在" in capsys.readouterr().err
    run_once(config)                     # free again


def test_scheduler_skips_a_cycle_while_another_holds_the_lease(make_config, database, at):
    """A second scheduler (or a cron --once) holding the lease: the fire time is skipped, not run
    alongside; once the lease is free the next fire time runs."""
    config = make_config(sections={"schedule": {"interval_seconds": 0.5}})
    store = Store(config.db)
    held = cycle_lease(store, config)
    held.__enter__()
    release = threading.Timer(1.2, held.__exit__, (None, None, None))
    release.start()
    cycles = run_scheduler(config, runs=1)
    release.join()
    store.close()
    assert cycles == 1
    runs = database.query("SELECT kind, status FROM runs")
    assert runs == [{"kind": "monitor", "status": "ok"}]
    log = (config.log_file).read_text("utf-8")
    assert "skipped: 另一次监测正在" in log


def test_a_broken_crawl_is_recorded_and_raises_source_failing(make_config, database, workdir, capsys):
    """The crawler process dies (here: a setting naming no spider module) before it reaches any
    source: the cycle says so, exits 1, still assesses, and the sources count as failed."""
    config = make_config(crawl=True, sections={"crawl.settings": {"SPIDER_MODULES": "nianjian_no_such_module"},
                                               "alerts": {"source_failing_after": 2}})
    assert main(["monitor", "--once", "--config", str(config.path), "--now", "2023-06-01"]) == 1
    err = capsys.readouterr().err
    assert "nianjian monitor: 错误 error: 抓取进程以状态 1 退出：ModuleNotFoundError: No module named " \
           "'nianjian_no_such_module'（抓取输出见 " in err
    assert main(["monitor", "--once", "--config", str(config.path), "--now", "2023-06-02"]) == 1
    [failing] = database.alerts()
    assert failing["key"] == "source_failing|jianxi" and failing["details"]["failures"] == 2
    assert failing["details"]["message"].startswith("抓取进程以状态 1 退出")
    assert [r["status"] for r in database.query("SELECT status FROM runs ORDER BY id")] == ["failed", "failed"]
    assert "Traceback" in (workdir / "logs" / "monitor.log").read_text("utf-8")   # the crawl's own output


def test_the_nightly_job_is_a_coalescing_single_instance_cron_at_two(make_config, at):
    from monitor.scheduler import JOB_ID, build_scheduler

    scheduler, _ = build_scheduler(make_config())
    [job] = scheduler.get_jobs()
    assert (job.id, job.max_instances, job.coalesce, job.misfire_grace_time) == (JOB_ID, 1, True, 3600)
    # the next fire times, seen from 03:00 Shanghai on 1 April, are 02:00 Shanghai the next nights
    fire = job.trigger.get_next_fire_time(None, at("2024-04-01T03:00"))
    assert fire.isoformat() == "2024-04-02T02:00:00+08:00"
    fire = job.trigger.get_next_fire_time(fire, fire.replace(minute=1))
    assert fire.isoformat() == "2024-04-03T02:00:00+08:00"

    custom, _ = build_scheduler(make_config(sections={"schedule": {
        "cron": "30 1 * 1-4 *", "misfire_grace_seconds": 600}}))
    [job] = custom.get_jobs()
    assert job.misfire_grace_time == 600
    assert job.trigger.get_next_fire_time(None, at("2024-04-30T03:00")).isoformat() == "2025-01-01T01:30:00+08:00"
