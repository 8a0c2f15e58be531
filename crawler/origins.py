"""Where a source may send requests: its origins (scheme + host + port), and never a private,
loopback or link-local address unless the source's own portal is on one.

Pure: URLs and addresses in, a `Refusal` (or None) out. `crawler.middlewares.OriginMiddleware`
applies it to every request, redirect and robots.txt fetch, and the refusal becomes the fetch's
recorded outcome.
"""
from __future__ import annotations

from dataclasses import dataclass
from ipaddress import ip_address
from urllib.parse import urlsplit

from nianjian.sources import Source

DEFAULT_PORTS = {"http": 80, "https": 443}
Origin = tuple[str, str, int]            # scheme, host, port


@dataclass(frozen=True)
class Refusal:
    outcome: str        # the fetch outcome: offsite, private_address, bad_link
    reason: str


def origin(url: str) -> Origin | None:
    """The origin of an http(s) URL; None for any other scheme or a URL without a host."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:                   # a port out of range, a malformed IPv6 literal
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return parts.scheme, parts.hostname.lower(), port or DEFAULT_PORTS[parts.scheme]


def origin_text(found: Origin) -> str:
    scheme, host, port = found
    host = f"[{host}]" if ":" in host else host
    return f"{scheme}://{host}" if DEFAULT_PORTS[scheme] == port else f"{scheme}://{host}:{port}"


def _entry_origins(entry: str) -> set[Origin]:
    """The origins one `url` or `allowed_hosts` entry admits. A host alone, or a URL on its
    scheme's default port, admits both http:80 and https:443 (portals move to HTTPS); an
    explicit other port admits that port only."""
    entry = entry.strip()
    found = origin(entry if "://" in entry else f"http://{entry}")
    if found is None:
        return set()
    scheme, host, port = found
    if DEFAULT_PORTS[scheme] == port:
        return {(name, host, default) for name, default in DEFAULT_PORTS.items()}
    if "://" in entry:
        return {found}
    return {(name, host, port) for name in DEFAULT_PORTS}


def is_private_address(host: str) -> bool:
    """A literal private, loopback, link-local (or otherwise non-public) IP, or `localhost`."""
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ip_address(host)
    except ValueError:
        return False
    return not address.is_global


def is_ip_literal(host: str) -> bool:
    try:
        ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class SourcePolicy:
    origins: frozenset[Origin]
    own_host: str
    private_ok: bool            # the source's own URL is on a private address: the demo, the tests

    @classmethod
    def of(cls, source: Source) -> "SourcePolicy":
        origins = set().union(*(_entry_origins(entry) for entry in (source.url, *source.allowed_hosts)))
        host = (urlsplit(source.url).hostname or "").lower()
        return cls(frozenset(origins), host, is_private_address(host))

    def refusal(self, url: str) -> Refusal | None:
        """Why a request for `url` must not be sent (None: it may), from the URL alone."""
        found = origin(url)
        if found is None:
            scheme = urlsplit(url).scheme or "no scheme"
            return Refusal("bad_link", f"{scheme}: link, not a web address (http or https)")
        if found not in self.origins:
            allowed = ", ".join(sorted(origin_text(o) for o in self.origins))
            return Refusal("offsite", f"{origin_text(found)} is another site (this source allows {allowed}); "
                                      f"add it to the source's allowed_hosts to follow it")
        if not self.private_ok and is_private_address(found[1]):
            return self.private(found[1], found[1])
        return None

    def needs_resolving(self, url: str) -> bool:
        """Whether the address a host name resolves to must be checked too."""
        found = origin(url)
        return not self.private_ok and found is not None and not is_ip_literal(found[1])

    def address_refusal(self, host: str, address: str, own_address: str | None) -> Refusal | None:
        """Refuses a host that resolves to a private address, unless the source's own host
        resolves to one too (a portal on an intranet)."""
        if not is_private_address(address) or (own_address is not None and is_private_address(own_address)):
            return None
        return self.private(host, address)

    @staticmethod
    def private(host: str, address: str) -> Refusal:
        where = host if host == address else f"{host} ({address})"
        return Refusal("private_address", f"{where} is a private, loopback or link-local address "
                                          "and this source's own portal is not")
