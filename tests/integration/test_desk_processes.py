"""Two OS processes x 50 coroutines share one desk in Redis: nobody is given twice, or lost.

500 visitors join five poles while 50 counsellors (capacity 2) go online, accept the offers
made to them and end conversations, and both processes tick, all at once. Every change
checks the desk's invariants before and after (tests/integration/desk_worker.py); the test
then reads both processes' events together.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from chat.core.model import DeskState

pytestmark = pytest.mark.redis

PROCESSES = 2
COROUTINES = 50
VISITORS = 500
COUNSELLORS = 50
WORK_SECONDS = 60.0
ROOT = Path(__file__).resolve().parents[2]


def test_two_processes_never_assign_a_visitor_twice_nor_lose_one(
    redis_url: str, tmp_path: Path
) -> None:
    namespace = f"desk-processes-{secrets.token_hex(4)}"
    start_at = time.time() + 2.0  # both processes import and connect before the start
    outputs = [tmp_path / f"worker-{index}.json" for index in range(PROCESSES)]
    workers = [
        subprocess.Popen(
            [
                sys.executable, "-m", "tests.integration.desk_worker",
                "--redis-url", redis_url,
                "--namespace", namespace,
                "--index", str(index),
                "--processes", str(PROCESSES),
                "--coroutines", str(COROUTINES),
                "--visitors", str(VISITORS),
                "--counsellors", str(COUNSELLORS),
                "--start-at", str(start_at),
                "--seconds", str(WORK_SECONDS),
                "--out", str(output),
            ],
            cwd=ROOT,
            stderr=subprocess.PIPE,
        )
        for index, output in enumerate(outputs)
    ]
    try:
        for worker in workers:
            _, stderr = worker.communicate(timeout=WORK_SECONDS + 30)
            assert worker.returncode == 0, stderr.decode()
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()

    reports = [json.loads(output.read_text()) for output in outputs]
    events = [event for report in reports for event in report["events"]]
    assert [report["violations"] for report in reports] == [[]] * PROCESSES
    assert [report["timed_out"] for report in reports] == [False] * PROCESSES

    # Both processes really decided: each accepted offers made by either one.
    for report in reports:
        assert any(event["kind"] == "conversation_started" for event in report["events"])

    everyone = {f"v{n}" for n in range(VISITORS)}
    queued = Counter(e["token"] for e in events if e["kind"] == "visitor_queued")
    started = Counter(e["token"] for e in events if e["kind"] == "conversation_started")
    ended = Counter(e["token"] for e in events if e["kind"] == "conversation_ended")
    assert set(queued) == everyone and set(queued.values()) == {1}
    # Zero double assignment: each visitor matched exactly once, to one conversation.
    assert set(started) == everyone and set(started.values()) == {1}
    assert set(ended) == everyone and set(ended.values()) == {1}
    conversations = Counter(
        e["conversation_id"] for e in events if e["kind"] == "conversation_started"
    )
    assert set(conversations.values()) == {1}

    # Zero lost visitor: the desk that remains holds nobody and no conversation.
    state = _stored_desk(redis_url, namespace)
    assert state.tickets == {} and state.conversations == {}
    assert len(state.counsellors) == COUNSELLORS


def _stored_desk(redis_url: str, namespace: str) -> DeskState:
    import asyncio

    from virtualcite.realtime.store.redis import RedisStateStore

    async def read() -> DeskState:
        store = RedisStateStore(redis_url, namespace=namespace, state_factory=DeskState)
        try:
            return await store.read()
        finally:
            await store.close()

    return asyncio.run(read())
