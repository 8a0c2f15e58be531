"""Telling a live holder from a dead one: a process's owner token ("host:pid:start"), and the
tokens of the leases this process holds now.

A run row or a lease names its owner. On this host the owner is alive while a process with that
pid and that start time exists (a pid reused by a later process does not count, nor a zombie);
on another host nothing can be told, so its lease is trusted until it expires. Lease times are
the wall clock, never NIANJIAN_NOW: a pinned day must not make a lease expire or live forever.
"""
from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta
from pathlib import Path

from nianjian.clock import SHANGHAI, isoformat

_HELD: set[str] = set()        # tokens of the leases this process holds


def wall_stamp(seconds_ahead: float = 0) -> str:
    return isoformat(datetime.now(SHANGHAI) + timedelta(seconds=seconds_ahead))


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat from the third (state) on, or None without such a process."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()


def owner_token(pid: int | None = None) -> str:
    pid = pid or os.getpid()
    fields = _stat(pid)
    return f"{socket.gethostname()}:{pid}:{fields[19] if fields else ''}"   # field 22: start time


def alive(owner: str | None) -> bool | None:
    """Whether the process named by `owner` still runs; None when that cannot be told."""
    if not owner or owner.count(":") < 2:
        return None
    host, pid, start = owner.rsplit(":", 2)
    if host != socket.gethostname() or not pid.isdigit():
        return None
    if Path("/proc/self/stat").exists():
        fields = _stat(int(pid))
        return bool(fields) and fields[0] != "Z" and fields[19] == start
    try:                        # no /proc: signal 0 says whether the pid exists
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def held_elsewhere(row: dict, now: str) -> bool:
    """Whether a lease row still belongs to someone else."""
    if row["owner"] == owner_token():
        return row["token"] in _HELD       # a token this process let go of is stale
    state = alive(row["owner"])
    return state is True or (state is None and row["expires_at"] > now)


def hold(token: str) -> None:
    _HELD.add(token)


def let_go(token: str) -> None:
    _HELD.discard(token)
