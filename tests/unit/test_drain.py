"""The drain of a stopping process (virtualcite/drain.py), on Twisted's test clock: readiness,
the port, the order and pace of the closes, and when the process stops."""

from __future__ import annotations

import itertools
import random
import signal
from collections.abc import Callable

import pytest
from twisted.internet.task import Clock

from virtualcite import drain
from virtualcite import server as server_module
from virtualcite.drain import (
    DRAIN_MARGIN_SECONDS,
    MAX_SPACING_SECONDS,
    WATCH_SECONDS,
    Drain,
    DrainStatus,
    close_offsets,
)
from virtualcite.server import DeskServer


class FakeServer:
    """The connections a drain acts on: sockets close when told (or never, if `stubborn`)."""

    def __init__(self, clock: Clock, sockets: int, *, stubborn: bool = False) -> None:
        self.clock = clock
        self.open = [f"socket-{n}" for n in range(sockets)]
        self.stubborn = stubborn
        self.told: list[tuple[str, float]] = []
        self.listening = True
        self.stopped_at: float | None = None
        self.status = DrainStatus()

    def tell(self, socket: object) -> None:
        assert isinstance(socket, str)
        self.told.append((socket, self.clock.seconds()))
        if not self.stubborn:
            self.open.remove(socket)

    def drain(self, window: float) -> Drain:
        return Drain(window=window, clock=self.clock, websockets=lambda: list(self.open),
                     tell=self.tell, busy=lambda: bool(self.open),
                     stop_listening=self.stop_listening, stop=self.stop, status=self.status,
                     shuffle=random.Random(7))

    def stop_listening(self) -> None:
        self.listening = False

    def stop(self) -> None:
        assert self.stopped_at is None, "stopped twice"
        self.stopped_at = self.clock.seconds()


def run(clock: Clock, until: float) -> None:
    while clock.seconds() < until:
        clock.advance(0.001)


def test_closes_are_spread_evenly_over_the_window_never_slower_than_50_a_second() -> None:
    assert close_offsets(0, 10) == []
    assert close_offsets(4, 10) == [0, 0.02, 0.04, 0.06]  # a few: not held for the window
    many = close_offsets(10_000, 10)
    assert many[0] == 0 and many[-1] < 10 and many[1] - many[0] == 10 / 10_000
    assert all(b - a <= MAX_SPACING_SECONDS for a, b in itertools.pairwise(many))


def test_the_drain_fails_readiness_closes_the_port_and_tells_every_socket_in_random_order() -> None:
    clock = Clock()
    server = FakeServer(clock, 2_000)
    drain = server.drain(window=10)
    drain.begin()
    assert server.status.draining and not server.listening
    assert server.status.window_seconds == 10
    run(clock, 11)
    sockets = [socket for socket, _ in server.told]
    assert sorted(sockets) == sorted(f"socket-{n}" for n in range(2_000))
    assert sockets != sorted(sockets, key=lambda name: int(name.split("-")[1]))
    times = [at for _, at in server.told]
    assert times[0] <= 0.001 and 9.9 <= times[-1] <= 10.01, "over the whole window, not at once"
    second = sum(1 for at in times if at < 1)
    assert 190 <= second <= 210, "about a tenth in each tenth of the window"
    assert server.stopped_at is not None and server.stopped_at <= 10 + 2 * WATCH_SECONDS


def test_a_process_without_sockets_stops_at_once() -> None:
    clock = Clock()
    server = FakeServer(clock, 0)
    server.drain(window=10).begin()
    assert server.stopped_at == 0


def test_a_socket_whose_handshake_was_under_way_is_told_at_the_next_look() -> None:
    clock = Clock()
    server = FakeServer(clock, 1, stubborn=True)
    server.drain(window=10).begin()
    server.open.append("late")  # accepted before the port closed, its application started since
    clock.advance(WATCH_SECONDS)
    assert [socket for socket, _ in server.told] == ["socket-0", "late"]


def test_sockets_that_never_close_stop_the_process_after_the_window_and_its_margin() -> None:
    clock = Clock()
    server = FakeServer(clock, 3, stubborn=True)
    server.drain(window=10).begin()
    run(clock, 30)
    assert len(server.told) == 3
    assert server.stopped_at is not None
    assert 10 + DRAIN_MARGIN_SECONDS <= server.stopped_at <= 10 + DRAIN_MARGIN_SECONDS + 0.2


def test_a_second_begin_changes_nothing() -> None:
    clock = Clock()
    server = FakeServer(clock, 3, stubborn=True)
    drain = server.drain(window=10)
    drain.begin()
    drain.begin()
    run(clock, 1)
    assert len(server.told) == 3


class SignalledReactor(Clock):
    """Twisted's test clock, also taking what a signal handler hands to the reactor."""

    def __init__(self) -> None:
        super().__init__()
        self.handed: list[Callable[[], object]] = []

    def callFromThread(self, callable: Callable[..., object], *args: object) -> None:
        self.handed.append(lambda: callable(*args))


class NeverDone:
    def done(self) -> bool:
        return False


def test_the_first_signal_drains_and_a_second_stops_at_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    clock = SignalledReactor()
    monkeypatch.setattr(server_module, "reactor", clock)
    monkeypatch.setattr(drain, "STATUS", drain.DrainStatus())  # this process's stays ready
    server = DeskServer(application=None, endpoints=["tcp:port=0"], drain_seconds=10)
    server.connections = {object(): {"application_instance": NeverDone(), "connected": -1.0}}
    stops: list[float] = []
    monkeypatch.setattr(server, "stop", lambda: stops.append(clock.seconds()))

    server._on_signal(signal.SIGTERM, None)
    clock.handed.pop()()
    assert server.drain.started and drain.STATUS.draining
    clock.advance(1)
    assert stops == [], "a response begun before the drain is still being written"

    server._on_signal(signal.SIGINT, None)  # Ctrl+C again: no more waiting
    clock.handed.pop()()
    assert stops == [1]
