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

Twisted, on SIGTERM or SIGINT, stops its reactor, and daphne cancels every application: each
page sees its socket dropped at once. DeskServer installs its own handlers instead, which
drain the process (virtualcite/drain.py): the port closes, each websocket is asked to close
with 1012 over the drain window, and the process stops once nothing is served any more. A
second signal stops it at once.
"""

from __future__ import annotations

import contextvars
import logging
import signal
from collections.abc import Callable, Hashable
from functools import partial
from types import FrameType
from typing import Any

from daphne.http_protocol import WebRequest
from daphne.server import Server
from daphne.ws_protocol import WebSocketProtocol
from twisted.internet import reactor

from virtualcite.drain import DRAIN_EVENT, Drain
from virtualcite.realtime.protocol import CloseCode

logger = logging.getLogger(__name__)

# Frames written while the client is not reading, beyond Twisted's own 64 KiB and the
# kernel's buffers: about 80 full-length chat messages, or minutes of lobby figures. A page
# that is merely slow drains long before; one that owes this much is not reading at all.
MAX_UNSENT_BYTES = 1024 * 1024
# The registered codes a server sends of its own accord (RFC 6455 section 7.4.1, IANA): the
# desk's 1011 (internal error) and 1012 (service restart, the drain).
SERVER_CLOSE_CODES = frozenset({int(CloseCode.INTERNAL_ERROR), int(CloseCode.SERVICE_RESTART)})


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

    def serverClose(self, code: int | None = None) -> None:  # daphne's, for websocket.close
        """Send the close codes RFC 6455 reserves for a server (1011, 1012) too: autobahn's
        `sendClose` takes only 1000 and 3000-4999 and raises on them, so the socket would be
        dropped (1006) instead of closed with its code."""
        if code in SERVER_CLOSE_CODES:
            self.sendCloseFrame(code=code, isReply=False)
            return
        super().serverClose(code=code)

    def ask_to_drain(self) -> None:
        """Ask the socket's application to close with 1012 (RealtimeSocket.server_drain)."""
        self.application_queue.put_nowait({"type": DRAIN_EVENT})


class DrainAwareRequest(WebRequest):  # type: ignore[misc]  # daphne: untyped
    """Daphne's HTTP request; while the server drains, its connection closes after the
    response. nginx keeps connections open to each process (`keepalive`, deploy/nginx.conf),
    which would otherwise keep bringing it requests until it stops. A websocket's upgrade is
    left alone: its connection becomes the socket's (told to close with 1012 at once)."""

    def process(self) -> Any:
        if self.server.drain.started and not self.getHeader(b"upgrade"):
            self.channel.persistent = False
            self.setHeader(b"connection", b"close")
        return super().process()


class DeskServer(Server):  # type: ignore[misc]  # daphne: untyped
    """Daphne's server: BoundedWebSocketProtocol for every websocket, `failByDrop` off, a
    failure to listen kept as `listen_failure` instead of only logged, and a graceful drain on
    SIGTERM and SIGINT over `drain_seconds`.

    `Server.run` creates its websocket and HTTP factories itself and offers no option for
    any of this; the two properties configure each factory as it is set (`run` sets its own
    options afterwards and never touches these): BoundedWebSocketProtocol and `failByDrop`
    for the websocket one, DrainAwareRequest for the HTTP one.
    """

    def __init__(self, *args: Any, on_listening: Callable[[], None] | None = None,
                 drain_seconds: float = 0.0, **kwargs: Any) -> None:
        # Twisted's own handlers would stop the reactor at once: run() installs the drain's.
        super().__init__(*args, signal_handlers=False, **kwargs)
        self.on_listening = on_listening  # called once the port listens
        self.listen_failure: BaseException | None = None  # why it could not listen, if so
        self.ports: list[Any] = []  # the listening ports, closed when the drain begins
        self.drain = Drain(window=drain_seconds, clock=reactor, websockets=self.open_websockets,
                           tell=self.ask_to_drain, busy=self.busy,
                           stop_listening=self.stop_listening, stop=self.stop)

    def run(self) -> None:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._on_signal)
        super().run()

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        """The first signal drains, a second one stops at once (Ctrl+C twice). Run in a
        context of their own: not in that of the socket the signal interrupted, whose log id
        every line of the drain would carry."""
        action = self.stop if self.drain.started else partial(self._begin_drain, signum)
        reactor.callFromThread(contextvars.Context().run, action)

    def _begin_drain(self, signum: int) -> None:
        logger.info("draining: %s received", signal.Signals(signum).name,
                    extra={"drain_seconds": self.drain.window})
        self.drain.begin()

    def listen_success(self, port: Any) -> None:  # daphne's callback of endpoint.listen
        super().listen_success(port)
        self.ports.append(port)
        if self.drain.started:  # a signal came before the port listened
            port.stopListening()
            return
        if self.on_listening is not None:
            self.on_listening()

    def ask_to_drain(self, protocol: Hashable) -> None:
        assert isinstance(protocol, BoundedWebSocketProtocol)  # open_websockets lists only them
        protocol.ask_to_drain()

    def stop_listening(self) -> None:
        for port in self.ports:
            port.stopListening()

    def open_websockets(self) -> list[BoundedWebSocketProtocol]:
        """The websockets whose application runs (and reads its queue) and whose client has
        not left."""
        return [protocol for protocol, details in self.connections.items()
                if isinstance(protocol, BoundedWebSocketProtocol)
                and "disconnected" not in details and "application_instance" in details
                and getattr(protocol, "application_queue", None) is not None]

    def busy(self) -> bool:
        """Whether an application the drain waits for still runs: a websocket (its release),
        or an HTTP response to a request made before the drain began. Requests made since,
        on a kept-alive connection (a probe, nginx), are answered meanwhile but not waited
        for: a client asking again and again would hold the process for ever."""
        began = self.drain.started_at
        return any(not details["application_instance"].done()
                   for protocol, details in self.connections.items()
                   if "application_instance" in details
                   and (isinstance(protocol, BoundedWebSocketProtocol)
                        or began is None or details["connected"] < began))

    def listen_error(self, failure: Any) -> None:  # its errback: logs, then stops the reactor
        self.listen_failure = failure.value
        super().listen_error(failure)

    @property
    def http_factory(self) -> Any:
        return self._http_factory

    @http_factory.setter
    def http_factory(self, factory: Any) -> None:
        build = factory.buildProtocol

        def build_protocol(address: Any) -> Any:
            channel = build(address)
            channel.requestFactory = DrainAwareRequest
            return channel

        factory.buildProtocol = build_protocol
        self._http_factory = factory

    @property
    def ws_factory(self) -> Any:
        return self._ws_factory

    @ws_factory.setter
    def ws_factory(self, factory: Any) -> None:
        factory.protocol = BoundedWebSocketProtocol
        factory.setProtocolOptions(failByDrop=False)
        self._ws_factory = factory
