"""Who the client is, and which forwarding headers count (virtualcite/proxy.py)."""

from __future__ import annotations

import ipaddress
from typing import Any

from virtualcite.proxy import ForwardedHeaders, client_address

TRUSTED = (ipaddress.ip_network("10.0.0.0/24"), ipaddress.ip_network("::1/128"))


def scope(peer: str | None, **headers: str) -> dict[str, Any]:
    return {"type": "http", "client": [peer, 4000] if peer else None,
            "headers": [(name.replace("_", "-").encode(), value.encode())
                        for name, value in headers.items()]}


def test_without_a_trusted_proxy_the_peer_is_the_client() -> None:
    assert client_address(scope("198.51.100.7", x_forwarded_for="203.0.113.1"), ()) == \
        "198.51.100.7"


def test_from_a_trusted_proxy_the_rightmost_untrusted_hop_is_the_client() -> None:
    forwarded = scope("10.0.0.5", x_forwarded_for="6.6.6.6, 203.0.113.1, 10.0.0.9")
    assert client_address(forwarded, TRUSTED) == "203.0.113.1"  # 6.6.6.6 was the client's lie


def test_a_trusted_proxy_without_the_header_is_the_client_itself() -> None:
    assert client_address(scope("::1"), TRUSTED) == "::1"


def test_no_transport_address_means_no_client_address() -> None:
    assert client_address(scope(None), TRUSTED) is None


async def test_forwarding_headers_from_an_untrusted_peer_never_reach_the_app() -> None:
    seen: list[dict[str, Any]] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.append(scope)

    middleware = ForwardedHeaders(app, trusted=TRUSTED)
    await middleware(scope("198.51.100.7", x_forwarded_proto="https", x_forwarded_for="1.2.3.4",
                           host="desk.example"), None, None)
    await middleware(scope("10.0.0.5", x_forwarded_proto="https"), None, None)
    assert seen[0]["headers"] == [(b"host", b"desk.example")]
    assert seen[1]["headers"] == [(b"x-forwarded-proto", b"https")]
