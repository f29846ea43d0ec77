"""``launchwatch keys`` and ``launchwatch node`` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli_run import assert_bad_input, run_cli
from sharing_net import collect_leaks  # noqa: F401 - the autouse fixture
from socket_leaks import NATS_PY_LEAK

MINI = Path(__file__).parent / "data" / "mini.toml"
pytestmark = NATS_PY_LEAK  # see socket_leaks


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("node-cli")
    assert run_cli("simulate", MINI, "--out", out / "run").returncode == 0
    for p in ("ROK", "JPN", "USA"):
        proc = run_cli("keys", "new", p, "--dir", out / "keys")
        assert proc.returncode == 0, proc.stderr
        assert f"{p}.key" in proc.stdout
    return out


def node(run_dir: Path, *extra: object) -> list[object]:
    return [
        "node",
        run_dir / "run" / "measurements.jsonl",
        "--sensors",
        run_dir / "run" / "sensors.toml",
        "--keys",
        run_dir / "keys",
        "--state",
        run_dir / "state",
        *extra,
    ]


def test_a_node_shares_its_tracks_and_reads_back_what_others_sent(run_dir: Path) -> None:
    # JPN first: its reports wait in the mailbox for ROK, which reads them when it runs
    jpn = run_cli(*node(run_dir, "--partner", "JPN", "--json", "--linger-s", "0"))
    assert jpn.returncode == 0, jpn.stderr
    (j,) = json.loads(jpn.stdout)["nodes"]
    assert j["sent"]["track"] > 10
    assert j["sent"]["impact"] > 1
    assert j["outbox_drained"] is True
    assert j["published"] == 2 * sum(j["sent"].values())  # each report to ROK and to USA
    assert j["measurements"]["own"] < j["measurements"]["in_file"]  # only its own sensors
    rok = run_cli(*node(run_dir, "--partner", "ROK", "--json", "--linger-s", "1"))
    assert rok.returncode == 0, rok.stderr
    (r,) = json.loads(rok.stdout)["nodes"]
    assert r["let_in_by_sender"]["JPN"]["track"] == j["sent"]["track"]
    assert r["rejected"] == {}
    assert any(set(o["partners"]) == {"JPN", "ROK"} for o in r["fused_objects"])


def test_the_whole_network_in_one_process(run_dir: Path, tmp_path: Path) -> None:
    proc = run_cli(
        *node(run_dir, "--partner", "ROK,JPN,USA", "--json", "--linger-s", "0.5"),
        "--state",
        tmp_path / "state",
        "--speed",
        "50",
    )
    assert proc.returncode == 0, proc.stderr
    nodes = {n["partner"]: n for n in json.loads(proc.stdout)["nodes"]}
    assert set(nodes) == {"ROK", "JPN", "USA"}
    for p, n in nodes.items():
        for sender, kinds in n["let_in_by_sender"].items():
            assert sum(kinds.values()) == sum(nodes[sender]["sent"].values()), (p, sender)
        assert n["rejected"] == {}
        # the missile, tracked by the two radars' partners, is one object in every picture
        assert any({"ROK", "JPN"} <= set(o["partners"]) for o in n["fused_objects"]), p
    assert nodes["USA"]["sent"].get("event", 0) >= 1  # its satellite's launch alert
    # each node keeps its own sensors beside its store for its map, and only its own
    for p, own in (("ROK", ["R1"]), ("JPN", ["S1"]), ("USA", ["IR1"])):
        kept = json.loads((tmp_path / "state" / f"{p}.sensors.json").read_text())
        assert [s["id"] for s in kept] == own


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--partner", "PRK"], "--partner: PRK is not a partner"),
        (["--partner", "rok"], "--partner: 'rok' is not a partner code"),
        (["--partner", "ROK", "--bus", "amqp://x"], "--bus: use memory, nats://"),
        (["--partner", "ROK", "--speed", "-1"], "--speed"),
        (["--partner", "ROK,ROK"], "named twice"),
        (["--partner", "ROK", "--bus", "nats://ROK:x@127.0.0.1:9"], "--bus: cannot connect"),
    ],
)
def test_bad_node_options_exit_2_naming_the_option(
    run_dir: Path, extra: list[str], needle: str
) -> None:
    proc = run_cli(*node(run_dir, *extra))
    assert_bad_input(proc)
    assert needle in proc.stderr


def test_missing_keys_and_bad_policies_exit_2(run_dir: Path, tmp_path: Path) -> None:
    proc = run_cli(*node(run_dir, "--partner", "ROK"), "--keys", tmp_path)
    assert_bad_input(proc)
    assert "launchwatch keys new ROK" in proc.stderr
    policy = tmp_path / "policy.toml"
    policy.write_text(
        'partners = ["ROK", "JPN"]\n[[release]]\nfrom = "*"\nto = "*"\ncontents = ["everything"]\n'
    )
    proc = run_cli(*node(run_dir, "--partner", "ROK", "--policy", policy))
    assert_bad_input(proc)
    assert "release[1].contents" in proc.stderr
    proc = run_cli("keys", "new", "ROK", "--dir", run_dir / "keys")
    assert_bad_input(proc)
    assert "exists" in proc.stderr
    missing = tmp_path / "nothing.jsonl"
    proc = run_cli("node", missing, "--sensors", run_dir / "run" / "sensors.toml",
                   "--partner", "ROK", "--keys", run_dir / "keys")  # fmt: skip
    assert_bad_input(proc)
    assert f"{missing}: cannot read the file" in proc.stderr
    rules = tmp_path / "rules.toml"
    rules.write_text('partner = "JPN"\nname = "x"\n[[rule]]\nid = "a"\ncondition = "sometimes"\n')
    proc = run_cli(*node(run_dir, "--partner", "ROK", "--rules", rules))
    assert_bad_input(proc)
    assert str(rules) in proc.stderr


def test_a_node_on_nats_publishes_into_the_partners_streams(run_dir: Path, tmp_path: Path) -> None:
    import asyncio

    from launchwatch.sharing.nats_bus import connect_nats, provision_streams
    from launchwatch.sharing.nats_server import LocalNatsServer

    server = LocalNatsServer(tmp_path / "nats")
    server.start()
    try:
        asyncio.run(provision_streams(server.url("admin"), ("ROK", "JPN", "USA")))
        proc = run_cli(
            *node(run_dir, "--partner", "JPN", "--json", "--linger-s", "0"),
            "--bus",
            server.url("JPN"),
            "--state",
            tmp_path / "state",
        )
        assert proc.returncode == 0, proc.stderr
        (summary,) = json.loads(proc.stdout)["nodes"]
        assert summary["bus"].startswith("NATS JetStream")
        assert server.passwords["JPN"] not in proc.stdout  # no password in what it prints

        async def stored(stream: str) -> int:
            nc = await connect_nats(server.url("admin"), None)
            info = await nc.jetstream().stream_info(stream)
            await nc.close()
            return int(info.state.messages)

        # bundles of JPN's reports wait in ROK's and USA's streams, none in its own
        assert asyncio.run(stored("LW_ROK")) >= 1
        assert asyncio.run(stored("LW_USA")) >= 1
        assert asyncio.run(stored("LW_JPN")) == 0
        assert summary["published"] == 2 * sum(summary["sent"].values())
    finally:
        server.stop()


def test_the_whole_network_in_one_process_on_nats_each_partner_as_itself(
    run_dir: Path, tmp_path: Path
) -> None:
    """With a broker's credentials file as --bus, each partner connects with its own user
    (a partner's user may publish only as itself), so all three run in one process."""
    import asyncio

    import tomli_w

    from launchwatch.sharing.nats_bus import provision_streams
    from launchwatch.sharing.nats_server import LocalNatsServer

    server = LocalNatsServer(tmp_path / "nats")
    server.start()
    try:
        asyncio.run(provision_streams(server.url("admin"), ("ROK", "JPN", "USA")))
        creds = tmp_path / "credentials.toml"
        creds.write_text(tomli_w.dumps({p: [server.url(p)] for p in ("ROK", "JPN", "USA")}))
        proc = run_cli(
            *node(run_dir, "--partner", "ROK,JPN,USA", "--json", "--linger-s", "1"),
            "--bus", creds, "--state", tmp_path / "state",
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        nodes = {n["partner"]: n for n in json.loads(proc.stdout)["nodes"]}
        for p, n in nodes.items():
            assert n["bus"].startswith("NATS JetStream")
            assert n["rejected"] == {}
            for sender, kinds in n["let_in_by_sender"].items():
                assert sum(kinds.values()) == sum(nodes[sender]["sent"].values()), (p, sender)
        missing = tmp_path / "none.toml"
        missing.write_text("[other]\nx = 1\n")
        proc = run_cli(*node(run_dir, "--partner", "ROK"), "--bus", missing)
        assert_bad_input(proc)
        assert "no URLs for ROK" in proc.stderr
    finally:
        server.stop()


def test_broker_runs_nats_for_the_partners_until_interrupted(tmp_path: Path) -> None:
    import asyncio
    import signal
    import subprocess
    import sys
    import time
    import tomllib

    from launchwatch.sharing.nats_bus import connect_nats

    # started with SIGINT ignored, as a shell script's background job is: Ctrl-C (SIGINT)
    # must stop it all the same
    broker = subprocess.Popen(
        [sys.executable, "-m", "launchwatch.cli", "broker", "--dir", str(tmp_path / "b")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    creds = tmp_path / "b" / "credentials.toml"
    try:
        deadline = time.monotonic() + 30
        while not creds.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.2)
        assert oct(creds.stat().st_mode & 0o777) == "0o600"
        urls = tomllib.loads(creds.read_text())
        assert set(urls) == {"ROK", "JPN", "USA", "admin"}
        assert all(u.startswith("nats://") and "@127.0.0.1:" in u for v in urls.values() for u in v)

        async def streams() -> list[str]:
            nc = await connect_nats(urls["admin"][0], None)
            names = sorted([s.config.name for s in await nc.jetstream().streams_info()])
            await nc.close()
            return names

        assert asyncio.run(streams()) == ["LW_JPN", "LW_ROK", "LW_USA"]
    finally:
        broker.send_signal(signal.SIGINT)
        try:
            out, err = broker.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            broker.kill()
            broker.communicate()
            raise
    assert broker.returncode == 0, err
    assert "Traceback" not in err
    assert "credentials.toml" in out
