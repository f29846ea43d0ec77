"""nats-py's leaked loopback sockets, collected where they cannot fail an unrelated test.

nats-py 2.16 reuses its TcpTransport when a (re)connection attempt reaches a server that is
starting, stopping or dying: the new connection's StreamWriter replaces the old one without
closing it (nats/aio/client.py, _connect_to_server), and the garbage collector later warns
about the old socket, in whichever test happens to be running. Modules that talk to NATS use
``NATS_PY_LEAK`` (only those socket and transport warnings are ignored; every other warning
stays an error) and collect their garbage as each test tears down (``collect``).

Collecting once is not enough: pytest keeps each warning's exception until the test phase
ends, and its traceback holds the object that warned, so a StreamWriter's warning keeps its
transport and socket alive past the test, to warn again at the end of the session, outside any
marker (a clean-clone run passed all 417 tests and then failed so). ``collect`` drops the leak
warnings as they come and repeats until nothing more is freed; conftest does it once more at
the end of the session and says how many it dropped.
"""

from __future__ import annotations

import gc
import socket
import sys

import pytest

_LEAKY = ("StreamWriter", "_SelectorTransport")
"""The classes whose ``__del__`` warns about a leaked socket (beside the socket's own)."""
_LEAKED_DEL = {f"{c}.__del__" for c in _LEAKY}
NATS_PY_LEAK = pytest.mark.filterwarnings(
    rf"ignore:Exception ignored in. <(socket\.socket|function ({'|'.join(_LEAKY)})"
    r"\.__del__):pytest.PytestUnraisableExceptionWarning"
)


def is_socket_leak(u: sys.UnraisableHookArgs) -> bool:
    """The ResourceWarning of a leaked socket, transport or stream writer (NATS_PY_LEAK)."""
    if u.exc_type is not ResourceWarning:
        return False
    name = getattr(u.object, "__qualname__", "")
    return isinstance(u.object, socket.socket) or name in _LEAKED_DEL


def collect() -> list[str]:
    """Collect garbage until nothing more is freed; the socket-leak warnings it raises are
    dropped (and returned, as text), every other unraisable exception goes on to pytest."""
    to_pytest = sys.unraisablehook
    dropped: list[str] = []

    def hook(u: sys.UnraisableHookArgs) -> None:
        if is_socket_leak(u):
            dropped.append(repr(u.object))
        else:
            to_pytest(u)

    sys.unraisablehook = hook
    try:
        for _ in range(5):
            if not gc.collect():
                break
    finally:
        sys.unraisablehook = to_pytest
    return dropped
