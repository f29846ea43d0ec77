"""Measurement intake: every bad record is rejected with its field and counted; late ones are
put back in order within the lag."""

import json
import math
from pathlib import Path

import pytest

from launchwatch.scenario import load_scenario
from launchwatch.simulate import simulate
from launchwatch.tracking.intake import Intake, ReorderBuffer, read_measurements

MINI = Path(__file__).parent / "data" / "mini.toml"

RADAR = {
    "time": "2025-01-06T03:01:00.000Z",
    "sensor": "R1",
    "type": "radar",
    "range_m": 412345.2,
    "azimuth_deg": 71.2,
    "elevation_deg": 12.9,
    "range_rate_m_s": 1510.3,
}
LOS = {
    "time": "2025-01-06T03:01:00.000Z",
    "sensor": "IR1",
    "type": "los",
    "los_ecef": [0.6, -0.8, 0.0],
}


@pytest.fixture
def intake():
    return Intake.for_sensors(load_scenario(MINI).sensors, max_future_s=600.0, max_lag_s=5.0)


def test_good_records_pass(intake):
    m = intake.check(RADAR, 1)
    assert m is not None
    assert m.azimuth_rad == pytest.approx(math.radians(71.2))
    assert m.has_range_rate
    assert intake.check(LOS, 2) is not None
    assert intake.accepted == 2
    assert not intake.rejections


@pytest.mark.parametrize(
    ("base", "change", "field"),
    [
        (RADAR, {"range_m": -5.0}, "range_m"),
        (RADAR, {"range_m": float("nan")}, "range_m"),
        (RADAR, {"azimuth_deg": float("inf")}, "azimuth_deg"),
        (RADAR, {"elevation_deg": 91.0}, "elevation_deg"),
        (RADAR, {"elevation_deg": "high"}, "elevation_deg"),
        (RADAR, {"range_rate_m_s": 30_000.0}, "range_rate_m_s"),
        (RADAR, {"sensor": "NOPE"}, "sensor"),
        (RADAR, {"type": "sonar"}, "type"),
        (RADAR, {"sensor": "IR1"}, "type"),  # an infrared sensor gives no radar records
        (RADAR, {"time": "2025-01-06T03:01:00"}, "time"),  # no zone
        (RADAR, {"time": "yesterday"}, "time"),
        (LOS, {"los_ecef": [0.6, -0.8, 0.1]}, "los_ecef"),
        (LOS, {"los_ecef": [0.6, -0.8]}, "los_ecef"),
        (LOS, {"los_ecef": [float("nan"), 0.0, 1.0]}, "los_ecef"),
    ],
)
def test_bad_record_is_rejected_with_its_field(intake, base, change, field):
    assert intake.check({**base, **change}, 7) is None
    (rejection,) = intake.rejections
    assert rejection.line == 7
    assert rejection.field == field
    assert sum(intake.counts.values()) == 1


def test_not_json_and_not_an_object(intake):
    assert intake.check_line("{broken", 3) is None
    assert intake.check_line("[1, 2]", 4) is None
    assert [r.field for r in intake.rejections] == ["(line)", "(line)"]


def test_times_far_in_the_future_or_past(intake):
    assert intake.check(RADAR, 1) is not None
    future = {**RADAR, "time": "2025-01-06T04:01:00.000Z"}
    assert intake.check(future, 2) is None
    assert "future" in intake.rejections[-1].reason
    stale = {**RADAR, "time": "2025-01-06T03:00:50.000Z"}  # 10 s behind, lag 5 s
    assert intake.check(stale, 3) is None
    assert "late" in intake.rejections[-1].reason
    assert intake.counts["time: too late"] == 1
    assert intake.counts["time: too far in the future"] == 1


def test_late_records_inside_the_lag_are_put_in_order(intake):
    times = [0.0, 1.0, 3.0, 2.0, 4.0, 1.5, 9.0, 20.0]  # 2.0 and 1.5 arrive late
    lines = [json.dumps({**RADAR, "time": f"2025-01-06T03:01:{t:06.3f}Z"}) for t in times]
    out = list(read_measurements(lines, intake))
    assert len(out) == len(times)  # nothing dropped
    stamps = [m.time for m in out]
    assert stamps == sorted(stamps)


def test_reorder_buffer_releases_after_the_lag():
    buf = ReorderBuffer(lag_s=2.0)

    class M:
        def __init__(self, t):
            self.time = t

    assert buf.push(M(10.0)) == []
    assert [m.time for m in buf.push(M(13.0))] == [10.0]
    assert buf.push(M(11.5)) == []  # late, held
    assert [m.time for m in buf.flush()] == [11.5, 13.0]
    assert buf.reordered == 1


def test_simulated_files_read_without_rejection(tmp_path):
    sim = simulate(load_scenario(MINI), tmp_path)
    intake = Intake.for_sensors(sim.scenario.sensors)
    lines = (tmp_path / "measurements.jsonl").read_text().splitlines()
    out = list(read_measurements(lines, intake))
    assert len(out) == len(lines)
    assert not intake.rejections
