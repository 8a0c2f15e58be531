"""The monitor: deadlines, expected reports, alerts opened and resolved exactly once,
notifications, and the nightly job (docs/monitor.md)."""
