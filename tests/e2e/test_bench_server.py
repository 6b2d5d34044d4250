"""The chat benchmark's server (docs/benchmarks.md) starts from a plain checkout.

`bench.chat` starts `bench.serve_project` for the project's targets; that script once imported
a probe from /tmp, so the documented benchmark failed anywhere but on the machine it was
written on. Started here as bench.chat starts it: the repository on PYTHONPATH and nothing else.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.e2e.live_server import LiveServer

REPOSITORY = Path(__file__).resolve().parents[2]


class BenchServer(LiveServer):
    """`python -m bench.serve_project`, with two bench counsellors and their sessions."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__(data_dir, extra_env={"PYTHONPATH": str(REPOSITORY)})
        self.sessions = data_dir / "sessions.json"

    def command(self) -> list[str]:
        return [sys.executable, "-m", "bench.serve_project", "--port", str(self.port),
                "--counsellors", "2", "--sessions", str(self.sessions), "--frame-limit", "off"]


def test_the_benchmark_server_starts_and_logs_its_counsellors_in(tmp_path: Path) -> None:
    server = BenchServer(tmp_path)
    try:
        server.start()
        cookies = json.loads(server.sessions.read_text())
    finally:
        server.stop()
    assert len(cookies) == 2 and all(cookies)
