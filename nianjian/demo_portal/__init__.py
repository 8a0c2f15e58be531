"""The bundled demo portal: static government sites generated from data (data/*.yaml), served on
127.0.0.1 by a stdlib HTTP server, with a manifest of what they hold.

    from nianjian.demo_portal import DemoPortal, manifest, sources_for
    with DemoPortal(port=0, round=1, slow_delay=1.0) as portal:
        facts = manifest(portal.base_url)          # reports, expectations, columns, failing URLs
        yaml_text = sources_for(portal.base_url)   # the sources file for this portal
"""
from nianjian.demo_portal.manifest import (
    Expectation, Manifest, ReportEntry, deadline_for, demo_now, manifest, sources_for,
)
from nianjian.demo_portal.server import DEFAULT_SLOW_DELAY, DemoPortal

__all__ = ["DemoPortal", "DEFAULT_SLOW_DELAY", "Expectation", "Manifest", "ReportEntry",
           "deadline_for", "demo_now", "manifest", "sources_for"]
