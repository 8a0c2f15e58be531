"""Delivering queued notifications: one digest per channel per run (or one message per alert),
retried on the next run when delivery fails, marked delivered the moment it succeeds.

Before sending, a cycle claims a channel's pending notifications in the database until
`notify.lease_seconds` from now (wall clock) and gives each message an idempotency key, stored
on its rows (`delivery`) and sent as the `X-Nianjian-Delivery` header (and `delivery` in the
webhook JSON). A message that may have arrived without the answer being seen (the sender was
killed, or the receiver went silent after the request was sent) keeps its rows and its key, so
it goes again as the same message with the same key: receivers drop what they have seen.

Email and any other Apprise URL go through Apprise. The office robots (DingTalk, WeCom, Feishu)
and the structured JSON webhook are posted here: Apprise's robot plugins hard-code the public
endpoints (no private deployment, no loopback test) and its Feishu plugin does not sign, and its
json:// payload carries only a title and a message, not the alerts as data.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import http.client
import ssl
import time
import urllib.error
import urllib.request
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, urlsplit

import apprise
import yaml

from monitor.alerts import transaction
from monitor.config import ALERT_KINDS, Channel, Config
from nianjian.browse.links import SiteLinks
from nianjian.browse.report import cell_label
from nianjian.clock import isoformat
from nianjian.store.leases import wall_stamp

log = logging.getLogger("nianjian.monitor")
MESSAGES = Path(__file__).with_name("messages.yaml")

# Robot message size limits (bytes of the text), with room for the JSON around it.
TEXT_LIMIT = {"dingtalk": 19000, "wecom": 2000, "feishu": 29000}


@lru_cache(maxsize=1)
def messages() -> dict:
    return yaml.safe_load(MESSAGES.read_text("utf-8"))


class _Blank(dict):
    def __missing__(self, key):
        return ""


def describe(alert: dict, event: str, base_url: str | None = None) -> str:
    """One line in Chinese for an alert event (wording in messages.yaml), with its evidence: the
    failing sums in words and the page that shows them on nianjian's address `base_url`."""
    text = messages()
    details = alert["details"]
    plain = _Blank({k: ("" if v is None else v) for k, v in details.items()})
    values = _Blank(plain, agency=alert["agency"] or "", year=alert["year"] or "")
    if alert["kind"] == "missing":
        values["grace"] = text["grace"].format_map(plain) if details.get("grace_days") else ""
    basis = "published"
    if details.get("first_seen_used"):
        basis = "first_seen_earlier" if details.get("stated_published") else "first_seen"
    values["date_basis"] = text["date_basis"][basis].format_map(values)
    values["rules"] = "、".join(details.get("rules") or [])
    values["findings"] = _findings(details.get("findings") or [])
    if alert["kind"] == "unsure":
        values["unsure_of"] = text["unsure_of"].get(details.get("unsure_of"), "")
        others = len(details.get("documents") or []) - 1
        values["more"] = text["more_documents"].format(count=others) if others > 0 else ""
    if alert["kind"] == "changed":
        values["changes"] = _changes(details)
    if details.get("url"):
        values["url"] = f" {details['url']}"
    values["page"] = _page(alert, base_url)
    if event == "resolve":
        reason = details.get("resolution", "cleared")
        values["resolution"] = text["resolution"][reason].format_map(plain)
    moved = details.get("moved_to") if event == "open" else None
    if moved:           # the document now reads as another agency's or year's (monitor.alerts)
        values.update(moved_agency=moved["agency"], moved_year=moved["year"])
    return text["kinds"][alert["kind"]]["moved" if moved else event].format_map(values).strip()


def _changes(details: dict) -> str:
    """What a new version changed, in words: its cells old → new, its title, its narrative."""
    words = messages()["changes"]
    absent = words["absent"]
    cells = details.get("cells") or []
    sample = words["separator"].join(words["cell"].format(
        cell=cell_label(cell["cell"]), **{side: absent if cell[side] is None else cell[side]
                                          for side in ("from", "to")}) for cell in cells[:words["shown"]])
    parts = [words["cells"].format(count=details.get("changed_cells"), sample=sample)] if cells else []
    if details.get("title_to"):
        parts.append(words["title"].format(**{"from": details["title_from"], "to": details["title_to"]}))
    if details.get("narrative_changed"):
        parts.append(words["narrative"])
    return words["parts"].join(parts) or words["text"]


def _findings(findings: list[dict]) -> str:
    words = messages()["evidence"]
    shown = words["separator"].join(f["message_zh"] for f in findings[:words["findings"]] if f.get("message_zh"))
    rest = len(findings) - words["findings"]
    return shown + (words["more"].format(count=rest) if rest > 0 else "")


def _page(alert: dict, base_url: str | None) -> str:
    """The report page (an inconsistent report's findings, a change's two versions side by
    side) as a link on nianjian's own address, or without one the page to open."""
    details = alert["details"]
    report_id = details.get("report_id")
    if not isinstance(report_id, int) or alert["kind"] not in ("late", "inconsistent", "changed"):
        return ""
    links = SiteLinks((base_url or "").rstrip("/"))
    if details.get("moved_to"):
        link = links.report(details["moved_to"]["report_id"])
    elif alert["kind"] == "changed":
        link = links.changes(report_id, details.get("from_version"), details.get("to_version"))
    else:
        link = links.report(report_id) + ("#findings" if alert["kind"] == "inconsistent" else "")
    words = messages()["evidence"]
    return words["page"].format(link=link) if base_url else words["where"].format(path=link)


@dataclass
class Message:
    title: str
    text: str
    items: list[dict] = field(default_factory=list)   # the alert events, as data, for webhooks
    delivery: str = ""                                # the idempotency key


class Unconfirmed(RuntimeError):
    """The request went out but no answer came back: the message may have arrived."""


def render(rows: list[dict], delivery: str = "", base_url: str | None = None) -> Message:
    """A message for notification rows (each joined with its alert): grouped by kind, then
    agency; openings before resolutions. `delivery`: the message's idempotency key; `base_url`:
    where `nianjian serve` answers."""
    text = messages()
    opened = sum(r["event"] == "open" for r in rows)
    groups: dict[tuple, list[str]] = defaultdict(list)
    items = []
    for row in sorted(rows, key=lambda r: (r["event"] != "open", ALERT_KINDS.index(r["kind"]),
                                           r["agency"] or "", r["year"] or 0)):
        line = describe(row, row["event"], base_url)
        groups[(row["event"], row["kind"])].append(line)
        items.append({"event": row["event"], "kind": row["kind"], "agency": row["agency"],
                      "year": row["year"], "key": row["key"], "opened_at": row["opened_at"],
                      "resolved_at": row["resolved_at"], "details": row["details"], "text": line})
    if len(rows) == 1:
        title = text["subject"]["single"].format(
            headline=f"{text['event'][rows[0]['event']]}{text['kinds'][rows[0]['kind']]['label']}")
    else:
        title = text["subject"]["digest"].format(opened=opened, resolved=len(rows) - opened)
    body = []
    for (event, kind), lines in groups.items():
        body.append(text["group"].format(event=text["event"][event], label=text["kinds"][kind]["label"],
                                         count=len(lines)))
        body.extend(f"- {line}" for line in lines)
        body.append("")
    return Message(title, "\n".join(body).strip(), items, delivery)


def _truncate(text: str, limit: int) -> str:
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    kept = data[:limit].decode("utf-8", "ignore").rsplit("\n", 1)[0]
    return f"{kept}\n{messages()['truncated']}"


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk robot 加签: HMAC-SHA256 keyed by the secret over "timestamp\\nsecret", base64."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Feishu robot 签名校验: HMAC-SHA256 keyed by "timestamp\\nsecret" over an empty message, base64."""
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _robot_request(channel: Channel, message: Message) -> tuple[str, dict]:
    """URL and JSON body for a webhook or robot channel."""
    if channel.type == "webhook":
        return channel.url, {"delivery": message.delivery, "title": message.title, "text": message.text,
                             "alerts": message.items}
    content = _truncate(f"{message.title}\n\n{message.text}", TEXT_LIMIT[channel.type])
    if channel.type == "feishu":
        body = {"msg_type": "text", "content": {"text": content}}
        if channel.secret:
            stamp = int(time.time())
            body.update(timestamp=str(stamp), sign=feishu_sign(channel.secret, stamp))
        return channel.url, body
    body = {"msgtype": "text", "text": {"content": content}}      # DingTalk and WeCom agree
    url = channel.url
    if channel.type == "dingtalk" and channel.secret:
        stamp = int(time.time() * 1000)
        separator = "&" if "?" in url else "?"
        url = f"{url}{separator}timestamp={stamp}&sign={quote(dingtalk_sign(channel.secret, stamp), safe='')}"
    return url, body


def _post_json(channel: Channel, message: Message, timeout: float) -> None:
    url, body = _robot_request(channel, message)
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "nianjian-monitor",
               "X-Nianjian-Delivery": message.delivery}
    if channel.token:
        headers["Authorization"] = f"Bearer {channel.token}"
    request = urllib.request.Request(url, data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
                                     headers=headers, method="POST")
    context = None if channel.verify_tls else ssl._create_unverified_context()
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=context) as response:
            answer = response.read(65536)
    except urllib.error.URLError:       # not sent (no connection), or an error status: not taken
        raise
    except (OSError, http.client.HTTPException) as error:   # sent, then no (whole) answer
        raise Unconfirmed(f"sent, but no answer ({type(error).__name__}: {error}); "
                          f"it may have arrived") from error
    if channel.type == "webhook":
        return
    # the robots answer 200 with an error code in the body (bad signature, rate limit, bad key)
    try:
        result = json.loads(answer or b"{}")
    except ValueError:
        raise RuntimeError(f"robot answered non-JSON: {answer[:200]!r}") from None
    code = result.get("errcode", result.get("code", result.get("StatusCode", 0)))
    if code not in (0, None):
        raise RuntimeError(f"robot refused the message: code {code}: "
                           f"{result.get('errmsg') or result.get('msg') or result.get('StatusMessage')}")


def apprise_url(channel: Channel) -> str:
    if channel.type == "apprise":
        return channel.url
    scheme = "mailto" if channel.security == "none" else "mailtos"
    # one message to all recipients (the first in To, the rest in Cc) is one SMTP transaction:
    # it succeeds or fails as a whole, so a retry never re-sends to someone who already has it
    query = {"smtp": channel.host, "from": channel.sender, "to": channel.recipients[0],
             "name": messages()["product"]}
    if len(channel.recipients) > 1:
        query["cc"] = ",".join(channel.recipients[1:])
    if channel.security != "none":
        query["mode"] = channel.security
    if not channel.verify_tls:
        query["verify"] = "no"
    if channel.username:
        query.update(user=channel.username, **({"pass": channel.password} if channel.password else {}))
    encoded = "&".join(f"{k}={quote(str(v), safe='')}" for k, v in query.items())
    return f"{scheme}://{channel.host}:{channel.port}/?{encoded}"


def _send_apprise(channel: Channel, message: Message, timeout: float) -> None:
    notifier = apprise.Apprise()
    if not notifier.add(apprise_url(channel)):
        raise RuntimeError("Apprise does not accept this channel's settings")
    for service in notifier:
        service.socket_connect_timeout = service.socket_read_timeout = timeout
    with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as captured:
        ok = notifier.notify(title=message.title, body=message.text, body_format=apprise.NotifyFormat.TEXT)
    if not ok:
        lines = [line.strip() for line in captured.getvalue().splitlines() if line.strip()]
        raise RuntimeError(lines[-1] if lines else "delivery failed")


def send(channel: Channel, message: Message, timeout: float) -> None:
    """Deliver one message or raise with the reason."""
    if channel.type in ("email", "apprise"):
        _send_apprise(channel, message, timeout)
    else:
        _post_json(channel, message, timeout)


def _scrub(error: BaseException, channel: Channel) -> str:
    text = f"{error.__class__.__name__}: {error}"
    hidden = list(channel.secrets)
    if channel.url:
        parts = urlsplit(channel.url)
        hidden += [parts.query, parts.path] if channel.type != "webhook" else [parts.query]
    for value in filter(None, hidden):
        text = text.replace(value, "***")
    return text[:500]


@dataclass
class Delivery:
    delivered: int = 0                                        # notifications delivered
    messages: int = 0                                         # messages sent
    failed: dict[str, str] = field(default_factory=dict)      # channel → last error
    pending: int = 0                                          # still waiting after this run


def claim(db, channel: str, mode: str, lease_seconds: float) -> list[tuple[str, list[dict], bool]]:
    """Claim the channel's pending notifications that no live claim holds, as messages:
    (key, rows, fresh). Rows sent before under a key whose outcome is unknown go again together
    under that key; the rest get a new key (one digest, or one per alert)."""
    with transaction(db):
        rows = db.query(
            """SELECT n.id AS notification_id, n.event, n.attempts, n.delivery, a.id, a.key, a.kind,
                      a.agency, a.year, a.opened_at, a.resolved_at, a.details
               FROM notifications n JOIN alerts a ON a.id = n.alert_id
               WHERE n.channel = ? AND n.delivered_at IS NULL
                 AND (n.claimed_until IS NULL OR n.claimed_until <= ?) ORDER BY n.id""",
            [channel, wall_stamp()])
        rows = [{**row, "details": json.loads(row["details"] or "{}")} for row in rows]
        again: dict[str, list[dict]] = {}
        for row in rows:
            if row["delivery"]:
                again.setdefault(row["delivery"], []).append(row)
        new = [row for row in rows if not row["delivery"]]
        groups = [new] if mode == "digest" and new else [[row] for row in new]
        messages = [(key, batch, False) for key, batch in again.items()]
        messages += [(uuid.uuid4().hex, batch, True) for batch in groups]
        until = wall_stamp(lease_seconds)
        for key, batch, _ in messages:
            db.execute(f"UPDATE notifications SET claimed_until = ?, delivery = ? WHERE id IN ({_marks(batch)})",
                       [until, key, *_ids(batch)])
    return messages


def _ids(batch: list[dict]) -> list[int]:
    return [row["notification_id"] for row in batch]


def _marks(batch: list[dict]) -> str:
    return ", ".join("?" for _ in batch)


def _still_pending(db, channels: list[str]) -> int:
    return db.execute("SELECT COUNT(*) FROM notifications WHERE delivered_at IS NULL AND channel IN "
                      "(SELECT value FROM json_each(?))", [json.dumps(channels)]).fetchone()[0]


def deliver_pending(db, config: Config, now: datetime) -> Delivery:
    """Send every undelivered notification of each configured channel."""
    result = Delivery()
    for channel in config.channels:
        messages = claim(db, channel.name, config.mode, config.notify_lease_seconds)
        for index, (key, batch, _) in enumerate(messages):
            ids, marks = _ids(batch), _marks(batch)
            db.execute(f"UPDATE notifications SET attempts = attempts + 1 WHERE id IN ({marks})", ids)
            try:
                send(channel, render(batch, key, config.base_url), config.notify_timeout_seconds)
            except Exception as error:  # any failure of one channel is recorded, the run goes on
                reason = _scrub(error, channel)
                # a message that may have arrived keeps its key; one refused or never sent does not
                kept = key if isinstance(error, Unconfirmed) else None
                db.execute(f"UPDATE notifications SET last_error = ?, delivery = ?, claimed_until = NULL "
                           f"WHERE id IN ({marks})", [reason, kept, *ids])
                # the channel is down: the rest waits for the next run rather than failing one by one
                for _, rest, fresh in messages[index + 1:]:
                    db.execute(f"UPDATE notifications SET claimed_until = NULL"
                               f"{', delivery = NULL' if fresh else ''} WHERE id IN ({_marks(rest)})",
                               _ids(rest))
                result.failed[channel.name] = reason
                log.warning("channel %s (%s): delivery failed, %d notification(s) kept for the next run: %s",
                            channel.name, channel.type, sum(len(m[1]) for m in messages[index:]), reason)
                break
            db.execute(f"UPDATE notifications SET delivered_at = ?, last_error = NULL, claimed_until = NULL "
                       f"WHERE id IN ({marks})", [isoformat(now), *ids])
            result.delivered += len(batch)
            result.messages += 1
            log.info("channel %s (%s): delivered %d notification(s) as %s", channel.name, channel.type,
                     len(batch), key)
    result.pending = _still_pending(db, [c.name for c in config.channels])
    return result
