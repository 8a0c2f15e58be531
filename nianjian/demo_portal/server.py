"""The demo portal's HTTP server: a stdlib ThreadingHTTPServer on 127.0.0.1 serving the pages of
site.py, with conditional requests (ETag / Last-Modified → 304), the Hanweb dataproxy.jsp
endpoint, and the misbehaving URLs (bot wall, 500, a slow page)."""
from __future__ import annotations

import math
import threading
import time
from collections import Counter
from datetime import timezone
from email.utils import format_datetime, parsedate_to_datetime
from http import HTTPStatus
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from nianjian.demo_portal.site import (CHALLENGE_COOKIE, OTHER_HOST, Page, Site, botwall_page, build_site,
                                          challenge_answer, challenge_page, error_page)

DEFAULT_SLOW_DELAY = 5.0      # seconds; longer than a sensible crawler timeout, short enough for a demo
MAX_SLOW_DELAY = 60.0
MAX_FORM_BYTES = 64 * 1024


class DemoPortal:
    """The running portal. `with DemoPortal(port=0) as portal:` serves on a free port until the
    block ends; `portal.base_url` is e.g. http://127.0.0.1:41234. `portal.round = 2` switches
    to the edited report at once (every other page stays byte-identical)."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, round: int = 1,
                 slow_delay: float = DEFAULT_SLOW_DELAY, verbose: bool = False):
        if not 0 <= slow_delay <= MAX_SLOW_DELAY:
            raise ValueError(f"slow_delay must be between 0 and {MAX_SLOW_DELAY:g} seconds")
        self.host, self.port, self.slow_delay, self.verbose = host, port, slow_delay, verbose
        self.round = round
        self.hits: Counter = Counter()           # (method, path, status) -> count
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def round(self) -> int:
        return self._round

    @round.setter
    def round(self, value: int) -> None:
        """Switch rounds at once, even while serving: the next request sees the other round."""
        if value not in (1, 2):
            raise ValueError(f"round must be 1 or 2, not {value!r}")
        self._round = value

    @property
    def site(self) -> Site:
        return build_site(self._round)

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the demo portal is not running")
        return f"http://{self.host}:{self._server.server_address[1]}"

    def start(self) -> str:
        build_site(1), build_site(2)             # render everything before the first request
        handler = type("Handler", (_Handler,), {"portal": self})
        self._server = ThreadingHTTPServer((self.host, self.port), handler)
        self._server.daemon_threads = True       # a request sleeping on the slow page never blocks stop()
        self._thread = threading.Thread(target=self._server.serve_forever, name="demo-portal", daemon=True)
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "DemoPortal":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def record(self, method: str, path: str, status: int) -> None:
        with self._lock:
            self.hits[(method, path, status)] += 1


class _Handler(BaseHTTPRequestHandler):
    portal: DemoPortal
    server_version = "TRS WCM"
    sys_version = ""

    def log_message(self, format: str, *args) -> None:       # noqa: A002 (stdlib signature)
        if self.portal.verbose:
            super().log_message(format, *args)

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def do_POST(self) -> None:
        self._answer(send_body=True)

    # ------------------------------------------------------------------ routing
    def _answer(self, send_body: bool) -> None:
        site = self.portal.site
        path = urlsplit(self.path).path or "/"
        if path.endswith("/"):
            path += "index.html"
        if path in site.dataproxy:
            return self._dataproxy(site, path, send_body)
        if self.command == "POST":
            return self._send(HTTPStatus.METHOD_NOT_ALLOWED, error_page("not_found"), send_body=send_body)
        if any(path.startswith(prefix) for prefix in site.botwall_prefixes):
            return self._send(HTTPStatus.OK, botwall_page(), send_body=send_body)
        if any(path.startswith(prefix) for prefix in site.challenge_prefixes) and not self._passed_challenge():
            return self._send(HTTPStatus.OK, challenge_page(), send_body=send_body)
        if path == site.failing.get("server_error"):
            return self._send(HTTPStatus.INTERNAL_SERVER_ERROR, error_page("server_error"), send_body=send_body)
        if path == site.failing.get("slow"):
            time.sleep(self.portal.slow_delay)
        page = site.pages.get(path)
        if page is None:
            return self._send(HTTPStatus.NOT_FOUND, error_page("not_found"), send_body=send_body)
        if self._not_modified(page):
            return self._send(HTTPStatus.NOT_MODIFIED, b"", page=page, send_body=False)
        # The region's "other host" is this server under the name localhost.
        body = page.body.replace(OTHER_HOST, f"localhost:{self.server.server_address[1]}".encode())
        self._send(HTTPStatus.OK, body, page=page, send_body=send_body)

    def _passed_challenge(self) -> bool:
        cookies = SimpleCookie()
        try:
            cookies.load(self.headers.get("Cookie") or "")
        except Exception:                        # noqa: BLE001 — a malformed Cookie header fails the challenge
            return False
        return CHALLENGE_COOKIE in cookies and cookies[CHALLENGE_COOKIE].value == challenge_answer()

    def _not_modified(self, page: Page) -> bool:
        tags = self.headers.get("If-None-Match")
        if tags is not None:     # RFC 9110: If-None-Match wins over If-Modified-Since
            return tags.strip() == "*" or page.etag in [t.strip() for t in tags.split(",")]
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                moment = parsedate_to_datetime(since).replace(tzinfo=None)
            except (TypeError, ValueError):
                return False
            return page.modified <= moment
        return False

    def _dataproxy(self, site: Site, path: str, send_body: bool) -> None:
        """Hanweb's jpage/dataproxy.jsp: records startrecord..endrecord (1-based, inclusive)."""
        params = parse_qs(urlsplit(self.path).query)
        if self.command == "POST":
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_FORM_BYTES:
                return self._send(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, b"", send_body=send_body)
            form = self.rfile.read(length).decode("utf-8", "replace")
            params.update(parse_qs(form))
        records = site.dataproxy[path]
        expected = site.dataproxy_params[path]
        try:
            start = int(params.get("startrecord", ["1"])[0])
            end = int(params.get("endrecord", [str(expected["per_page"])])[0])
            per_page = int(params.get("perpage", [str(expected["per_page"])])[0])
        except ValueError:
            return self._send(HTTPStatus.BAD_REQUEST, b"startrecord, endrecord and perpage must be numbers",
                              content_type="text/plain; charset=utf-8", send_body=send_body)
        if start < 1 or end < start or per_page < 1:
            return self._send(HTTPStatus.BAD_REQUEST, b"need 1 <= startrecord <= endrecord and perpage >= 1",
                              content_type="text/plain; charset=utf-8", send_body=send_body)
        column = params.get("columnid", [str(expected["columnid"])])[0]
        chosen = records[start - 1:end] if column == str(expected["columnid"]) else []
        total = len(records) if chosen or column == str(expected["columnid"]) else 0
        xml = ('<?xml version="1.0" encoding="UTF-8"?>\n<datastore>\n<nextgroup><![CDATA[]]></nextgroup>\n'
               '<recordset>\n' + "".join(f"<record><![CDATA[{r}]]></record>\n" for r in chosen)
               + f"</recordset>\n<totalrecord>{total}</totalrecord>\n"
               f"<totalpage>{math.ceil(total / per_page)}</totalpage>\n</datastore>\n")
        self._send(HTTPStatus.OK, xml.encode("utf-8"), content_type="text/xml; charset=utf-8", send_body=send_body)

    def _send(self, status: HTTPStatus, body: bytes, *, page: Page | None = None,
              content_type: str = "text/html; charset=utf-8", send_body: bool = True) -> None:
        self.portal.record(self.command, urlsplit(self.path).path, int(status))
        try:
            self.send_response(status)
            if page is not None:
                content_type = page.content_type
                self.send_header("ETag", page.etag)
                self.send_header("Last-Modified", format_datetime(page.modified.replace(tzinfo=timezone.utc),
                                                                  usegmt=True))
            if status != HTTPStatus.NOT_MODIFIED:
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if send_body and status != HTTPStatus.NOT_MODIFIED:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass                                 # the client gave up (e.g. timed out on the slow page)
