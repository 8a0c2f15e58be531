"""Errors that are the user's to fix: the CLI prints them on one line and exits 2, no traceback."""


class UserError(Exception):
    """Bad input, bad configuration, unreadable file: say what and where, then stop."""
