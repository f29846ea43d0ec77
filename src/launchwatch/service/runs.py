"""Scenario runs started from the API: a shipped (or the operator's) scenario flown, seen by
the partners' sensors and run through every partner's node on the embedded bus, so that a
watch floor can replay a launch or train on one.

A run lives in its own directory (``RUNS/<id>/``): the simulation (``sim/``), a fresh set of
signing keys for the run (``keys/``), the nodes' stores (``state/``, read by the same partner
views as the live network) and ``status.json``. Each step is the command-line verb a person
would run (``simulate``, then ``node --partner ...``), in a child process, so that a run that
fails or is killed leaves the service standing; the steps run in a thread per run.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
import threading
import uuid
from pathlib import Path
from typing import Any, Final

from launchwatch.errors import InputError
from launchwatch.scenario import load_sensors
from launchwatch.sharing.keys import new_key

__all__ = ["Runs"]

_ID: Final = re.compile(r"^[0-9a-f]{12}$")
_NAME: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class Runs:
    def __init__(self, root: Path, scenarios: Path) -> None:
        self.root = root
        self.scenarios = scenarios

    def scenario_names(self) -> list[str]:
        if not self.scenarios.is_dir():
            return []
        return sorted(p.stem for p in self.scenarios.glob("*.toml"))

    def _status_path(self, run_id: str) -> Path:
        return self.root / run_id / "status.json"

    def _write(self, run_id: str, status: dict[str, Any]) -> None:
        path = self._status_path(run_id)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(status, indent=1))
        tmp.replace(path)  # readers never see half a file

    def get(self, run_id: str) -> dict[str, Any] | None:
        if not _ID.match(run_id):
            return None
        path = self._status_path(run_id)
        if not path.exists():
            return None
        status: dict[str, Any] = json.loads(path.read_text())
        return status

    def list(self) -> list[dict[str, Any]]:
        if not self.root.is_dir():
            return []
        found = (self.get(p.name) for p in self.root.iterdir() if p.is_dir())
        return sorted((s for s in found if s is not None), key=lambda s: str(s["started"]))

    def state_of(self, run_id: str) -> Path | None:
        """The run's node state directory (None for an unknown run)."""
        return self.root / run_id / "state" if self.get(run_id) is not None else None

    def start(self, scenario: str, speed: float = 0.0) -> dict[str, Any]:
        if not _NAME.match(scenario) or scenario not in self.scenario_names():
            names = ", ".join(self.scenario_names()) or "none"
            raise InputError("scenario", f"no scenario {scenario[:80]!r} (have: {names})")
        if not 0.0 <= speed <= 60.0:
            raise InputError("speed_x", "must be 0 (as fast as it goes) to 60")
        run_id = uuid.uuid4().hex[:12]
        (self.root / run_id).mkdir(parents=True)
        status = {
            "id": run_id,
            "scenario": scenario,
            "speed_x": speed,
            "state": "running",
            "step": "simulate",
            "started": _now(),
            "finished": None,
            "detail": "",
        }
        self._write(run_id, status)
        threading.Thread(target=self._run, args=(status,), daemon=True).start()
        return status

    def _step(self, status: dict[str, Any], step: str, *args: str | Path) -> bool:
        status["step"] = step
        self._write(status["id"], status)
        proc = subprocess.run(
            [sys.executable, "-m", "launchwatch.cli", *map(str, args)],
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            status.update(
                state="failed",
                finished=_now(),
                detail=(proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1],
            )
            self._write(status["id"], status)
            return False
        return True

    def _run(self, status: dict[str, Any]) -> None:
        here = self.root / status["id"]
        scenario = self.scenarios / f"{status['scenario']}.toml"
        if not self._step(status, "simulate", "simulate", scenario, "--out", here / "sim"):
            return
        partners = sorted({s.owner for s in load_sensors(here / "sim" / "sensors.toml")})
        for p in partners:
            new_key(p, here / "keys")
        ok = self._step(
            status, "nodes",
            "node", here / "sim" / "measurements.jsonl", "--sensors", here / "sim" / "sensors.toml",
            "--partner", ",".join(partners), "--keys", here / "keys", "--state", here / "state",
            "--speed", str(status["speed_x"]), "--linger-s", "1", "--json",
        )  # fmt: skip
        if ok:
            status.update(state="done", step="", finished=_now(), partners=partners)
            self._write(status["id"], status)
