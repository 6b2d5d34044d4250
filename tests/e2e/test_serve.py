"""`virtualcite serve --demo`, as `make run` starts it, serves the desk from a fresh data dir."""

from __future__ import annotations

import urllib.request
from pathlib import Path

from tests.e2e.live_server import LiveServer


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


def test_production_mode_collects_static_files_and_serves_them(tmp_path: Path) -> None:
    server = LiveServer(tmp_path, debug=False)
    server.start()
    try:
        status, _ = get(server.url + "/static/frontend/site.css")
        assert status == 200
        assert "refused while DEBUG is off" in server.log()
    finally:
        server.stop()
