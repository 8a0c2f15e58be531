"""Build the read-only Datasette instance `nianjian serve` runs (and the tests drive)."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml
from datasette.app import Datasette
from datasette.plugins import pm

from nianjian.browse import plugin, search
from nianjian.store import Store
from parsers.template import TEMPLATE

_PLUGIN_NAME = "nianjian-status-grid"
_SEARCH_NAME = "nianjian-search"          # stands in for datasette.filters (nianjian/browse/search.py)


def _t4_columns() -> dict[str, str]:
    """t4_table's 15 columns, described from the template's printed labels."""
    return {f"{row}_{col}": f"{TEMPLATE.t4_rows[row][0]}·{TEMPLATE.t4_columns[col][0]} — "
                            f"{row.replace('_', ' ')}: {col}"
            for row in TEMPLATE.t4_order for col in TEMPLATE.t4_columns}


@lru_cache(maxsize=1)
def schema_columns() -> dict[str, list[str]]:
    """Every table's and view's columns in this version's schema (the served file is migrated
    to it before serving), read from a fresh in-memory database."""
    with Store(":memory:") as store:
        names = store.db.table_names() + store.db.view_names()
        return {name: [row[1] for row in store.db.execute(f"PRAGMA table_info([{name}])")]
                for name in names}


def metadata_for(database: str) -> dict:
    """metadata.yml with its `nianjian` database entry filed under the served database's name.
    Each table describes only the columns it has: its own descriptions, then the shared ones."""
    data = yaml.safe_load(resources.files("nianjian.browse").joinpath("metadata.yml").read_text("utf-8"))
    common = data.pop("common_columns")
    entry = data["databases"]["nianjian"]
    entry["tables"]["t4_table"].setdefault("columns", {}).update(_t4_columns())
    columns = schema_columns()
    for name, table in entry["tables"].items():
        own = table.get("columns") or {}
        table["columns"] = {column: own.get(column) or common[column]
                            for column in columns.get(name, ()) if column in own or column in common}
    data["databases"] = {database: entry}
    return data


def build(path: str | Path, **settings) -> Datasette:
    """Datasette over one database file, opened read-only (`mode=ro`: no SQL can write, and a
    crawl writing through WAL at the same time stays visible, unlike immutable mode)."""
    path = Path(path)
    # Only Datasette's own modules and the status grid: a plugin installed in the environment
    # (datasette-write, upload plugins…) would get a writable connection through the Datasette API.
    for name, other in pm.list_name_plugin():
        if name == "datasette.filters" or not (name.startswith("datasette.") or name in (_PLUGIN_NAME, _SEARCH_NAME)):
            pm.unregister(other)
    if pm.get_plugin(_PLUGIN_NAME) is None:
        pm.register(plugin, name=_PLUGIN_NAME)
    if pm.get_plugin(_SEARCH_NAME) is None:
        pm.register(search, name=_SEARCH_NAME)
    return Datasette(
        files=[str(path)],
        metadata=metadata_for(path.stem),
        # Suggested facets cost a query per column on every table page: at 100,000 reports they
        # add seconds and time out anyway; the configured facets stay (see the store benchmark).
        settings={"suggest_facets": False, **settings},
    )
