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
    ('grace_days = 3', "unknown key 'grace_days'"),
    ('[alerts]\ngrace_day = 3', "unknown key 'alerts.grace_day'"),
    ('[alerts]\ngrace_days = "3"', "'alerts.grace_days' must be an integer, not '3'"),
    ('[alerts]\ngrace_days = -1', "'alerts.grace_days' must be at least 0"),
    ('[alerts]\nkinds = ["missing", "lost"]', "'alerts.kinds' has 'lost'"),
    ('[schedule]\ncron = "0 25 * * *"', "'schedule.cron'"),
    ('[schedule]\ntimezone = "Mars/Olympus"', "'schedule.timezone'"),
    ('[notify]\nmode = "weekly"', "'notify.mode' is 'weekly'; expected one of digest, per_alert"),
    ('[[notify.channels]]\ntype = "pager"', "'notify.channels[0].type' is 'pager'"),
    ('[[notify.channels]]\nurl = "http://x"', "'notify.channels[0].type' is required"),
    ('[[notify.channels]]\ntype = "email"\nhost = "h"\nfrom = "a@b"', "'notify.channels[0].to' must list"),
    ('[[notify.channels]]\ntype = "dingtalk"\nurl = "ftp://x"', "'notify.channels[0].url' is not an http(s) URL"),
    ('[[notify.channels]]\ntype = "feishu"\nurl = "http://x"\nsecret_env = "NO_SUCH_VARIABLE_NJ"',
     "'notify.channels[0].secret_env': environment variable NO_SUCH_VARIABLE_NJ is not set"),
    ('[[notify.channels]]\ntype = "webhook"\nurl = "http://x"\ncolour = "red"',
     "unknown key 'notify.channels[0].colour'"),
    ('[[notify.channels]]\nname = "a"\ntype = "webhook"\nurl = "http://x"\n'
     '[[notify.channels]]\nname = "a"\ntype = "wecom"\nurl = "http://y"', "uses the name 'a' twice"),
    ('db = ', "not valid TOML"),
    ('lock_file = "logs/monitor.lock"', "'lock_file' is no longer used (cycles are kept apart by a lease"),
    ('[notify]\ntimeout_seconds = 30\nlease_seconds = 10', "'notify.lease_seconds' must be at least 30"),
])
def test_bad_config_is_one_line_naming_the_key_and_exit_2(tmp_path, capsys, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text + "\n", "utf-8")
    assert main(["monitor", "--once", "--config", str(path), "--no-crawl"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"nianjian monitor: error: {path}: ") and message in err
    assert len(err.strip().splitlines()) == 1


def test_missing_config_file_and_missing_sources_file(tmp_path, capsys):
    assert main(["schedule", "--config", str(tmp_path / "none.toml")]) == 2
    assert f"no config file at {tmp_path / 'none.toml'} (start from the sample: cp data/nianjian.sample.toml" \
        in capsys.readouterr().err
    (tmp_path / "c.toml").write_text('sources = "nowhere.yaml"\n', "utf-8")
    assert main(["monitor", "--once", "--config", str(tmp_path / "c.toml")]) == 2
    assert f"no sources file at {tmp_path / 'nowhere.yaml'} (start from the sample: cp data/sources.sample.yaml" \
        in capsys.readouterr().err


def test_config_and_sources_saved_as_gbk_are_one_line_errors(tmp_path, capsys):
    """A file saved as GBK (common on Chinese desktops) is named, not a UnicodeDecodeError."""
    config = tmp_path / "c.toml"
    config.write_bytes('# 配置\nsources = "s.yaml"\n'.encode("gbk"))
    assert main(["monitor", "--once", "--config", str(config), "--no-crawl"]) == 2
    assert capsys.readouterr().err.strip() == (
        f"nianjian monitor: error: {config}: not UTF-8 text (byte 2); save the config file as UTF-8")
    config.write_text('sources = "s.yaml"\n', "utf-8")
    (tmp_path / "s.yaml").write_bytes("sources:\n  - id: 涧西\n".encode("gbk"))
    assert main(["monitor", "--once", "--config", str(config), "--no-crawl"]) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path / 's.yaml'}: not UTF-8 text" in err and "save the sources file as UTF-8" in err
    assert len(err.strip().splitlines()) == 1
