"""The monitor's one configuration file (TOML), with every default documented in
data/nianjian.sample.toml. A mistake names the key and stops (UserError) before anything runs.

Relative paths in the file are read against the file's own directory, so a system cron job
(which starts in $HOME) finds the same database as a user in the checkout.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from nianjian.commands import WORDS
from nianjian.errors import UserError, read_user_file

DEFAULT_CONFIG = "data/nianjian.toml"
ALERT_KINDS = ("missing", "unsure", "late", "inconsistent", "changed", "source_failing")
CHANNEL_TYPES = ("email", "webhook", "dingtalk", "wecom", "feishu", "apprise")
NOTIFY_MODES = ("digest", "per_alert")
EMAIL_SECURITY = ("starttls", "ssl", "none")


@dataclass(frozen=True)
class Channel:
    """Where notifications go. `name` is the channel's identity in the notifications table:
    renaming a channel makes it a new one (it gets only events from then on)."""
    name: str
    type: str
    url: str | None = None
    secret: str | None = None            # DingTalk / Feishu signing secret
    token: str | None = None             # webhook: sent as "Authorization: Bearer <token>"
    host: str | None = None              # email
    port: int | None = None
    security: str = "starttls"
    username: str | None = None
    password: str | None = None
    sender: str | None = None
    recipients: tuple[str, ...] = ()
    verify_tls: bool = True              # False: accept a self-signed certificate (in-house servers)

    def __repr__(self) -> str:           # credentials never reach a log through repr()
        return f"Channel(name={self.name!r}, type={self.type!r})"

    @property
    def secrets(self) -> tuple[str, ...]:
        """Values to scrub from any error text before it is stored or logged."""
        return tuple(s for s in (self.secret, self.password, self.token) if s)


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    sources: Path = Path("data/sources.yaml")
    db: Path = Path("data/nianjian.db")
    log_file: Path = Path("data/logs/monitor.log")
    cron: str = "0 2 * * *"
    timezone: str = "Asia/Shanghai"
    interval_seconds: float = 0
    misfire_grace_seconds: int = 3600
    crawl: bool = True
    crawl_timeout_minutes: float = 180
    crawl_settings: tuple[tuple[str, str], ...] = ()      # Scrapy settings passed as -s NAME=VALUE
    grace_days: int = 0
    source_failing_after: int = 3
    kinds: tuple[str, ...] = ALERT_KINDS
    mode: str = "digest"
    notify_timeout_seconds: float = 15
    notify_lease_seconds: float = 600      # a sender's claim on the notifications it is sending
    channels: tuple[Channel, ...] = field(default_factory=tuple)
    base_url: str | None = None          # where `nianjian serve` answers: messages link to its pages


class _Table:
    """One TOML table being read: hands out typed values and remembers which keys were used,
    so an unknown (misspelt) key is an error rather than a silently ignored setting."""

    def __init__(self, data, where: str, origin: str):
        if not isinstance(data, dict):
            raise UserError.said("config.not_a_table", origin=origin, key=where)
        self.data, self.where, self.origin, self.used = data, where, origin, set()

    def key(self, name: str) -> str:
        return f"{self.where}.{name}" if self.where else name

    def get(self, name: str, kind, default=None, *, choices=None, minimum=None):
        self.used.add(name)
        if name not in self.data:
            return default
        value = self.data[name]
        kinds = (int, float) if kind is float else kind
        if not isinstance(value, kinds) or (kind in (int, float) and isinstance(value, bool)):
            raise UserError.said("config.wrong_kind", origin=self.origin, key=self.key(name), value=value,
                                 kind=WORDS["errors"]["config"]["kinds"][kind.__name__])
        if choices is not None and value not in choices:
            raise UserError.said("config.not_a_choice", origin=self.origin, key=self.key(name), value=value,
                                 choices=", ".join(choices))
        if minimum is not None and value < minimum:
            raise UserError.said("config.too_small", origin=self.origin, key=self.key(name), value=value,
                                 minimum=minimum)
        return value

    def credential(self, name: str) -> str | None:
        """`name` given inline, or `name_env` naming an environment variable that holds it."""
        inline = self.get(name, str)
        variable = self.get(f"{name}_env", str)
        if inline and variable:
            raise UserError.said("config.both", origin=self.origin, key=self.key(name),
                                 other=self.key(name + "_env"))
        if variable:
            if not os.environ.get(variable):
                raise UserError.said("config.no_variable", origin=self.origin, key=self.key(name + "_env"),
                                     variable=variable)
            return os.environ[variable]
        return inline

    def table(self, name: str) -> "_Table":
        self.used.add(name)
        return _Table(self.data.get(name, {}), self.key(name), self.origin)

    def finish(self) -> None:
        unknown = sorted(set(self.data) - self.used)
        if unknown:
            raise UserError.said("config.unknown_key", origin=self.origin, key=self.key(unknown[0]))


def _channel(table: _Table, index: int) -> Channel:
    kind = table.get("type", str, choices=CHANNEL_TYPES)
    if kind is None:
        raise UserError.said("config.type_required", origin=table.origin, key=table.key("type"),
                             choices=", ".join(CHANNEL_TYPES))
    name = table.get("name", str, f"{kind}-{index + 1}")
    verify_tls = table.get("verify_tls", bool, True)
    if kind == "email":
        host = table.get("host", str)
        sender = table.get("from", str)
        recipients = table.get("to", list, [])
        for key, value in (("host", host), ("from", sender)):
            if not value:
                raise UserError.said("config.email_required", origin=table.origin, key=table.key(key))
        if not recipients or not all(isinstance(r, str) and "@" in r for r in recipients):
            raise UserError.said("config.no_recipients", origin=table.origin, key=table.key("to"))
        security = table.get("security", str, "starttls", choices=EMAIL_SECURITY)
        channel = Channel(
            name=name, type=kind, host=host,
            port=table.get("port", int, {"ssl": 465, "starttls": 587, "none": 25}[security], minimum=1),
            security=security, username=table.get("username", str),
            password=table.credential("password"), sender=sender, recipients=tuple(recipients),
            verify_tls=verify_tls)
    else:
        url = table.get("url", str)
        if not url:
            raise UserError.said("config.url_required", origin=table.origin, key=table.key("url"), kind=kind)
        if kind != "apprise" and not url.startswith(("http://", "https://")):
            raise UserError.said("config.url_not_http", origin=table.origin, key=table.key("url"), value=url)
        secret = table.credential("secret") if kind in ("dingtalk", "feishu") else None
        token = table.credential("token") if kind == "webhook" else None
        channel = Channel(name=name, type=kind, url=url, secret=secret, token=token, verify_tls=verify_tls)
    table.finish()
    return channel


def parse_config(data: dict, origin: str = "config", base: Path | None = None) -> Config:
    base = base or Path(".")
    root = _Table(data, "", origin)

    def path(name: str, default: str) -> Path:
        value = Path(root.get(name, str, default))
        return value if value.is_absolute() else base / value

    if "lock_file" in data:
        raise UserError.said("config.lock_file", origin=origin)
    paths = {name: path(name, default) for name, default in (
        ("sources", "sources.yaml"), ("db", "nianjian.db"), ("log_file", "logs/monitor.log"))}

    schedule = root.table("schedule")
    cron = schedule.get("cron", str, Config.cron)
    timezone = schedule.get("timezone", str, Config.timezone)
    try:
        ZoneInfo(timezone)
    except (ValueError, LookupError):
        raise UserError.said("config.not_a_timezone", origin=origin, value=timezone) from None
    try:
        CronTrigger.from_crontab(cron, timezone=timezone)
    except ValueError as error:
        raise UserError.said("config.not_crontab", origin=origin, value=cron, error=error) from None
    interval = schedule.get("interval_seconds", float, 0, minimum=0)
    misfire = schedule.get("misfire_grace_seconds", int, Config.misfire_grace_seconds, minimum=1)
    schedule.finish()

    crawl = root.table("crawl")
    crawl_enabled = crawl.get("enabled", bool, True)
    crawl_timeout = crawl.get("timeout_minutes", float, Config.crawl_timeout_minutes, minimum=0.1)
    settings = crawl.table("settings")
    crawl_settings = []
    for name, value in settings.data.items():
        if not name.isupper() or isinstance(value, (dict, list)):
            raise UserError.said("config.not_a_setting", origin=origin, key=settings.key(name))
        crawl_settings.append((name, str(value).lower() if isinstance(value, bool) else str(value)))
    crawl.finish()

    alerts = root.table("alerts")
    grace = alerts.get("grace_days", int, 0, minimum=0)
    failing_after = alerts.get("source_failing_after", int, Config.source_failing_after, minimum=1)
    kinds = alerts.get("kinds", list, list(ALERT_KINDS))
    for kind in kinds:
        if kind not in ALERT_KINDS:
            raise UserError.said("config.alert_kinds", origin=origin, value=kind, choices=", ".join(ALERT_KINDS))
    alerts.finish()

    notify = root.table("notify")
    mode = notify.get("mode", str, "digest", choices=NOTIFY_MODES)
    timeout = notify.get("timeout_seconds", float, Config.notify_timeout_seconds, minimum=1)
    lease = notify.get("lease_seconds", float, max(Config.notify_lease_seconds, 4 * timeout), minimum=timeout)
    raw_channels = notify.get("channels", list, [])
    base_url = notify.get("base_url", str)
    if base_url is not None and not base_url.startswith(("http://", "https://")):
        raise UserError.said("config.base_url", origin=origin, value=base_url)
    notify.finish()
    channels = tuple(_channel(_Table(raw, f"notify.channels[{i}]", origin), i)
                     for i, raw in enumerate(raw_channels))
    names = [c.name for c in channels]
    for name in names:
        if names.count(name) > 1:
            raise UserError.said("config.name_twice", origin=origin, value=name)
    root.finish()

    return Config(
        path=Path(origin) if origin != "config" else None, **paths, cron=cron, timezone=timezone,
        interval_seconds=interval, misfire_grace_seconds=misfire, crawl=crawl_enabled,
        crawl_timeout_minutes=crawl_timeout, crawl_settings=tuple(crawl_settings), grace_days=grace, source_failing_after=failing_after,
        kinds=tuple(kinds), mode=mode, notify_timeout_seconds=timeout, notify_lease_seconds=lease,
        channels=channels, base_url=base_url.rstrip("/") if base_url else None)


def load_config(path: str | Path | None = None) -> Config:
    """Read the config file. Without a path, data/nianjian.toml if it exists, else the defaults
    (paths under data/, relative to the current directory)."""
    if path is None:
        if not Path(DEFAULT_CONFIG).exists():
            return parse_config({}, base=Path("data"))
        path = DEFAULT_CONFIG
    path = Path(path)
    text = read_user_file(path, "config")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise UserError.said("config.not_toml", path=path, error=error) from None
    return parse_config(data, str(path), base=path.parent)


def add_config_arguments(parser) -> None:
    """--config, --db and --sources, shared by `nianjian monitor` and `nianjian schedule`."""
    from nianjian.cli import add_db_argument

    parser.add_argument("--config", metavar="PATH")
    add_db_argument(parser)
    parser.set_defaults(db=None)        # None: the config's db
    parser.add_argument("--sources", metavar="PATH")


def config_from_args(args) -> Config:
    config = load_config(args.config)
    overrides = {name: Path(value) for name in ("db", "sources")
                 if (value := getattr(args, name, None))}
    return replace(config, **overrides) if overrides else config
