"""Run a scenario: truth for every object, what every sensor reports, and the files.

Outputs in the chosen directory:
- ``measurements.jsonl``: all sensors' measurements in the shared format, in time order;
- ``truth.jsonl``: one ``object`` record per object, then ``state`` records on the truth grid
  (time, object, ECEF position and velocity, phase) and one ``detection`` record per line of
  ``measurements.jsonl`` naming the objects behind it (none for a false alarm);
- ``sensors.toml``: the sensors used.

Randomness: one seed per scenario, split (NumPy ``SeedSequence.spawn``) into one stream for the
truth and one per sensor, so the same file gives the same output byte for byte and adding a
sensor does not change what the others see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import msgspec
import numpy as np

from launchwatch import earth
from launchwatch.measurements import format_time, format_times, write_measurements
from launchwatch.scenario import Scenario
from launchwatch.sensors import Detections, observe
from launchwatch.truth import PHASES, Truth, build_truth

__all__ = ["SensorSummary", "Simulation", "simulate"]

Progress = Callable[[str, int, int], None]
"""Called as (stage, done, total)."""


@dataclass(frozen=True)
class SensorSummary:
    sensor: str
    owner: str
    type: str
    detections: int
    false_alarms: int
    first_s: float | None
    last_s: float | None


@dataclass
class Simulation:
    scenario: Scenario
    truth: Truth
    detections: list[Detections]
    out_dir: Path | None

    def summary(self) -> list[SensorSummary]:
        rows = []
        for d in self.detections:
            real = d.objects[:, 0] >= 0
            t = d.time[real]
            rows.append(
                SensorSummary(
                    d.sensor.id,
                    d.sensor.owner,
                    d.sensor.type,
                    int(real.sum()),
                    d.false_alarms,
                    float(t.min()) if t.size else None,
                    float(t.max()) if t.size else None,
                )
            )
        return rows

    @property
    def measurement_count(self) -> int:
        return sum(len(d) for d in self.detections)


class _ObjectRecord(msgspec.Struct, kw_only=True):
    record: str = "object"
    object: str
    kind: str
    parent: str | None
    rcs_m2: float
    start_time: str
    burnout_time: str | None
    impact_time: str
    impact_lat_deg: float
    impact_lon_deg: float
    glide_time: str | None
    ballistic_coefficient_kg_m2: float | None = None


class _StateRecord(msgspec.Struct, kw_only=True):
    record: str = "state"
    time: str
    object: str
    position_ecef_m: list[float]
    velocity_ecef_m_s: list[float]
    phase: str


class _DetectionRecord(msgspec.Struct, kw_only=True):
    record: str = "detection"
    line: int
    time: str
    sensor: str
    objects: list[str]


def simulate(
    scenario: Scenario, out_dir: str | Path | None = None, progress: Progress | None = None
) -> Simulation:
    """Build the truth, observe it with every sensor and (with ``out_dir``) write the files."""
    report = progress or (lambda _stage, _done, _total: None)
    seeds = np.random.SeedSequence(scenario.settings.seed).spawn(len(scenario.sensors) + 1)
    report("truth", 0, 1)
    truth = build_truth(scenario)
    report("truth", 1, 1)
    detections = []
    for i, spec in enumerate(scenario.sensors):
        report(f"sensor {spec.id}", i, len(scenario.sensors))
        detections.append(observe(spec, truth, np.random.default_rng(seeds[i + 1])))
    report("sensors", len(scenario.sensors), len(scenario.sensors))
    sim = Simulation(scenario, truth, detections, Path(out_dir) if out_dir else None)
    if out_dir is not None:
        _write(sim, Path(out_dir), report)
    return sim


def _write(sim: Simulation, out: Path, report: Progress) -> None:
    out.mkdir(parents=True, exist_ok=True)
    report("writing measurements", 0, 3)
    which, rows = write_measurements(out / "measurements.jsonl", sim.detections)
    report("writing truth", 1, 3)
    truth = sim.truth
    encoder = msgspec.json.Encoder()
    records: list[msgspec.Struct] = []
    for o in truth.objects:
        lat, lon, _ = earth.ecef_to_geodetic(o.nodes_r[-1])
        burn = format_time(o.t_burnout) if o.t_burnout > o.t_start else None
        glide = format_time(o.t_glide) if np.isfinite(o.t_glide) else None
        records.append(
            _ObjectRecord(
                object=o.id,
                kind=o.kind,
                parent=o.parent,
                rcs_m2=o.rcs_m2,
                start_time=format_time(o.t_start),
                burnout_time=burn,
                impact_time=format_time(o.t_end),
                impact_lat_deg=round(float(lat), 6),
                impact_lon_deg=round(float(lon), 6),
                glide_time=glide,
                ballistic_coefficient_kg_m2=None
                if not np.isfinite(o.beta_kg_m2)
                else round(o.beta_kg_m2, 1),
            )
        )
    step = sim.scenario.settings.truth_step_s
    start = min(o.t_start for o in truth.objects)
    grid = (
        truth.epoch_s
        + np.arange(
            np.ceil((start - truth.epoch_s) / step),
            np.floor((truth.t_stop - truth.epoch_s) / step) + 1,
        )
        * step
    )
    stamps = format_times(grid)
    r, v, alive = truth.states(grid)
    phase = truth.phases(grid)
    r_list, v_list = np.round(r, 3), np.round(v, 4)
    ids = [o.id for o in truth.objects]
    for k in range(grid.size):
        for i in np.flatnonzero(alive[:, k]).tolist():
            records.append(
                _StateRecord(
                    time=stamps[k],
                    object=ids[i],
                    position_ecef_m=r_list[i, k].tolist(),
                    velocity_ecef_m_s=v_list[i, k].tolist(),
                    phase=PHASES[phase[i, k]],
                )
            )
    det_times = format_times(
        np.array([sim.detections[w].time[row] for w, row in zip(which, rows, strict=True)])
    )
    det_objects = [d.objects.tolist() for d in sim.detections]
    for line, (w, row) in enumerate(zip(which.tolist(), rows.tolist(), strict=True), start=1):
        objs = [ids[j] for j in det_objects[w][row] if j >= 0]
        records.append(
            _DetectionRecord(
                line=line,
                time=det_times[line - 1],
                sensor=sim.detections[w].sensor.id,
                objects=objs,
            )
        )
    with open(out / "truth.jsonl", "wb") as f:
        f.write(encoder.encode_lines(records))
    report("writing sensors", 2, 3)
    tables = [
        {k: v for k, v in msgspec.to_builtins(s).items() if v is not None}
        for s in sim.scenario.sensors
    ]
    epoch = format_time(sim.scenario.epoch_s)
    (out / "sensors.toml").write_bytes(msgspec.toml.encode({"epoch": epoch, "sensor": tables}))
    report("done", 3, 3)
