"""Daphne, with a bound on what one websocket may owe its client, and honest close codes.

Daphne writes every frame the application sends into Twisted's buffer for the socket, however
long the client has stopped reading (a frozen page, a laptop gone to sleep behind a NAT that
keeps the connection): the buffer, and the process's memory, grow without bound while the
desk believes the frames were delivered. Twisted tells a registered producer when a socket's
buffer passes its high-water mark (64 KiB) and when it has drained; a socket that is told
to pause and still has more than MAX_UNSENT_BYTES written to it before draining is dropped.
Its consumer then ends like any closed socket (its lease lapses, virtualcite/realtime/socket.py).

Autobahn, under daphne, fails a connection by dropping TCP (`failByDrop`): a client that sent
a text frame of invalid UTF-8, or a frame above daphne's size limit, sees only 1006 and cannot
tell what it did wrong. With `failByDrop` off it first sends the close frame RFC 6455 section
7.4.1 names: 1007 (invalid payload data), 1009 (message too big), 1002 (protocol error); a
peer that does not answer is still dropped after autobahn's close handshake timeout
(docs/protocol.md, Framing and Close codes).

Daphne, when it cannot listen (the port taken by another server, or below 1024 without the
privilege), logs one line and stops its reactor: `Server.run` then returns as if the server
had run and stopped. DeskServer keeps the failure for its caller to report, exiting non-zero
(virtualcite/cli.py), and lets it say "serving" only once the port listens.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from daphne.server import Server
from daphne.ws_protocol import WebSocketProtocol

logger = logging.getLogger(__name__)

# Frames written while the client is not reading, beyond Twisted's own 64 KiB and the
# kernel's buffers: about 80 full-length chat messages, or minutes of lobby figures. A page
# that is merely slow drains long before; one that owes this much is not reading at all.
MAX_UNSENT_BYTES = 1024 * 1024


class OutgoingBuffer:
    """The producer Twisted pauses while the socket's outgoing buffer is over its mark.

    It forwards to the producer it replaces (daphne's HTTP channel, which pauses reading
    from the socket meanwhile), so the transport behaves as before.
    """

    def __init__(self, previous: Any) -> None:
        self.previous = previous
        self.full = False
        self.written_while_full = 0

    def pauseProducing(self) -> None:  # Twisted's IPushProducer
        self.full = True
        if self.previous is not None:
            self.previous.pauseProducing()

    def resumeProducing(self) -> None:
        self.full = False
        self.written_while_full = 0
        if self.previous is not None:
            self.previous.resumeProducing()

    def stopProducing(self) -> None:
        if self.previous is not None:
            self.previous.stopProducing()

    def may_write(self, size: int) -> bool:
        """Account for `size` bytes about to be written; False once the client owes too much."""
        if not self.full:
            return True
        self.written_while_full += size
        return self.written_while_full <= MAX_UNSENT_BYTES


class BoundedWebSocketProtocol(WebSocketProtocol):  # type: ignore[misc]  # daphne: untyped
    """Daphne's websocket protocol, dropping a client that stopped reading."""

    outgoing: OutgoingBuffer | None = None

    def onOpen(self) -> None:  # autobahn's hook
        self.track_outgoing()
        super().onOpen()

    def track_outgoing(self) -> None:
        """Stand in as the transport's producer, to be told when its buffer is full."""
        transport = self.transport
        previous = getattr(transport, "producer", None)
        if previous is not None:
            transport.unregisterProducer()
        self.outgoing = OutgoingBuffer(previous)
        transport.registerProducer(self.outgoing, True)

    def serverSend(self, content: Any, binary: bool = False) -> None:
        if self.outgoing is not None and not self.outgoing.may_write(len(content)):
            if self.state == self.STATE_OPEN:
                logger.warning("dropping a websocket whose client stopped reading")
                self.dropConnection(abort=True)
            return
        super().serverSend(content, binary)


class DeskServer(Server):  # type: ignore[misc]  # daphne: untyped
    """Daphne's server: BoundedWebSocketProtocol for every websocket, `failByDrop` off, and a
    failure to listen kept as `listen_failure` instead of only logged.

    `Server.run` creates its websocket factory itself and offers no option for either; the
    property configures the factory as it is set (`run` sets its own options afterwards and
    never touches these two).
    """

    def __init__(self, *args: Any, on_listening: Callable[[], None] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.on_listening = on_listening  # called once the port listens
        self.listen_failure: BaseException | None = None  # why it could not listen, if so

    def listen_success(self, port: Any) -> None:  # daphne's callback of endpoint.listen
        super().listen_success(port)
        if self.on_listening is not None:
            self.on_listening()

    def listen_error(self, failure: Any) -> None:  # its errback: logs, then stops the reactor
        self.listen_failure = failure.value
        super().listen_error(failure)

    @property
    def ws_factory(self) -> Any:
        return self._ws_factory

    @ws_factory.setter
    def ws_factory(self, factory: Any) -> None:
        factory.protocol = BoundedWebSocketProtocol
        factory.setProtocolOptions(failByDrop=False)
        self._ws_factory = factory
