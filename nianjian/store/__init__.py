"""The SQLite store: schema and migrations, writes, views, full-text search (docs/store.md)."""
from nianjian.store.schema import SCHEMA_VERSION
from nianjian.store.store import SaveResult, Store

__all__ = ["SCHEMA_VERSION", "SaveResult", "Store"]
