"""The SQLite store: schema and migrations, writes, views, full-text search (docs/store.md)."""
from nianjian.store.schema import SCHEMA_VERSION, DatabaseLocked
from nianjian.store.store import LeaseHeld, SaveResult, Store

__all__ = ["SCHEMA_VERSION", "DatabaseLocked", "LeaseHeld", "SaveResult", "Store"]
