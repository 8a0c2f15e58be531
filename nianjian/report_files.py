"""Report files named on the command line: read them safely, and say when what they hold is no
report. Shared by `parse`, `check` and `ingest`, so all three accept and refuse the same inputs."""
from __future__ import annotations

import sys
from pathlib import Path

from nianjian.errors import UserError
from parsers.record import UNREADABLE_CODES, Problem, Report

MAX_SIZE_MB = 100

# Problems that mean there is no report to show: no report, or one nianjian could not read.
FATAL = ("NOT_A_REPORT", "UNSUPPORTED_FORMAT", *UNREADABLE_CODES)


def read_report_file(name: str, max_mb: int = MAX_SIZE_MB) -> tuple[bytes, str | None]:
    """The bytes and file name of FILE (or of standard input for "-"); UserError naming the file
    when it is missing, a directory, unreadable, empty or larger than `max_mb`."""
    max_bytes = max_mb * 1_000_000
    if name == "-":
        data, filename = sys.stdin.buffer.read(max_bytes + 1), None
    else:
        path = Path(name)
        if path.is_dir():
            raise UserError.said("is_a_directory", name=name)
        try:
            size = path.stat().st_size
            if size > max_bytes:
                raise UserError.said("too_large", name=name, size=size / 1e6, limit=max_mb)
            data, filename = path.read_bytes(), path.name
        except FileNotFoundError:
            raise UserError.said("no_such_file", name=name) from None
        except OSError as error:
            raise UserError.said("unreadable_file", name=name, error=error.strerror or error) from None
    if len(data) > max_bytes:
        raise UserError.said("over_limit", name=name, limit=max_mb)
    if not data:
        raise UserError.said("empty_file", name=name)
    return data, filename


def fatal_problem(report: Report) -> Problem | None:
    """The problem that leaves nothing of a report to show, if any (cells found outweigh it)."""
    if report.cells:
        return None
    return next((p for p in report.problems if p.code in FATAL), None)
