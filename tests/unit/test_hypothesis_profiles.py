"""Every property test runs under the profile of its environment: the same draws on every CI run."""

from __future__ import annotations

import pytest
from hypothesis import Phase, settings

from tests.hypothesis_profiles import CI_EXAMPLES, active_profile
from tests.unit import test_desk_stateful as stateful  # a module: its TestCase runs once


@pytest.mark.parametrize(
    ("environment", "expected"),
    [({"CI": "true"}, "ci"), ({}, "dev"), ({"CI": "true", "HYPOTHESIS_PROFILE": "dev"}, "dev")],
)
def test_ci_runs_choose_the_ci_profile(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], expected: str
) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("HYPOTHESIS_PROFILE", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert active_profile() == expected


def test_the_ci_profile_draws_the_same_examples_every_run_and_never_shrinks_into_the_timeout(
) -> None:
    ci = settings.get_profile("ci")
    assert ci.derandomize and ci.database is None and ci.print_blob
    assert Phase.shrink not in ci.phases
    assert ci.deadline is None


def test_the_desk_machine_takes_its_examples_from_the_active_profile() -> None:
    machine = stateful.TestDeskPromises.settings
    assert machine.max_examples == settings.default.max_examples
    assert machine.derandomize == settings.default.derandomize
    assert machine.stateful_step_count == 50
    assert settings.get_profile("dev").max_examples > CI_EXAMPLES
