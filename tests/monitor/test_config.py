"""The config file: the documented sample is the defaults; every mistake names its key."""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from monitor.config import load_config, parse_config
from nianjian.cli import main

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "nianjian.sample.toml"


def test_sample_holds_exactly_the_defaults():
    sample = load_config(SAMPLE)
    defaults = parse_config({}, base=SAMPLE.parent)
    assert replace(sample, path=None) == defaults
    assert sample.db == SAMPLE.parent / "nianjian.db"
    assert (sample.cron, sample.timezone, sample.grace_days, sample.source_failing_after, sample.mode) == \
        ("0 2 * * *", "Asia/Shanghai", 0, 3, "digest")
    assert sample.channels == ()


def test_every_commented_channel_in_the_sample_is_valid(tmp_path, monkeypatch):
    monkeypatch.setenv("NIANJIAN_SMTP_PASSWORD", "pw")
    monkeypatch.setenv("NIANJIAN_DINGTALK_SECRET", "SECabc")
    monkeypatch.setenv("NIANJIAN_FEISHU_SECRET", "fs")
    monkeypatch.setenv("NIANJIAN_WEBHOOK_TOKEN", "tk")
    text = SAMPLE.read_text("utf-8")
    head, channels = text.split("# [[notify.channels]]", 1)
    uncommented = re.sub(r"^# ?", "", "# [[notify.channels]]" + channels, flags=re.M).replace("…", "x")
    path = tmp_path / "nianjian.toml"
    path.write_text(head + uncommented, "utf-8")
    config = load_config(path)
    assert [(c.name, c.type) for c in config.channels] == [
        ("office-mail", "email"), ("hook", "webhook"), ("dingtalk", "dingtalk"), ("wecom", "wecom"),
        ("feishu", "feishu"), ("telegram", "apprise")]
    mail = config.channels[0]
    assert (mail.port, mail.security, mail.password, mail.recipients) == \
        (587, "starttls", "pw", ("duban@example.gov.cn", "gongkaiban@example.gov.cn"))
    assert config.channels[2].secret == "SECabc" and config.channels[1].token == "tk"
    assert "pw" not in repr(mail) and "SECabc" not in repr(config.channels[2])


@pytest.mark.parametrize("text, message", [
    ('grace_days = 3', "未知的键 unknown key 'grace_days'"),
    ('[alerts]\ngrace_day = 3', "未知的键 unknown key 'alerts.grace_day'"),
    ('[alerts]\ngrace_days = "3"', "'alerts.grace_days' 应为整数，而不是 '3'"),
    ('[alerts]\ngrace_days = -1', "'alerts.grace_days' 至少为 0，而不是 -1"),
    ('[alerts]\nkinds = ["missing", "lost"]', "'alerts.kinds' 含 'lost'；应取自 missing, unsure, late, inconsistent, changed, source_failing"),
    ('[schedule]\ncron = "0 25 * * *"', "'schedule.cron' 是 '0 25 * * *'，不是 crontab 行（分 时 日 月 星期）："),
    ('[schedule]\ntimezone = "Mars/Olympus"', "'schedule.timezone' 是 'Mars/Olympus'，不是时区名（如 Asia/Shanghai）"),
    ('[notify]\nmode = "weekly"', "'notify.mode' 是 'weekly'；应为 digest, per_alert 之一"),
    ('[[notify.channels]]\ntype = "pager"', "'notify.channels[0].type' 是 'pager'；应为 email, webhook"),
    ('[[notify.channels]]\nurl = "http://x"', "缺少必填的 'notify.channels[0].type'（email, webhook"),
    ('[[notify.channels]]\ntype = "email"\nhost = "h"\nfrom = "a@b"', "'notify.channels[0].to' 至少列出一个邮箱地址"),
    ('[[notify.channels]]\ntype = "dingtalk"\nurl = "ftp://x"', "'notify.channels[0].url' 不是 http(s) 网址：'ftp://x'"),
    ('[[notify.channels]]\ntype = "feishu"\nurl = "http://x"\nsecret_env = "NO_SUCH_VARIABLE_NJ"',
     "'notify.channels[0].secret_env'：环境变量 NO_SUCH_VARIABLE_NJ 未设置"),
    ('[[notify.channels]]\ntype = "webhook"\nurl = "http://x"\ncolour = "red"',
     "未知的键 unknown key 'notify.channels[0].colour'"),
    ('[[notify.channels]]\nname = "a"\ntype = "webhook"\nurl = "http://x"\n'
     '[[notify.channels]]\nname = "a"\ntype = "wecom"\nurl = "http://y"', "'notify.channels' 中的名称 name 'a' 用了两次"),
    ('db = ', "不是有效的 TOML（"),
    ('lock_file = "logs/monitor.lock"', "'lock_file' 已不再使用（各次监测由数据库里的租约 lease 隔开）：请删除它"),
    ('[notify]\ntimeout_seconds = 30\nlease_seconds = 10', "'notify.lease_seconds' 至少为 30，而不是 10"),
])
def test_bad_config_is_one_line_naming_the_key_and_exit_2(tmp_path, capsys, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text + "\n", "utf-8")
    assert main(["monitor", "--once", "--config", str(path), "--no-crawl"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"nianjian monitor: 错误 error: {path}：{message}")
    assert len(err.strip().splitlines()) == 1


def test_missing_config_file_and_missing_sources_file(tmp_path, capsys):
    assert main(["schedule", "--config", str(tmp_path / "none.toml")]) == 2
    assert capsys.readouterr().err.strip() == (
        f"nianjian schedule: 错误 error: 找不到配置文件 config file：{tmp_path / 'none.toml'}"
        f"（可从示例开始 start from the sample：cp data/nianjian.sample.toml {tmp_path / 'none.toml'}）")
    (tmp_path / "c.toml").write_text('sources = "nowhere.yaml"\n', "utf-8")
    assert main(["monitor", "--once", "--config", str(tmp_path / "c.toml")]) == 2
    assert f"找不到来源文件 sources file：{tmp_path / 'nowhere.yaml'}（可从示例开始 start from the sample：" \
        f"cp data/sources.sample.yaml" in capsys.readouterr().err


def test_config_and_sources_saved_as_gbk_are_one_line_errors(tmp_path, capsys):
    """A file saved as GBK (common on Chinese desktops) is named, not a UnicodeDecodeError."""
    config = tmp_path / "c.toml"
    config.write_bytes('# 配置\nsources = "s.yaml"\n'.encode("gbk"))
    assert main(["monitor", "--once", "--config", str(config), "--no-crawl"]) == 2
    assert capsys.readouterr().err.strip() == (
        f"nianjian monitor: 错误 error: {config}：不是 UTF-8 文本（第 2 字节）；请以 UTF-8 编码另存配置文件 config file")
    config.write_text('sources = "s.yaml"\n', "utf-8")
    (tmp_path / "s.yaml").write_bytes("sources:\n  - id: 涧西\n".encode("gbk"))
    assert main(["monitor", "--once", "--config", str(config), "--no-crawl"]) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path / 's.yaml'}：不是 UTF-8 文本" in err and "请以 UTF-8 编码另存来源文件 sources file" in err
    assert len(err.strip().splitlines()) == 1
