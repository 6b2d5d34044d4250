"""The image's HEALTHCHECK, run as written in deploy/Containerfile, against a production serve.

No container runtime is needed: the check is a Python one-liner, so it runs here against a
real `virtualcite serve` with DEBUG off, on the port the test chose instead of 8000.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.live_server import LiveServer
from virtualcite.cli import DEFAULT_PORT

CONTAINERFILE = Path(__file__).resolve().parents[2] / "deploy" / "Containerfile"
PUBLIC_HOST = "cite.example.org"


def healthcheck_command(port: int) -> list[str]:
    """The HEALTHCHECK's exec form, aimed at `port`."""
    text = re.sub(r"\\\n", " ", CONTAINERFILE.read_text())
    found = re.search(r"^HEALTHCHECK .*? CMD (\[.*\])$", text, flags=re.MULTILINE)
    assert found, "no HEALTHCHECK ... CMD [...] in the Containerfile"
    command: list[str] = json.loads(found.group(1))
    return [part.replace(f"127.0.0.1:{DEFAULT_PORT}", f"127.0.0.1:{port}") for part in command]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    # 127.0.0.1 last, for the fixture's own wait on /healthz; the image's check sends the first.
    live = LiveServer(Path(tmp_path_factory.mktemp("healthcheck")), debug=False, demo=False,
                      extra_env={"ALLOWED_HOSTS": f"{PUBLIC_HOST},127.0.0.1"})
    live.start()
    yield live
    live.stop()


def run_check(server: LiveServer, allowed_hosts: str) -> subprocess.CompletedProcess[bytes]:
    command = healthcheck_command(server.port)
    command[0] = sys.executable  # the image's `python`
    env = {"PATH": os.environ.get("PATH", ""), "ALLOWED_HOSTS": allowed_hosts}
    return subprocess.run(command, env=env, capture_output=True, timeout=30, check=False)


def test_image_healthcheck_passes_on_a_production_serve(server: LiveServer) -> None:
    assert run_check(server, f"{PUBLIC_HOST},localhost").returncode == 0


def test_image_healthcheck_sends_the_first_allowed_host(server: LiveServer) -> None:
    # A host the server does not serve gets Django's 400: the check fails, as it must.
    assert run_check(server, "elsewhere.example.org").returncode != 0


def test_k8s_probes_host_header_is_answered(server: LiveServer) -> None:
    for path in ("/healthz", "/readyz"):
        request = urllib.request.Request(f"{server.url}{path}", headers={"Host": PUBLIC_HOST})
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.status == 200, path
