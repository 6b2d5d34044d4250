"""Who is the client: the socket's peer, or what a trusted reverse proxy says it forwarded.

`X-Forwarded-For` and `X-Forwarded-Proto` are only believed from the peers listed in
`TRUSTED_PROXIES`: `ForwardedHeaders` removes every forwarding header sent by anyone else
before Django or a consumer sees the request, so `SECURE_PROXY_SSL_HEADER` (settings.py) and
the per-client socket cap (connection_cap.py) cannot be fooled by a client writing the header
itself. The address found here is used in memory for the cap and nowhere else: never logged,
never stored.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any

from virtualcite.config import Network

# Headers a proxy sets to describe the request it forwards; from anyone else they are lies.
FORWARDING_HEADERS = frozenset({b"forwarded", b"x-forwarded-for", b"x-forwarded-proto",
                                b"x-forwarded-host", b"x-forwarded-port"})


def is_trusted(address: str | None, trusted: Iterable[Network]) -> bool:
    """Whether `address` (an IP literal) lies in one of the trusted proxy networks."""
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def _peer(scope: dict[str, Any]) -> str | None:
    client = scope.get("client")
    return str(client[0]) if client else None


def _header(scope: dict[str, Any], name: bytes) -> str | None:
    values = [value.decode("latin-1") for key, value in scope.get("headers", ()) if key == name]
    return ",".join(values) if values else None


def client_address(scope: dict[str, Any], trusted: tuple[Network, ...]) -> str | None:
    """The client's address for this ASGI scope, or None when the transport gives none.

    From a trusted proxy, the right-most `X-Forwarded-For` entry that is not itself a trusted
    proxy: entries to its left were written by the client and prove nothing.
    """
    peer = _peer(scope)
    if peer is None or not is_trusted(peer, trusted):
        return peer
    forwarded = _header(scope, b"x-forwarded-for")
    if not forwarded:
        return peer
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not is_trusted(hop, trusted):
            return hop
    return hops[0] if hops else peer


class ForwardedHeaders:
    """ASGI middleware: drop forwarding headers unless the peer is a trusted proxy."""

    def __init__(self, app: Any, *, trusted: tuple[Network, ...]) -> None:
        self.app = app
        self.trusted = trusted

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope["type"] in {"http", "websocket"} and not is_trusted(_peer(scope), self.trusted):
            headers = scope.get("headers", ())
            if any(key in FORWARDING_HEADERS for key, _ in headers):
                scope = {**scope, "headers": [(key, value) for key, value in headers
                                              if key not in FORWARDING_HEADERS]}
        return await self.app(scope, receive, send)
