"""Fixtures every area's tests share."""
from __future__ import annotations

import socket

import pytest


@pytest.fixture(scope="session")
def free_port():
    """free_port() → a port on 127.0.0.1 that nothing listens on, for a server the test starts."""
    def pick() -> int:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            return probe.getsockname()[1]
    return pick
