"""The Datasette plugin: the status grid at `/-/status` (linked from Datasette's menu), the
report page `/-/report/<id>` and its changes page `/-/report/<id>/changes`, and the read-only
gate: any request but GET/HEAD/OPTIONS is refused with 405 before Datasette sees it (Datasette
answers a POST to a table with an assertion error and a traceback on the console).

Registered by `nianjian.browse.datasette_app` (not through an entry point, so a plain
`datasette` elsewhere in the environment is left alone).
"""
from __future__ import annotations

import json
from importlib import resources
from urllib.parse import unquote, urlencode

import yaml

from markupsafe import Markup, escape

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

from nianjian.browse.grid import LABELS, STATES, DatasetteLinks, load_grid, render_html
from nianjian.browse.agency import load_agency
from nianjian.browse.links import SiteLinks
from nianjian.browse.pages import render_agency, render_changes, render_report
from nianjian.browse.report import WORDS, load_changes, load_report
from nianjian.browse.search import find_reports, too_short
from nianjian.browse.xlsx import grid_workbook, report_workbook


def _database(datasette, name: str | None):
    names = [n for n in datasette.databases if n != "_internal"]
    if name:
        if name not in names:
            raise NotFound(f"no database named {name}")
        return datasette.get_database(name)
    if not names:
        raise NotFound("no database attached")
    return datasette.get_database(names[0])


PER_PAGE = 200
# The alert kinds in the words the notifications use (年报未发布 …): the data file, not the monitor's code.
ALERT_LABELS = {kind: words["label"] for kind, words in yaml.safe_load(
    resources.files("monitor").joinpath("messages.yaml").read_text("utf-8"))["kinds"].items()}


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


async def status_page(datasette, request):
    args = request.args
    db = _database(datasette, args.get("db"))
    filters = {key: args.get(key) or "" for key in ("q", "region", "level", "from", "search")}
    page = _int(args.get("page")) or 1
    grid = await db.execute_fn(lambda conn: load_grid(
        conn, region=filters["region"] or None, level=filters["level"] or None,
        first_year=_int(filters["from"]), name=filters["q"] or None, page=page, per_page=PER_PAGE,
        with_findings=request.url_vars.get("format") == "xlsx"))
    hits = (await db.execute_fn(lambda conn: find_reports(conn, filters["search"]))
            if filters["search"].strip() else None)
    for hit in hits or ():
        hit["link"] = _links(datasette, db).report(hit["id"])
    base = datasette.setting("base_url").rstrip("/")
    kept = {k: v for k, v in {**filters, "db": args.get("db") or ""}.items() if v}

    def page_link(number: int) -> str:
        return f"{base}/-/status?" + urlencode({**kept, "page": number})

    if request.url_vars.get("format") == "xlsx":
        return _workbook(grid_workbook(grid, lambda report_id: _links(datasette, db).report(report_id)),
                         "nianjian-status.xlsx")
    return Response.html(render_html(grid, DatasetteLinks(db.name, base), home=f"{base}/{db.name}",
                                     filters=filters, page_link=page_link, hits=hits,
                                     too_short=too_short(filters["search"]),
                                     xlsx_link=f"{base}/-/status.xlsx?" + urlencode(kept)))


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _workbook(body: bytes, filename: str) -> Response:
    return Response(body, content_type=XLSX,
                    headers={"content-disposition": f'attachment; filename="{filename}"'})


def _links(datasette, db) -> SiteLinks:
    return SiteLinks(datasette.setting("base_url").rstrip("/"), db.name)


async def report_page(datasette, request):
    db = _database(datasette, request.args.get("db"))
    report_id = int(request.url_vars["report_id"])
    version = _int(request.args.get("version"))
    view = await db.execute_fn(lambda conn: load_report(conn, report_id, version))
    if view is None:
        raise NotFound(WORDS["changes"]["unknown_version"] if version else f"no report {report_id}")
    if request.url_vars.get("format") == "xlsx":
        return _workbook(report_workbook(view), f"report-{report_id}.xlsx")
    return Response.html(render_report(view, _links(datasette, db)))


async def agency_page(datasette, request):
    db = _database(datasette, request.args.get("db"))
    name = unquote(request.url_vars["agency"])
    view = await db.execute_fn(lambda conn: load_agency(conn, name))
    if view is None:
        raise NotFound(f"no agency named {name}")
    return Response.html(render_agency(view, _links(datasette, db)))


async def changes_page(datasette, request):
    db = _database(datasette, request.args.get("db"))
    report_id = int(request.url_vars["report_id"])
    old, new = _int(request.args.get("from")), _int(request.args.get("to"))
    changes = await db.execute_fn(lambda conn: load_changes(conn, report_id, old, new))
    if changes is None:
        raise NotFound(WORDS["changes"]["unknown_version"])
    return Response.html(render_changes(changes, _links(datasette, db)))


READ_METHODS = ("GET", "HEAD", "OPTIONS")


def _read_only(app):
    async def gate(scope, receive, send):
        if scope["type"] != "http" or scope["method"] in READ_METHODS:
            return await app(scope, receive, send)
        body = LABELS["read_only"].encode("utf-8")
        await send({"type": "http.response.start", "status": 405,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                (b"allow", ", ".join(READ_METHODS).encode()),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
    return gate


@hookimpl
def asgi_wrapper():
    return _read_only


@hookimpl
def register_routes():
    return [(r"^/-/status(\.(?P<format>xlsx))?$", status_page),
            (r"^/-/report/(?P<report_id>\d+)(\.(?P<format>xlsx))?$", report_page),
            (r"^/-/report/(?P<report_id>\d+)/changes$", changes_page),
            (r"^/-/agency/(?P<agency>[^/]+)$", agency_page)]


@hookimpl
def render_cell(value, column, table, database, datasette):
    """Every report id, report title and alert leads to the report page (and an edit's alert
    to its changes page): from an alert to the evidence in one click."""
    links = SiteLinks(datasette.setting("base_url").rstrip("/"), database)
    words = WORDS["labels"]
    if column == "status" and value in STATES:           # on_time → 按时发布, as in the grid
        return STATES[value]["zh"]
    if column == "kind" and table == "alerts" and value in ALERT_LABELS:
        return ALERT_LABELS[value]
    if column == "report_id" and isinstance(value, int):
        return Markup(f'<a href="{escape(links.report(value))}">{words["report"]} {value}</a>')
    if table == "alerts" and column == "details" and value:
        try:
            details = json.loads(value)
        except ValueError:
            return None
        report_id = details.get("report_id") if isinstance(details, dict) else None
        if not isinstance(report_id, int):
            return None
        found = [f'<a href="{escape(links.report(report_id))}">{words["report"]} {report_id}</a>']
        if details.get("from_version"):
            found.append(f'<a href="{escape(links.changes(report_id, details["from_version"], details.get("to_version")))}">'
                         f'{words["changes"]}</a>')
        return Markup(" · ".join(found) + f"<br><small>{escape(value)}</small>")
    return None


@hookimpl
def menu_links(datasette):
    return [{"href": datasette.urls.path("/-/status"), "label": LABELS["menu"]}]
