"""Delivery through real servers: SMTP (plain, login, STARTTLS), outage and retry, JSON webhook,
Apprise json://, and the office robots with their signatures checked the way their servers do."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import pytest

from monitor.cycle import run_once
from nianjian.cli import main

GOVERNMENT = {"name": "涧西区人民政府", "level": "government", "first_year": 2023}
DEPARTMENT = {"name": "涧西区教育局", "level": "department", "first_year": 2022}


@pytest.fixture
def two_missing(write_sources):
    """One government (2023 due 2024-03-31) and one department (2022 and 2023, due 01-31)."""
    write_sources(agencies=[GOVERNMENT, DEPARTMENT])
    return "2024-04-02T02:00"          # all three reports overdue


def email_channel(server, **extra) -> dict:
    return {"name": "office", "type": "email", "host": "127.0.0.1", "port": server.port,
            "security": "none", "from": "nianjian@example.org",
            "to": ["gongkai@example.org", "duban@example.org"], **extra}


def test_smtp_outage_keeps_notifications_and_delivers_once_when_back(
        at, two_missing, make_config, database, smtp_server):
    config = make_config(channels=[email_channel(smtp_server)], sections={"notify": {"timeout_seconds": 3}})
    smtp_server.stop()
    for hour in (2, 3):
        result = run_once(config, now=at(f"2024-04-02T0{hour}:00"))
        assert not result.ok and result.delivery.pending == 3 and result.delivery.delivered == 0
        assert "channel office：" in result.errors[0]
    rows = database.notifications()
    assert len(rows) == 3 and all(r["delivered_at"] is None and r["attempts"] == 2 for r in rows)
    assert all(r["last_error"] for r in rows)

    smtp_server.start()
    result = run_once(config, now=at("2024-04-02T04:00"))
    assert result.ok and result.delivery.delivered == 3 and result.delivery.messages == 1
    run_once(config, now=at("2024-04-03T02:00"))
    assert len(smtp_server.messages) == 1                 # one digest, delivered once
    mail = smtp_server.messages[0]
    assert sorted(mail["to"]) == ["duban@example.org", "gongkai@example.org"]
    assert mail["subject"] == "年检提醒：新增 3 条，解除 0 条"
    body = mail["body"]
    assert "【新增·年报未发布】3 条" in body
    # grouped by agency, then year
    assert body.index("涧西区人民政府2023") < body.index("涧西区教育局2022") < body.index("涧西区教育局2023")
    assert all(r["delivered_at"] == "2024-04-02T04:00:00+08:00" for r in database.notifications())


def test_starttls_and_login_with_password_from_environment_never_logged(
        at, two_missing, make_config, database, workdir, monkeypatch, smtp_factory, tls_context):
    password = "s3cret-Pa55!&"
    server = smtp_factory(credentials=("gongkai", password), tls_context=tls_context)
    channel = email_channel(server, security="starttls", username="gongkai",
                            password_env="NIANJIAN_SMTP_PASSWORD", verify_tls=False)
    monkeypatch.setenv("NIANJIAN_SMTP_PASSWORD", "wrong-" + password)
    config = make_config(channels=[channel])
    result = run_once(config, now=at(two_missing))
    assert result.delivery.pending == 3 and server.messages == []
    monkeypatch.setenv("NIANJIAN_SMTP_PASSWORD", password)
    result = run_once(make_config(channels=[channel]), now=at("2024-04-03T02:00"))
    assert result.ok and result.delivery.delivered == 3
    [mail] = server.messages
    assert mail["tls"] and mail["login"] == b"gongkai" and "涧西区教育局2022" in mail["body"]
    # the password is in no error column, no log line, no run record
    stored = " ".join(str(v) for r in database.query("SELECT * FROM notifications") for v in r.values())
    stored += " ".join(str(v) for r in database.query("SELECT * FROM runs") for v in r.values())
    assert password not in stored and "wrong-" not in stored
    log = (workdir / "logs" / "monitor.log")
    assert not log.exists() or password not in log.read_text("utf-8")


def test_per_alert_mode_sends_one_message_per_alert(at, two_missing, make_config, smtp_server):
    config = make_config(channels=[email_channel(smtp_server)], sections={"notify": {"mode": "per_alert"}})
    run_once(config, now=at(two_missing))
    subjects = sorted(m["subject"] for m in smtp_server.messages)
    assert subjects == ["年检提醒：新增年报未发布"] * 3
    assert sorted(m["body"].splitlines()[1].split("年度报告")[0] for m in smtp_server.messages) == \
        ["- 涧西区人民政府2023", "- 涧西区教育局2022", "- 涧西区教育局2023"]


def _check_dingtalk(request, secret):
    stamp, sign = request["query"]["timestamp"], request["query"]["sign"]
    assert abs(int(stamp) - time.time() * 1000) < 60_000          # DingTalk rejects > 1 hour off
    expected = base64.b64encode(hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(),
                                         hashlib.sha256).digest()).decode()
    assert sign == expected
    assert request["query"]["access_token"] == "tok123"
    assert request["json"]["msgtype"] == "text"
    return request["json"]["text"]["content"]


def _check_feishu(request, secret):
    body = request["json"]
    stamp = body["timestamp"]
    assert abs(int(stamp) - time.time()) < 60
    expected = base64.b64encode(hmac.new(f"{stamp}\n{secret}".encode(), b"", hashlib.sha256).digest()).decode()
    assert body["sign"] == expected
    assert body["msg_type"] == "text"
    return body["content"]["text"]


def _check_wecom(request, secret):
    assert request["query"] == {"key": "tok123"} and request["json"]["msgtype"] == "text"
    return request["json"]["text"]["content"]


@pytest.mark.parametrize("kind, path, check", [
    ("dingtalk", "/robot/send?access_token=tok123", _check_dingtalk),
    ("feishu", "/open-apis/bot/v2/hook/tok123", _check_feishu),
    ("wecom", "/cgi-bin/webhook/send?key=tok123", _check_wecom),
])
def test_office_robots_signed(at, two_missing, make_config, webhook_server, kind, path, check):
    secret = "SEC0123456789abcdef"
    channel = {"name": kind, "type": kind, "url": webhook_server.url + path}
    if kind != "wecom":
        channel["secret"] = secret
    run_once(make_config(channels=[channel]), now=at(two_missing))
    [request] = webhook_server.requests
    assert request["path"] == path.split("?")[0]
    text = check(request, secret)
    assert text.startswith("年检提醒：新增 3 条，解除 0 条\n\n【新增·年报未发布】3 条\n")
    assert "涧西区教育局2022年度报告逾期未发布（截止 2023-01-31）" in text


def test_robot_refusal_is_kept_for_the_next_run_without_leaking_the_token(
        at, two_missing, make_config, database, webhook_server):
    webhook_server.answer = {"errcode": 310000, "errmsg": "sign not match"}
    channel = {"name": "ding", "type": "dingtalk", "secret": "SECxyz",
               "url": webhook_server.url + "/robot/send?access_token=tok123"}
    config = make_config(channels=[channel])
    result = run_once(config, now=at(two_missing))
    assert result.delivery.pending == 3
    [error] = {r["last_error"] for r in database.notifications()}
    assert "310000" in error and "sign not match" in error
    assert "tok123" not in error and "SECxyz" not in error
    webhook_server.answer = {"errcode": 0, "errmsg": "ok"}
    run_once(config, now=at("2024-04-03T02:00"))
    run_once(config, now=at("2024-04-04T02:00"))
    assert len(webhook_server.requests) == 2                      # refused once, delivered once
    assert all(r["delivered_at"] for r in database.notifications())


def test_apprise_url_channel(at, two_missing, make_config, webhook_server):
    port = webhook_server.url.rsplit(":", 1)[1]
    run_once(make_config(channels=[{"type": "apprise", "url": f"json://127.0.0.1:{port}/apprise"}]),
             now=at(two_missing))
    [request] = webhook_server.requests
    assert request["path"] == "/apprise"
    assert request["json"]["title"] == "年检提醒：新增 3 条，解除 0 条"
    assert "涧西区人民政府2023年度报告逾期未发布" in request["json"]["message"]


def test_channels_fail_and_recover_independently(at, two_missing, make_config, database,
                                                  smtp_server, webhook_server, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")
    config = make_config(channels=[email_channel(smtp_server),
                                   {"name": "hook", "type": "webhook", "url": webhook_server.url}],
                         sections={"notify": {"timeout_seconds": 3}})
    smtp_server.stop()
    run_once(config, now=at(two_missing))
    assert len(webhook_server.requests) == 1
    pending = [(r["channel"], r["delivered_at"] is None) for r in database.notifications()]
    assert sorted(set(pending)) == [("hook", False), ("office", True)]
    assert main(["alerts", "--json", "--db", str(config.db)]) == 0
    [first, *_] = json.loads(capsys.readouterr().out)
    assert [(n["channel"], n["event"], n["attempts"], n["delivered_at"] is None)
            for n in first["notifications"]] == [("office", "open", 1, True), ("hook", "open", 1, False)]
    assert main(["alerts", "--db", str(config.db)]) == 0
    assert "office:open…1" in capsys.readouterr().out.replace(" ", "").replace("\n", "")

    smtp_server.start()
    run_once(config, now=at("2024-04-03T02:00"))
    assert len(webhook_server.requests) == 1 and len(smtp_server.messages) == 1


def test_implicit_tls(at, two_missing, make_config, smtp_factory, tls_context):
    server = smtp_factory(tls_context=tls_context, implicit_tls=True)
    channel = email_channel(server, security="ssl", verify_tls=False)
    assert run_once(make_config(channels=[channel]), now=at(two_missing)).ok
    [mail] = server.messages
    assert mail["subject"] == "年检提醒：新增 3 条，解除 0 条"


def test_a_self_signed_certificate_is_refused_unless_allowed(at, two_missing, make_config, database,
                                                            smtp_factory, tls_context):
    server = smtp_factory(tls_context=tls_context)
    result = run_once(make_config(channels=[email_channel(server, security="starttls")]), now=at(two_missing))
    assert result.delivery.pending == 3 and server.messages == []


def test_a_long_digest_is_cut_to_what_the_robot_accepts(at, write_sources, make_config, webhook_server):
    write_sources(agencies=[{"name": f"涧西区第{i}局", "level": "department", "first_year": 2023}
                            for i in range(60)])
    channel = {"name": "wecom", "type": "wecom", "url": webhook_server.url + "/cgi-bin/webhook/send?key=k"}
    run_once(make_config(channels=[channel]), now=at("2024-02-01T02:00"))
    content = webhook_server.requests[0]["json"]["text"]["content"]
    assert content.startswith("年检提醒：新增 60 条，解除 0 条")
    assert content.endswith("\n…（内容过长已截断，完整列表见 nianjian alerts）")
    assert len(content.encode()) <= 2100
    # whole lines only
    assert all(line.endswith("（截止 2024-01-31）") for line in content.splitlines()[3:-1])
