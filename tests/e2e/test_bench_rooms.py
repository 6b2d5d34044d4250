"""The room fan-out benchmark (docs/benchmarks.md) runs from a plain checkout.

`python -m bench.rooms` starts the tutorial consumer and the project's server itself (the room's
capacity and its facilitator's session set by bench/serve_project.py); run here tiny, as a
reader of the figures would run it, with nothing else on the path. Every member must get every
message on both servers; the timings themselves are measured, never asserted.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
# One more than the demo room seats (12): every one of them seated shows the bench set it.
MEMBERS = 13


def test_the_room_benchmark_reports_both_servers_with_every_message_delivered(
        tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items()
           if key not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE", "PYTHONPATH"}}
    figures = tmp_path / "figures.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench.rooms", "--members", str(MEMBERS), "--seconds", "1",
         "--rates", "5", "--json", str(figures), "--workdir", str(tmp_path / "work")],
        cwd=REPOSITORY, env=env, capture_output=True, text=True, timeout=100)
    assert done.returncode == 0, done.stdout + done.stderr
    results = {result["target"]: result for result in json.loads(figures.read_text())}
    assert sorted(results) == ["project", "tutorial"], done.stdout
    for result in results.values():
        [step] = result["steps"]
        assert step["sent"] == 5 and step["lost"] == 0 and step["missing"] == 0, step
        assert step["errors"] == [], step
        assert math.isfinite(step["p50"]) and math.isfinite(step["p99"]), step
    assert f"| project room, embedded (no REDIS_URL) | {MEMBERS} | 5 |" in done.stdout
