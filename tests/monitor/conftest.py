"""Real servers on 127.0.0.1 for the monitor's tests: an SMTP server (aiosmtpd) and an HTTP
webhook receiver; plus helpers to write a sources file and a config file."""
from __future__ import annotations

import email
import hashlib
import email.policy
import json
import ssl
import subprocess
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from monitor.config import load_config
from nianjian.clock import SHANGHAI
from nianjian.store import Store
from parsers.record import Report



class SMTPServer:
    """aiosmtpd on a fixed port that can be stopped and started again (a mail server outage)."""

    def __init__(self, port: int, credentials: tuple[str, str] | None = None, tls_context=None,
                 implicit_tls: bool = False):
        self.port, self.credentials, self.messages, self.controller = port, credentials, [], None
        self.tls_context, self.implicit_tls = tls_context, implicit_tls

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content,
                                           policy=email.policy.default)
        self.messages.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos),
                              "tls": session.ssl is not None,
                              "login": getattr(session.auth_data, "login", None) if session.authenticated else None,
                              "subject": str(message["subject"]),
                              "body": message.get_body(("plain",)).get_content()})
        return "250 OK"

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (
            auth_data.login.decode(), auth_data.password.decode()) == self.credentials
        return AuthResult(success=ok, handled=False, auth_data=auth_data)

    def start(self) -> None:
        options = {}
        if self.credentials:
            options = {"authenticator": self._authenticate, "auth_require_tls": bool(self.tls_context),
                       "auth_required": True}
        if self.tls_context and self.implicit_tls:
            options.update(ssl_context=self.tls_context)
        elif self.tls_context:
            options.update(tls_context=self.tls_context, require_starttls=True)
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port, **options)
        self.controller.start()

    def stop(self) -> None:
        if self.controller:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_factory(free_port):
    """smtp_factory(credentials=(user, password), tls_context=...) → a started SMTPServer."""
    servers = []

    def make(**options) -> SMTPServer:
        server = SMTPServer(free_port(), **options)
        server.start()
        servers.append(server)
        return server
    yield make
    for server in servers:
        server.stop()


@pytest.fixture
def smtp_server(smtp_factory):
    return smtp_factory()


@pytest.fixture(scope="session")
def tls_context(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1 (an in-house mail server)."""
    directory = tmp_path_factory.mktemp("tls")
    key, cert = directory / "key.pem", directory / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


@dataclass
class WebhookServer:
    url: str
    requests: list = field(default_factory=list)
    answer: dict = field(default_factory=lambda: {"errcode": 0, "errmsg": "ok"})


@pytest.fixture
def webhook_server():
    """Records every POST (path, query, headers, JSON body); answers `answer` as JSON."""
    holder = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            parts = urlsplit(self.path)
            holder["server"].requests.append({
                "path": parts.path, "query": {k: v[0] for k, v in parse_qs(parts.query).items()},
                "content_type": self.headers.get("Content-Type"),
                "authorization": self.headers.get("Authorization"), "json": json.loads(body)})
            answer = json.dumps(holder["server"].answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    holder["server"] = WebhookServer(f"http://127.0.0.1:{httpd.server_address[1]}")
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield holder["server"]
    httpd.shutdown()
    httpd.server_close()


AGENCIES = [
    {"name": "涧西区人民政府", "level": "government", "first_year": 2023},
    {"name": "涧西区教育局", "level": "department", "first_year": 2023},
]


def _write_sources(directory: Path, url: str = "http://127.0.0.1:9/zfxxgk/xxgknb/index.html",
                  agencies=None, source_id: str = "jianxi") -> Path:
    path = directory / "sources.yaml"
    path.write_text(yaml.safe_dump({"sources": [{"id": source_id, "url": url, "cms": "plain",
                                                 "agencies": agencies or AGENCIES}]},
                                   allow_unicode=True), "utf-8")
    return path


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def write_config(directory: Path, *, channels=(), crawl=False, sections=None, **top) -> Path:
    """A real TOML config file in `directory` (relative paths resolve there)."""
    lines = [f"{k} = {toml_value(v)}" for k, v in {"sources": "sources.yaml", "db": "nianjian.db",
                                                    **top}.items()]
    for name, values in {"crawl": {"enabled": crawl}, **(sections or {})}.items():
        lines.append(f"[{name}]")
        lines += [f"{k} = {toml_value(v)}" for k, v in values.items()]
    for channel in channels:
        lines.append("[[notify.channels]]")
        lines += [f"{k} = {toml_value(v)}" for k, v in channel.items()]
    path = directory / "nianjian.toml"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


@pytest.fixture
def workdir(tmp_path) -> Path:
    _write_sources(tmp_path)
    return tmp_path


@pytest.fixture
def write_sources(workdir):
    """Rewrite the test's sources file: write_sources(agencies=[...], url=...)."""
    def write(**kwargs) -> Path:
        return _write_sources(workdir, **kwargs)
    return write


@pytest.fixture(name="write_config")
def write_config_fixture():
    """write_config(directory, channels=..., sections=..., **top) → the path of a config file."""
    return write_config


@pytest.fixture
def make_config(workdir):
    def make(**kwargs):
        return load_config(write_config(workdir, **kwargs))
    return make


def _at(moment: str) -> datetime:
    return datetime.fromisoformat(moment).replace(tzinfo=SHANGHAI)


@pytest.fixture
def at():
    """at("2024-04-01T02:00"): a moment in Asia/Shanghai, for run_once(now=...)."""
    return _at


class Database:
    """The test's database, written the way the crawler writes it (Store.save_report)."""

    def __init__(self, path: Path):
        self.path = path

    def save(self, agency: str, year: int, *, seen: str, published: str | None = None,
             cells: dict | None = None, errors: tuple[str, ...] = (), url: str | None = None):
        cells = cells if cells is not None else {"t3.new.natural": 54, "t3.new.total": 54}
        report = Report(agency=agency, year=year, title=f"{agency}{year}年政府信息公开工作年度报告",
                        template="2021", published=published, sections=[1, 2, 3, 4, 5, 6], cells=cells)
        findings = [{"rule": rule, "severity": "error", "cells": ["t3.new.total"], "expected": 1,
                     "actual": 2, "message_zh": f"{rule} 不平衡", "message_en": f"{rule} does not balance"}
                    for rule in errors]
        content_hash = hashlib.sha256(json.dumps(cells, sort_keys=True).encode()).hexdigest()
        with Store(self.path) as store:
            return store.save_report(agency=agency, year=year, report=report, findings=findings,
                                     url=url or f"http://127.0.0.1:9/{year}/{agency}.html",
                                     content_hash=content_hash, seen_at=_at(seen))

    def unplaced(self, url: str, *, title: str, agency: str | None, year: int | None,
                 agencies: list[str], years: list[int] | None, why: str, seen: str) -> None:
        """A report read but not placed, as the ingest records it (Store.record_unplaced)."""
        with Store(self.path) as store:
            store.record_unplaced(url, title=title, agency=agency, year=year, agencies=agencies,
                                  years=years, why=why, seen_at=_at(seen))

    def placed(self, url: str) -> None:
        with Store(self.path) as store:
            store.forget_unplaced(url)

    def source_run(self, source_id: str, status: str, message: str | None = None) -> None:
        with Store(self.path) as store:
            store.record_source_run(None, source_id, status=status, message=message)

    def query(self, sql: str, params=()) -> list[dict]:
        with Store(self.path) as store:
            return list(store.db.query(sql, params))

    def alerts(self, state: str | None = "open") -> list[dict]:
        rows = self.query("SELECT key, kind, agency, year, state, details FROM alerts"
                          + (" WHERE state = ?" if state else "") + " ORDER BY id", [state] if state else [])
        return [{**r, "details": json.loads(r["details"])} for r in rows]

    def notifications(self) -> list[dict]:
        return self.query("SELECT a.key, n.event, n.channel, n.delivered_at, n.attempts, n.last_error "
                          "FROM notifications n JOIN alerts a ON a.id = n.alert_id ORDER BY n.id")


@pytest.fixture
def database(workdir) -> Database:
    return Database(workdir / "nianjian.db")
