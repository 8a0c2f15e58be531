"""Each alert announced once, against a real (and slow, or hanging) webhook receiver on 127.0.0.1:
two monitor processes with two config files on one database, a sender killed with SIGKILL
between the receiver's getting the post and the row being marked, and a receiver that goes
silent after the request was sent. Every post carries an idempotency key (X-Nianjian-Delivery,
and `delivery` in the JSON) so a receiver drops the rare resend."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from monitor.config import load_config
from monitor.cycle import run_once

ROOT = Path(__file__).resolve().parents[2]
DEPARTMENTS = [{"name": name, "level": "department", "first_year": 2022}
               for name in ("涧西区教育局", "涧西区财政局", "涧西区民政局", "涧西区卫生健康委员会")]
NOW = "2024-04-02T02:00"                 # each department's 2022 and 2023 reports overdue: 8 alerts


class Receiver:
    """A webhook receiver: records every post (its key, header and body) and answers after
    `delay` seconds. The first post is recorded, then `first`: "answer" it at once, "hold" it
    until `release` is set, or "drop" it (never answered)."""

    def __init__(self, delay: float = 0.0, first: str = "answer"):
        self.posts: list[dict] = []
        self.got_first = threading.Event()
        self.release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                receiver.posts.append({"header": self.headers.get("X-Nianjian-Delivery"), "json": body})
                if len(receiver.posts) == 1:
                    receiver.got_first.set()
                    if first != "answer":
                        receiver.release.wait(60)
                    if first == "drop":
                        return
                time.sleep(delay)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def keys(self) -> list[str]:
        return [post["header"] for post in self.posts]

    def alerts(self) -> list[str]:
        return [alert["key"] for post in self.posts for alert in post["json"]["alerts"]]

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receivers():
    made = []

    def make(**options) -> Receiver:
        made.append(Receiver(**options))
        return made[-1]
    yield make
    for receiver in made:
        receiver.close()


@pytest.fixture
def two_missing_departments(write_sources):
    """Two departments, each missing its 2022 and 2023 reports: 4 alerts."""
    write_sources(agencies=DEPARTMENTS[:2])


def hook(receiver: Receiver) -> dict:
    return {"name": "hook", "type": "webhook", "url": receiver.url}


def monitor_process(config: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "nianjian", "monitor", "--once", "--config", str(config),
                             "--now", NOW], env={**os.environ, "PYTHONPATH": str(ROOT)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_monitors_on_one_database_post_each_alert_once(workdir, write_sources, write_config, receivers,
                                                          database):
    """A manual run beside the scheduler, with its own config file (own log), same database."""
    write_sources(agencies=DEPARTMENTS)
    receiver = receivers(delay=0.1, first="hold")          # the scheduled cycle is mid-delivery
    sections = {"notify": {"mode": "per_alert", "timeout_seconds": 60}}
    nightly = write_config(workdir, channels=[hook(receiver)], sections=sections)
    (workdir / "manual").mkdir()
    second = write_config(workdir / "manual", channels=[hook(receiver)], sections=sections,
                          sources="../sources.yaml", db="../nianjian.db")
    scheduled = monitor_process(nightly)
    try:
        assert receiver.got_first.wait(60), scheduled.communicate()
        manual = monitor_process(second)
        _, err = manual.communicate(timeout=120)
        assert manual.returncode == 2
        assert err.startswith("nianjian monitor: 错误 error: 另一次监测正在 ")
        assert "Traceback" not in err
    finally:
        receiver.release.set()
        _, err = scheduled.communicate(timeout=120)
    assert scheduled.returncode == 0, err
    assert len(receiver.posts) == 8
    assert sorted(receiver.alerts()) == sorted(f"missing|{d['name']}|{year}" for d in DEPARTMENTS
                                               for year in (2022, 2023))
    assert len(set(receiver.keys())) == 8 and all(receiver.keys())
    assert all(post["json"]["delivery"] == post["header"] for post in receiver.posts)
    assert all(n["delivered_at"] for n in database.notifications())
    assert [r["status"] for r in database.query("SELECT status FROM runs")] == ["ok"]


def test_a_sender_killed_mid_delivery_resends_with_the_same_key_once_its_claim_expires(
        workdir, two_missing_departments, write_config, receivers, database, at):
    receiver = receivers(first="drop")
    config_path = write_config(workdir, channels=[hook(receiver)], sections={
        "notify": {"mode": "per_alert", "timeout_seconds": 2, "lease_seconds": 12}})
    sender = monitor_process(config_path)
    try:
        assert receiver.got_first.wait(60), sender.communicate()
        claimed_by = time.monotonic()
    finally:
        sender.send_signal(signal.SIGKILL)                            # the receiver has it; no answer yet
        sender.wait(10)
    [sent] = receiver.keys()
    [row] = database.query("SELECT delivered_at, delivery, claimed_until FROM notifications "
                           "WHERE delivery = ?", [sent])
    assert row["delivered_at"] is None and row["claimed_until"]

    config = load_config(config_path)
    result = run_once(config, now=at("2024-04-02T03:00"))             # within the claim: nothing goes
    assert time.monotonic() - claimed_by < 12, "too slow to test the claim"
    assert len(receiver.posts) == 1 and result.delivery.delivered == 0 and result.delivery.pending == 4
    runs = database.query("SELECT status FROM runs ORDER BY id")
    assert [r["status"] for r in runs] == ["interrupted", "ok"]       # the killed cycle's run

    time.sleep(max(0.0, 12.5 - (time.monotonic() - claimed_by)))
    result = run_once(config, now=at("2024-04-02T04:00"))             # the claim expired
    assert result.delivery.delivered == 4 and result.delivery.pending == 0
    keys = receiver.keys()
    assert len(keys) == 5 and keys.count(sent) == 2                   # the one resend keeps its key
    first_alerts = receiver.posts[0]["json"]["alerts"]
    resent = [p for p in receiver.posts[1:] if p["header"] == sent]
    assert resent[0]["json"]["alerts"][0]["key"] == first_alerts[0]["key"]
    # what a receiver that drops seen keys shows: each alert once
    seen, shown = set(), []
    for post in receiver.posts:
        if post["header"] not in seen:
            seen.add(post["header"])
            shown += [a["key"] for a in post["json"]["alerts"]]
    assert sorted(shown) == sorted(set(receiver.alerts())) and len(shown) == 4
    assert all(n["delivered_at"] for n in database.notifications())


def test_a_receiver_silent_after_the_post_gets_it_again_under_the_same_key(
        two_missing_departments, receivers, make_config, at):
    receiver = receivers(first="drop")
    config = make_config(channels=[hook(receiver)], sections={"notify": {"timeout_seconds": 1}})
    result = run_once(config, now=at(NOW))
    assert result.delivery.delivered == 0 and "it may have arrived" in result.errors[0]
    receiver.release.set()
    result = run_once(config, now=at("2024-04-03T02:00"))
    assert result.ok and result.delivery.delivered == 4 and result.delivery.messages == 1
    [first, again] = receiver.keys()
    assert first == again                                             # the same digest, the same key


def test_a_refused_digest_joins_the_next_one_under_a_new_key(
        two_missing_departments, make_config, database, webhook_server, at):
    """A receiver that answered with an error did not take the message: no key to keep."""
    channel = {"name": "ding", "type": "dingtalk", "url": webhook_server.url + "/robot/send"}
    webhook_server.answer = {"errcode": 130101, "errmsg": "send too fast"}
    config = make_config(channels=[channel])
    run_once(config, now=at(NOW))
    assert {n["delivery"] for n in database.query("SELECT delivery FROM notifications")} == {None}
    webhook_server.answer = {"errcode": 0, "errmsg": "ok"}
    assert run_once(config, now=at("2024-04-03T02:00")).delivery.messages == 1
    [delivered] = {n["delivery"] for n in database.query("SELECT delivery FROM notifications")}
    assert delivered and len(webhook_server.requests) == 2
