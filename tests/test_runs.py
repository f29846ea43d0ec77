"""Scenario runs for the watch floor: a run that cannot be made fails with the reason the
command gave, and leaves the service's other runs alone."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from launchwatch.errors import InputError
from launchwatch.service.runs import Runs


def test_a_broken_scenario_fails_with_the_commands_reason(tmp_path: Path) -> None:
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    (scenarios / "broken.toml").write_text('[scenario]\nname = "broken"\nepoch = "yesterday"\n')
    runs = Runs(tmp_path / "runs", scenarios)
    assert runs.scenario_names() == ["broken"]
    status = runs.start("broken")
    assert status["state"] == "running"
    deadline = time.monotonic() + 120
    while status["state"] == "running" and time.monotonic() < deadline:
        time.sleep(0.2)
        got = runs.get(status["id"])
        assert got is not None
        status = got
    assert status["state"] == "failed"
    assert status["step"] == "simulate"
    # the simulate verb's one-line error, naming the file, the line and the key
    assert status["detail"].startswith("launchwatch: error: scenario.")
    assert "broken.toml line 1" in status["detail"]
    assert runs.state_of(status["id"]) == tmp_path / "runs" / status["id"] / "state"
    assert [r["id"] for r in runs.list()] == [status["id"]]


@pytest.mark.parametrize(
    ("scenario", "speed", "field"),
    [("../etc/passwd", 0.0, "scenario"), ("missing", 0.0, "scenario"), ("ok", 61.0, "speed_x")],
)
def test_bad_requests_name_the_field(
    tmp_path: Path, scenario: str, speed: float, field: str
) -> None:
    (tmp_path / "ok.toml").write_text("")
    runs = Runs(tmp_path / "runs", tmp_path)
    with pytest.raises(InputError) as info:
        runs.start(scenario, speed)
    assert info.value.field == field
    assert runs.list() == []
    assert runs.get("../../x") is None  # ids are checked before any path is made of them
