"""The replication wait degrades instead of refusing: a lost replica must not stop the desk."""

from __future__ import annotations

import logging

import pytest

from virtualcite.realtime.store.replication import ReplicaAcks


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_every_commit_waits_while_the_replica_acknowledges() -> None:
    acks = ReplicaAcks(clock=Clock())
    for _ in range(3):
        assert acks.wanted()
        acks.record(1)
    assert acks.wanted()


def test_an_unacknowledged_commit_pauses_the_wait_then_probes_again(
    caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock()
    acks = ReplicaAcks(retry_after=5.0, clock=clock)
    with caplog.at_level(logging.INFO, logger="virtualcite.realtime.store.replication"):
        acks.record(0)
        assert not acks.wanted()
        clock.now += 4.9
        assert not acks.wanted()
        clock.now += 0.1
        assert acks.wanted()
        acks.record(0)  # still alone: paused again, not said again
        assert not acks.wanted()
        clock.now += 5.0
        acks.record(1)
        assert acks.wanted()
    assert [(record.levelname, record.getMessage()[:40]) for record in caplog.records] == [
        ("WARNING", "a store commit reached 0 of 1 Redis repl"),
        ("INFO", "Redis replicas acknowledge commits again"),
    ]
