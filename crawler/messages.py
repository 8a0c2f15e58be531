"""What a crawl hands its single writer (crawler/handover.py), through the spool file or Redis:
JSON messages, one per spool row or Redis list entry.

    {"type": "fetch", "source": id, "fetch": {Fetch fields}}             a fetch record
    {"type": "note", "source": id, "message": text, "error": bool}       a note on a source
    {"type": "document", "source": id, "url": …, "body": base64, "content_type": …,
     "filename": …, "listed_title": …, "published_hint": …, "expected_year": …,
     "fetch": {Fetch fields}, "parent": {Fetch fields} | null}          a report document

A document carries the arguments of `nianjian.ingest.ingest_document` (the body base64) and its
fetch records, which the writer records once the document is stored (so a crawl stopped in
between fetches it again next time).
"""
from __future__ import annotations

import base64
import binascii
import json
from dataclasses import asdict, fields

from crawler.items import ReportDocument
from crawler.ledger import Fetch

FETCH_FIELDS = frozenset(f.name for f in fields(Fetch))


class BadMessage(ValueError):
    """A message the writer cannot read (kept aside: the spool's or the crawl's `rejected`)."""


def _dumps(message: dict) -> bytes:
    return json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def fetch_message(source_id: str, fetch: dict) -> bytes:
    return _dumps({"type": "fetch", "source": source_id, "fetch": fetch})


def note_message(source_id: str, message: str, error: bool) -> bytes:
    return _dumps({"type": "note", "source": source_id, "message": message, "error": error})


def document_message(item: ReportDocument) -> bytes:
    return _dumps({
        "type": "document", "source": item.source_id, "url": item.url,
        "body": base64.b64encode(item.body).decode("ascii"), "content_type": item.content_type,
        "filename": item.filename, "listed_title": item.listed_title,
        "published_hint": item.published_hint, "expected_year": item.expected_year,
        "fetch": asdict(item.fetch), "parent": asdict(item.parent) if item.parent else None,
        "unread_attachments": list(item.unread_attachments), "missing_parts": list(item.missing_parts),
        "pictures": [base64.b64encode(picture).decode("ascii") for picture in item.pictures]})


def _fetch(data) -> Fetch:
    if not isinstance(data, dict) or not data.get("url") or not set(data) <= FETCH_FIELDS:
        raise BadMessage(f"not a fetch record: {str(data)[:200]}")
    return Fetch(**data)


def decode(raw: bytes) -> dict:
    """The message as a dict, with `fetch`/`parent` as Fetch and a document's `item` rebuilt."""
    try:
        message = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BadMessage(f"not JSON: {error}") from None
    if not isinstance(message, dict) or not isinstance(message.get("source"), str):
        raise BadMessage("no source id")
    kind = message.get("type")
    if kind == "note":
        return message
    if kind not in ("fetch", "document"):
        raise BadMessage(f"unknown message type {kind!r}")
    message["fetch"] = _fetch(message.get("fetch"))
    if kind == "document":
        try:
            body = base64.b64decode(message.get("body") or "", validate=True)
            pictures = tuple(base64.b64decode(picture, validate=True) for picture in message.get("pictures") or ())
        except (binascii.Error, ValueError, TypeError) as error:
            raise BadMessage(f"document body is not base64: {error}") from None
        parent = message.get("parent")
        message["item"] = ReportDocument(
            source_id=message["source"], url=message.get("url") or message["fetch"].url, body=body,
            content_type=message.get("content_type"), filename=message.get("filename"),
            listed_title=message.get("listed_title"), published_hint=message.get("published_hint"),
            expected_year=message.get("expected_year"), fetch=message["fetch"],
            parent=_fetch(parent) if parent else None,
            unread_attachments=tuple(message.get("unread_attachments") or ()),
            missing_parts=tuple(message.get("missing_parts") or ()), pictures=pictures)
    return message
