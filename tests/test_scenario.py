"""Scenario files: the shipped ones load; bad ones say which key, on which line, and why."""

from pathlib import Path

import pytest

from launchwatch.scenario import ScenarioError, load_scenario, load_sensors

ROOT = Path(__file__).parents[1]
SHIPPED = sorted((ROOT / "scenarios").glob("*.toml"))

GOOD = (Path(__file__).parent / "data" / "mini.toml").read_text()


def test_the_five_shipped_scenarios_load():
    names = {p.name for p in SHIPPED}
    assert names == {
        "2025-01-06-hypersonic-irbm.toml",
        "2024-11-05-srbm-salvo.toml",
        "2022-10-04-irbm-overflight.toml",
        "2017-11-29-lofted-icbm.toml",
        "stress-salvo.toml",
    }
    for path in SHIPPED:
        s = load_scenario(path)
        assert s.sensors
        assert {spec.owner for spec in s.sensors} >= {"ROK", "JPN", "USA"}
        assert any(spec.type == "space-ir" for spec in s.sensors)
        # each cites its public basis at the top
        assert path.read_text().lstrip().startswith("#")


def test_shared_sensor_file_loads_alone():
    sensors = load_sensors(ROOT / "scenarios" / "sensors" / "allied.toml")
    assert {"USA-R2", "USA-R3"} <= {s.id for s in sensors}  # Shariki and Kyogamisaki


def _line_of(text: str, needle: str) -> int:
    """The last line that reads exactly ``needle`` (the edited one, for a duplicated id)."""
    return max(i for i, line in enumerate(text.splitlines(), 1) if line.strip() == needle)


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "s.toml"
    p.write_text(text)
    return p


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("range_km = 500.0", 'range_km = "far"', "launch[0].range_km"),
        ("range_km = 500.0", "range_km = -5.0", "launch[0].range_km"),
        ("apogee_km = 150.0", "apogee_kms = 150.0", "launch[0].apogee_kms"),
        ("max_range_km = 450.0", "max_range_km = 0", "sensor[0].max_range_km"),
        ('type = "space-ir"', 'type = "laser"', "sensor[2].type"),
        ('owner = "JPN"', 'owner = "japan"', "sensor[1].owner"),
        ("lat_deg = 39.5", "lat_deg = 95.0", "sensor[1].lat_deg"),
        ('time = "2025-01-06T03:00:30Z"', 'time = "2025-01-06T03:00:30"', "launch[0].time"),
        ('time = "2025-01-06T03:00:30Z"', 'time = "2025-01-06T02:00:00Z"', "launch[0].time"),
        # a key that is absent is reported at its table's header
        ("azimuth_deg = 80.0", "impact_lat_deg = 40.0", "launch[0].azimuth_deg"),
        ('id = "S1"', 'id = "R1"', "sensor[1].id"),
        ("seed = 11", "seed = -1", "scenario.seed"),
    ],
)
def test_bad_value_names_key_and_line(tmp_path, old, new, key):
    assert old in GOOD
    text = GOOD.replace(old, new, 1)
    with pytest.raises(ScenarioError) as info:
        load_scenario(_write(tmp_path, text))
    message = str(info.value)
    assert message.startswith(key)
    where = "[[launch]]" if key == "launch[0].azimuth_deg" else new
    assert f"(s.toml line {_line_of(text, where)})" in message


def test_missing_required_key_points_at_its_table(tmp_path):
    text = GOOD.replace('time = "2025-01-06T03:00:30Z"\n', "", 1)
    with pytest.raises(ScenarioError, match=r"^launch\[0\]\.time \(s\.toml line 9\)"):
        load_scenario(_write(tmp_path, text))


def test_toml_syntax_error_gives_the_line(tmp_path):
    text = GOOD.replace("range_km = 500.0", "range_km = = 500.0", 1)
    with pytest.raises(ScenarioError, match=r"not valid TOML.*line 15"):
        load_scenario(_write(tmp_path, text))


def test_missing_sensors_file(tmp_path):
    text = GOOD.replace("truth_step_s = 1.0", 'truth_step_s = 1.0\nsensors_file = "nope.toml"', 1)
    with pytest.raises(ScenarioError, match=r"^scenario\.sensors_file .*no such file"):
        load_scenario(_write(tmp_path, text))


def test_unreadable_file(tmp_path):
    with pytest.raises(ScenarioError, match="cannot read"):
        load_scenario(tmp_path / "absent.toml")
