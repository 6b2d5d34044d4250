"""A websocket whose client stopped reading is dropped before its buffer grows without bound."""

from __future__ import annotations

from typing import Any

from twisted.internet.testing import StringTransport

from virtualcite.server import MAX_UNSENT_BYTES, BoundedWebSocketProtocol, OutgoingBuffer


class Producer:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def pauseProducing(self) -> None:
        self.calls.append("pause")

    def resumeProducing(self) -> None:
        self.calls.append("resume")

    def stopProducing(self) -> None:
        self.calls.append("stop")


def open_protocol() -> tuple[BoundedWebSocketProtocol, list[Any], list[bool]]:
    protocol = BoundedWebSocketProtocol()
    protocol.transport = StringTransport()
    protocol.track_outgoing()
    protocol.state = protocol.STATE_OPEN
    protocol.client_addr = None  # read by daphne's debug log
    sent: list[Any] = []
    dropped: list[bool] = []
    protocol.sendMessage = lambda payload, binary=False: sent.append(payload)  # type: ignore
    protocol.dropConnection = lambda abort=False: dropped.append(abort)  # type: ignore
    return protocol, sent, dropped


def test_the_protocol_stands_in_as_producer_and_forwards_to_the_one_it_replaced() -> None:
    transport = StringTransport()
    previous = Producer()
    transport.registerProducer(previous, True)
    protocol = BoundedWebSocketProtocol()
    protocol.transport = transport
    protocol.track_outgoing()
    assert isinstance(transport.producer, OutgoingBuffer)
    transport.producer.pauseProducing()
    transport.producer.resumeProducing()
    assert previous.calls == ["pause", "resume"]


def test_frames_flow_while_the_client_reads() -> None:
    protocol, sent, dropped = open_protocol()
    for _ in range(100):
        protocol.serverSend("x" * 20_000)  # 2 MB in all, but never while the buffer is full
    assert len(sent) == 100 and dropped == []


def test_a_client_that_stops_reading_is_dropped_once_it_owes_the_bound() -> None:
    protocol, sent, dropped = open_protocol()
    assert protocol.outgoing is not None
    protocol.outgoing.pauseProducing()  # Twisted: the buffer passed its high-water mark
    frame = "x" * 10_000
    for _ in range(MAX_UNSENT_BYTES // len(frame)):
        protocol.serverSend(frame)
    assert dropped == [] and len(sent) == MAX_UNSENT_BYTES // len(frame)
    protocol.serverSend(frame)
    assert dropped == [True], "the socket was not dropped"
    assert len(sent) == MAX_UNSENT_BYTES // len(frame)  # nothing more was buffered


def test_a_buffer_that_drains_starts_the_count_again() -> None:
    protocol, sent, dropped = open_protocol()
    assert protocol.outgoing is not None
    for _ in range(3):
        protocol.outgoing.pauseProducing()
        protocol.serverSend("x" * (MAX_UNSENT_BYTES // 2))
        protocol.outgoing.resumeProducing()  # the client read it all
    assert dropped == [] and len(sent) == 3
