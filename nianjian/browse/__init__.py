"""Browsing the database: Datasette metadata and plugin, the agency × year status grid."""
