"""The analyze command: readable table, JSON, and exit status 2 on bad input (no traceback)."""

import json

import pytest

from cli_run import assert_bad_input, run_cli
from launchwatch.cli import main


def test_json_output_has_the_documented_keys():
    proc = run_cli(
        "analyze",
        "--launch",
        "38.5,125.7",
        "--azimuth-deg",
        "80",
        "--range-km",
        "400",
        "--apogee-km",
        "100",
        "--burn-time-s",
        "60",
        "--json",
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["range_km"] == pytest.approx(400.0, rel=0.01)
    assert out["apogee_km"] == pytest.approx(100.0, rel=0.01)
    assert out["assumptions"]["burn_time_s"] == 60.0
    assert out["assumptions"]["burn_time_source"] == "given"
    assert out["inputs"]["range_km"] == 400.0
    assert out["shape"] == "minimum-energy"
    assert out["range_class"] == "SRBM"


def test_table_output(capsys):
    assert (
        main(
            [
                "analyze",
                "--launch",
                "38.5,125.7",
                "--impact",
                "39.0,130.2",
                "--range-km",
                "400",
                "--apogee-km",
                "100",
            ]
        )
        == 0
    )
    text = capsys.readouterr().out
    assert "capability" in text
    assert "SRBM" in text


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--launch", "91,125", "--azimuth-deg", "68"], "--launch"),
        (["--launch", "39;125", "--azimuth-deg", "68"], "--launch"),
        (["--launch", "39,125", "--impact", "abc"], "--impact"),
        (["--launch", "39,125", "--azimuth-deg", "nan"], "azimuth_deg"),
    ],
)
def test_bad_input_exits_2_with_one_line(args, field):
    proc = run_cli("analyze", *args, "--range-km", "1100", "--apogee-km", "100")
    assert_bad_input(proc, f"launchwatch: error: {field}")
    assert proc.stderr.count("\n") == 1


def test_infeasible_numbers_exit_2_naming_the_field():
    proc = run_cli(
        "analyze",
        "--launch",
        "39.19,125.96",
        "--azimuth-deg",
        "68",
        "--range-km",
        "1100",
        "--apogee-km",
        "0",
    )
    assert_bad_input(proc, "launchwatch: error: apogee_km:")


def test_missing_argument_exits_2():
    proc = run_cli("analyze", "--launch", "39,125")
    assert_bad_input(proc)
