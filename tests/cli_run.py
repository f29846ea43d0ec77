"""Running the launchwatch command as a user would, for the tests."""

import subprocess
import sys


def run_cli(*args, timeout=600):
    """``launchwatch ARGS...`` in a subprocess; never raises on a non-zero exit."""
    return subprocess.run(
        [sys.executable, "-m", "launchwatch.cli", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def assert_bad_input(proc, prefix="launchwatch: error:"):
    """Exit status 2, a one-line message that starts with ``prefix``, no traceback."""
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith(prefix), proc.stderr
    assert "Traceback" not in proc.stderr
