"""Fixtures of the end-to-end tests: a live server and a browser, one of each per module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.e2e.browser import chromium
from tests.e2e.live_server import LiveServer, start_two_daphnes


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """`virtualcite serve --demo` on the embedded default, as `make run` starts it."""
    server = LiveServer(Path(tmp_path_factory.mktemp("served")))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def served_on_redis(tmp_path: Path, redis_url: str) -> Iterator[LiveServer]:
    """One `virtualcite serve --demo` with `REDIS_URL` on the test's private Redis."""
    server = LiveServer(tmp_path, redis_url=redis_url)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def two_daphnes(tmp_path: Path, redis_url: str) -> Iterator[tuple[LiveServer, LiveServer]]:
    servers = start_two_daphnes(tmp_path, redis_url)
    yield servers
    for server in servers:
        server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched
