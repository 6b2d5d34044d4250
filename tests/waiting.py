"""Waiting on a condition instead of a fixed sleep: a loaded machine only makes a test slower.

A fixed sleep is a guess about how long something takes; on a shared 2-core runner the guess is
wrong some of the time and the test fails on load, not on code. These helpers poll a condition
until it holds or a generous deadline passes (then the test fails, naming what it waited for).
"""

from __future__ import annotations

import asyncio
import subprocess
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")

# Far longer than anything these tests wait for (TTLs under a second), short enough to report a
# real hang well inside pytest's 120 s timeout.
DEFAULT_TIMEOUT = 15.0
POLL_SECONDS = 0.02


async def eventually(
    probe: Callable[[], Awaitable[T]],
    until: Callable[[T], bool],
    *,
    what: str,
    timeout: float = DEFAULT_TIMEOUT,
) -> T:
    """Await `probe()` until `until(value)` holds; return that value, or fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = await probe()
        if until(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout} s for {what}; last seen: {value!r}")
        await asyncio.sleep(POLL_SECONDS)


def wait_for(condition: Callable[[], bool], *, what: str, timeout: float = DEFAULT_TIMEOUT) -> None:
    """The same for code without an event loop: poll `condition()` until it is true."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout} s for {what}")
        time.sleep(POLL_SECONDS)


def wait_for_exit(process: subprocess.Popen[bytes], *, timeout: float = 10.0) -> None:
    """Wait for a process that was asked to stop; kill it past `timeout` (a stuck shutdown
    must not hang the suite)."""
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
