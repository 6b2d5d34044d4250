"""The fault suite (docs/reliability.md) runs from a plain checkout.

`python -m bench.faults` starts its own redis-server and daphne processes; run here as a
reader of the figures would run it, from the repository with nothing else on the path, on its
cheapest scenario. The figures themselves are measured, never asserted.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.redis


def test_the_fault_suite_runs_a_scenario_and_prints_its_table(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items()
           if key not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE", "PYTHONPATH"}}
    done = subprocess.run(
        [sys.executable, "-m", "bench.faults", "--quick", "--scenario", "redis-restarted",
         "--workdir", str(tmp_path)],
        cwd=REPOSITORY, env=env, capture_output=True, text=True, timeout=100)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "### 3. Redis restarted with its data" in done.stdout
    assert "| places lost (of the waiting and the talking visitor) | 0 |" in done.stdout
    assert "**Failed**" not in done.stdout
