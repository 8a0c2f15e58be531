"""The Datasette plugin: the status grid at `/-/status`, linked from Datasette's menu.

Registered by `nianjian.browse.datasette_app` (not through an entry point, so a plain
`datasette` elsewhere in the environment is left alone).
"""
from __future__ import annotations

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

from nianjian.browse.grid import DatasetteLinks, load_grid, render_html


def _database(datasette, name: str | None):
    names = [n for n in datasette.databases if n != "_internal"]
    if name:
        if name not in names:
            raise NotFound(f"no database named {name}")
        return datasette.get_database(name)
    if not names:
        raise NotFound("no database attached")
    return datasette.get_database(names[0])


async def status_page(datasette, request):
    args = request.args
    db = _database(datasette, args.get("db"))
    first_year = args.get("from")
    grid = await db.execute_fn(lambda conn: load_grid(
        conn, region=args.get("region") or None, level=args.get("level") or None,
        first_year=int(first_year) if first_year and first_year.isdigit() else None))
    base = datasette.setting("base_url").rstrip("/")
    links = DatasetteLinks(db.name, base)
    return Response.html(render_html(grid, links, home=base + "/" + db.name))


@hookimpl
def register_routes():
    return [(r"^/-/status$", status_page)]


@hookimpl
def menu_links(datasette):
    return [{"href": datasette.urls.path("/-/status"), "label": "发布状态 Status grid"}]
