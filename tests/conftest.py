import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import socket_leaks


def pytest_sessionfinish(session: pytest.Session) -> None:
    """The sockets nats-py leaked that no test's collection freed (socket_leaks), collected
    here rather than warned about after the last test, outside every marker; said, not hidden."""
    dropped = socket_leaks.collect()
    if dropped:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write("\n")
            reporter.write_line(
                f"socket_leaks: {len(dropped)} leaked loopback socket(s) or transport(s) "
                f"collected at the end of the session: {', '.join(dropped)}"
            )
