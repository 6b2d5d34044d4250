"""`virtualcite serve --demo`, as `make run` starts it, serves the desk from a fresh data dir."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.journeys import visitor_on
from tests.e2e.live_server import LiveServer
from tests.e2e.test_bad_input_live import close_code
from virtualcite.cli import EXIT_CANNOT_LISTEN, EXIT_OK
from virtualcite.realtime.protocol import CloseCode

REPO = Path(__file__).resolve().parents[2]


def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read().decode()


def test_home_page_lists_the_five_demo_poles(served: LiveServer) -> None:
    status, page = get(served.url + "/")
    assert status == 200
    assert page.count('class="pole"') == 5
    assert "Trouver un emploi" in page


def test_probes_answer_200(served: LiveServer) -> None:
    assert get(served.url + "/healthz")[0] == 200
    status, body = get(served.url + "/readyz")
    assert status == 200
    assert body == "ok"  # the details are the operator's (tests/integration/test_directory.py)


def test_static_files_are_served_by_the_app(served: LiveServer) -> None:
    status, css = get(served.url + "/static/frontend/site.css")
    assert status == 200
    assert "--accent" in css


def test_demo_logins_are_printed_in_demo_mode(served: LiveServer) -> None:
    assert "camille" in served.log()


def test_serving_is_said_once_listening_with_how_to_stop(served: LiveServer) -> None:
    assert f"serving on http://127.0.0.1:{served.port}/ (Ctrl+C stops it)" in served.log()


async def test_ctrl_c_hands_the_open_pages_over_then_exits_0(tmp_path: Path) -> None:
    """Ctrl+C drains as SIGTERM does (virtualcite/drain.py): each page is told 1012 to come
    back elsewhere, the port closes, and the command ends with status 0."""
    server = LiveServer(tmp_path, extra_env={"DRAIN_SECONDS": "2"})
    server.start()
    try:
        pages = [await visitor_on(server) for _ in range(3)]
        assert server.process is not None
        server.process.send_signal(signal.SIGINT)
        assert [await close_code(page) for page in pages] == [CloseCode.SERVICE_RESTART] * 3
        assert await asyncio.to_thread(server.process.wait, 30) == EXIT_OK
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", server.port), timeout=5).close()
        assert "draining: SIGINT received" in server.log()
    finally:
        server.stop()


def test_a_port_already_taken_fails_naming_it_with_a_non_zero_status(tmp_path: Path) -> None:
    env = LiveServer(tmp_path).env  # the variables a served test controls, DEBUG on
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "virtualcite.cli", "serve", "--port", str(port)],
            env=env, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == EXIT_CANNOT_LISTEN
    assert f"virtualcite: port {port} on 127.0.0.1 is already in use" in result.stderr
    assert f"make run PORT={port + 1}" in result.stderr
    assert "serving" not in result.stdout


def make_run_commands(venv: Path) -> str:
    """What `make run` would do with this venv (make -n: nothing is run)."""
    return subprocess.run(["make", "-n", "-C", str(REPO), "run", f"VENV={venv}"],
                          capture_output=True, text=True, check=True).stdout


def test_make_run_reinstalls_only_after_pyproject_changes(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").touch()
    assert "pip install" in make_run_commands(venv)  # never installed
    stamp = venv / ".installed"
    stamp.touch()
    pyproject = (REPO / "pyproject.toml").stat().st_mtime
    os.utime(stamp, (pyproject + 60, pyproject + 60))
    commands = make_run_commands(venv)
    assert "pip install" not in commands
    assert "virtualcite serve --demo" in commands
    os.utime(stamp, (pyproject - 60, pyproject - 60))  # pyproject.toml edited since
    assert "pip install" in make_run_commands(venv)


def test_production_mode_collects_static_files_and_serves_them(tmp_path: Path) -> None:
    server = LiveServer(tmp_path, debug=False)
    server.start()
    try:
        status, _ = get(server.url + "/static/frontend/site.css")
        assert status == 200
        assert "refused while DEBUG is off" in server.log()
    finally:
        server.stop()
