"""Shared fixtures: the demo portal really serving on a free loopback port."""
from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from nianjian.demo_portal import DemoPortal, manifest

SLOW_DELAY = 1.0          # the slow page, shortened for tests


@pytest.fixture(scope="session")
def portal():
    with DemoPortal(port=0, round=1, slow_delay=SLOW_DELAY) as running:
        yield running


@pytest.fixture(scope="session")
def portal2():
    with DemoPortal(port=0, round=2, slow_delay=SLOW_DELAY) as running:
        yield running


@pytest.fixture(scope="session")
def facts(portal):
    return manifest(portal.base_url, 1)


class Answer:
    def __init__(self, status: int, headers, body: bytes):
        self.status, self.headers, self.body = status, headers, body


def fetch(url: str, *, data: bytes | None = None, headers: dict | None = None, method: str | None = None,
          timeout: float = 10) -> Answer:
    """One real HTTP request; HTTP errors are answers too."""
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Answer(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.headers, error.read())


@pytest.fixture(scope="session")
def http():
    """`http(url, data=…, headers=…, method=…, timeout=…) -> Answer` (status, headers, body)."""
    return fetch
