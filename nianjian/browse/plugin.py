"""The Datasette plugin: the status grid at `/-/status`, linked from Datasette's menu, and the
read-only gate: any request but GET/HEAD/OPTIONS is refused with 405 before Datasette sees it
(Datasette answers a POST to a table with an assertion error and a traceback on the console).

Registered by `nianjian.browse.datasette_app` (not through an entry point, so a plain
`datasette` elsewhere in the environment is left alone).
"""
from __future__ import annotations

from urllib.parse import urlencode

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

from nianjian.browse.grid import LABELS, DatasetteLinks, load_grid, render_html


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


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


async def status_page(datasette, request):
    args = request.args
    db = _database(datasette, args.get("db"))
    filters = {key: args.get(key) or "" for key in ("q", "region", "level", "from")}
    page = _int(args.get("page")) or 1
    grid = await db.execute_fn(lambda conn: load_grid(
        conn, region=filters["region"] or None, level=filters["level"] or None,
        first_year=_int(filters["from"]), name=filters["q"] or None, page=page, per_page=PER_PAGE))
    base = datasette.setting("base_url").rstrip("/")
    kept = {k: v for k, v in {**filters, "db": args.get("db") or ""}.items() if v}

    def page_link(number: int) -> str:
        return f"{base}/-/status?" + urlencode({**kept, "page": number})

    return Response.html(render_html(grid, DatasetteLinks(db.name, base), home=f"{base}/{db.name}",
                                     filters=filters, page_link=page_link))


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
    return [(r"^/-/status$", status_page)]


@hookimpl
def menu_links(datasette):
    return [{"href": datasette.urls.path("/-/status"), "label": LABELS["menu"]}]
