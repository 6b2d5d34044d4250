"""The page scripts' own tests (tests/js/, node's built-in test runner) run with the suite, so
`make test` covers the JavaScript too. They need node and no npm package."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NODE = shutil.which("node")


@pytest.mark.skipif(NODE is None, reason="node is not installed (apt-get install nodejs)")
def test_the_page_scripts_pass_their_node_tests() -> None:
    assert NODE is not None
    run = subprocess.run(
        [NODE, "--test", "--test-reporter=tap", "tests/js/"], cwd=ROOT, capture_output=True,
        text=True, timeout=90, check=False)
    report = run.stdout + run.stderr
    assert run.returncode == 0, report
    ran = re.search(r"^# pass (\d+)$", run.stdout, re.MULTILINE)
    assert ran and int(ran.group(1)) > 0, f"no node test ran:\n{report}"
