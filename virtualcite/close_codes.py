"""Daphne fails a websocket with its close code instead of dropping the TCP connection.

Autobahn, under daphne, fails a connection by default by dropping the TCP connection
(`failByDrop`): a client that sent a text frame of invalid UTF-8, or a frame above daphne's
size limit, sees only `1006` (dropped) and cannot tell what it did wrong. With `failByDrop`
off, autobahn sends the close frame the RFC 6455 section 7.4.1 code names first: `1007`
(invalid payload data), `1009` (message too big), `1002` (protocol error); a peer that does
not answer it is still dropped after autobahn's close handshake timeout. docs/protocol.md
(Framing, Close codes) documents these codes.
"""

from __future__ import annotations

from typing import Any

from daphne import server as daphne_server
from daphne.ws_protocol import WebSocketFactory


class ClosingWebSocketFactory(WebSocketFactory):
    """Daphne's factory with `failByDrop` off: a failed connection is told its close code."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # daphne's Server.run() sets its own options afterwards; it never sets this one.
        self.setProtocolOptions(failByDrop=False)


def use_close_codes() -> None:
    """Make daphne's Server build its websocket factory from ClosingWebSocketFactory.

    daphne.server.Server.run() builds the factory from its module's `WebSocketFactory` name
    and offers no option for it, so the name is replaced before the server runs.
    """
    daphne_server.WebSocketFactory = ClosingWebSocketFactory  # type: ignore[misc]
