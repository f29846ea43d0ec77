"""The HTTP API: tokens, each partner's view under the release policy, the record, the stream,
and schemathesis against the API's own OpenAPI document."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import tomllib
import typing
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from cli_run import run_cli
from launchwatch.record.database import open_record
from launchwatch.service.access import load_tokens, new_token
from launchwatch.service.app import ReportKind, ServiceConfig, create_app
from launchwatch.service.runs import Runs
from launchwatch.sharing.embedded_bus import EmbeddedBus
from launchwatch.sharing.keys import load_private_key, load_trusted_keys
from launchwatch.sharing.messages import KINDS
from launchwatch.sharing.node import Node
from launchwatch.sharing.node_store import NodeStore
from launchwatch.sharing.release_policy import parse_policy
from sharing_net import make_keys, track_report

MINI = Path(__file__).parent / "data" / "mini.toml"
# US launch events go to Japan only: South Korea has no clearance for them in this test
POLICY = """
partners = ["ROK", "JPN", "USA"]
[[release]]
from = "*"
to = "*"
contents = ["track", "impact"]
[[release]]
from = "USA"
to = ["JPN"]
contents = ["event"]
[[release]]
from = "JPN"
to = ["USA"]
contents = ["alert"]
"""
# Japan's rules in this test: one that fires on the mini scenario's flight (it starts over North
# Korean land) and names the provinces under the ground track, one that never can (Guam)
JPN_RULES = """
partner = "JPN"
name = "test rules"
regions = "provinces"
[[rule]]
id = "flies-over-north-korea"
condition = "ground-track-crosses"
countries = ["PRK"]
zones = ["land"]
action = "alert-regions"
note = "the ground track crosses North Korean land"
[[rule]]
id = "may-fall-on-guam"
condition = "impact-ellipse-touches"
countries = ["GUM"]
zones = ["land", "territorial-sea"]
action = "alert-regions"
note = "never on this flight"
"""


# One app for the module, made at import so that schemathesis can read its document; its data
# (three partners' node stores from a run of the mini scenario) is written by ``served``.
HOME = Path(tempfile.mkdtemp(prefix="launchwatch-service-"))
TOKENS = {p: new_token(HOME / "tokens.toml", p) for p in ("ROK", "JPN", "USA")}
APP = create_app(
    ServiceConfig(
        load_tokens(HOME / "tokens.toml"),
        HOME / "state",
        open_record(f"sqlite:///{HOME / 'record.sqlite'}"),
        poll_s=0.05,
        runs=Runs(HOME / "runs", MINI.parent),
    )
)


@pytest.fixture(scope="module")
def served() -> typing.Iterator[tuple[TestClient, dict[str, str], Path]]:
    out = HOME
    assert run_cli("simulate", MINI, "--out", out / "run").returncode == 0
    make_keys(out / "keys")
    (out / "policy.toml").write_text(POLICY)
    (out / "jpn-rules.toml").write_text(JPN_RULES)
    proc = run_cli(
        "node", out / "run" / "measurements.jsonl", "--sensors", out / "run" / "sensors.toml",
        "--partner", "ROK,JPN,USA", "--keys", out / "keys", "--policy", out / "policy.toml",
        "--state", out / "state", "--speed", "50", "--linger-s", "0.5", "--json",
        "--rules", out / "jpn-rules.toml",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    # one assessed event in the service's record, as an analyst saves it
    tracks = out / "tracks.jsonl"
    sensors = out / "run" / "sensors.toml"
    proc = run_cli(
        "track", out / "run" / "measurements.jsonl", "--sensors", sensors, "--out", tracks
    )
    assert proc.returncode == 0, proc.stderr
    proc = run_cli("assess", tracks, "--record", f"sqlite:///{HOME / 'record.sqlite'}", "--save")
    assert proc.returncode == 0, proc.stderr
    yield TestClient(APP), TOKENS, out
    shutil.rmtree(HOME, ignore_errors=True)


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_every_request_needs_a_partner_token(served) -> None:  # type: ignore[no-untyped-def]
    client, tokens, _ = served
    assert client.get("/api/health").status_code == 200
    r = client.get("/api/me")
    assert r.status_code == 401
    assert "Authorization" in r.json()["detail"]
    assert client.get("/api/me", headers=auth("not-a-token")).status_code == 401
    assert client.get("/api/me", headers=auth(tokens["JPN"])).json() == {"partner": "JPN"}


def test_a_partner_sees_only_its_own_and_what_was_released_to_it(served) -> None:  # type: ignore[no-untyped-def]
    client, tokens, _ = served
    events = {
        p: client.get("/api/reports?kind=event", headers=auth(t)).json() for p, t in tokens.items()
    }
    assert events["JPN"]
    assert {r["sender"] for r in events["JPN"]} == {"USA"}
    assert events["ROK"] == []  # no clearance for US events
    assert all(r["direction"] == "sent" for r in events["USA"])
    for p, t in tokens.items():
        everything = client.get("/api/reports", headers=auth(t)).json()
        assert everything
        for r in everything:
            assert r["direction"] == ("sent" if r["sender"] == p else "received")
            assert r["kind"] != "measurement"
            assert r["body"].get("sensors", []) == []


def test_tracks_and_their_history(served) -> None:  # type: ignore[no-untyped-def]
    client, tokens, _ = served
    tracks = client.get("/api/tracks", headers=auth(tokens["ROK"])).json()
    senders = {t["sender"] for t in tracks}
    assert senders == {"ROK", "JPN"}  # the satellite partner reports no tracks
    jpn = next(t for t in tracks if t["sender"] == "JPN" and "latest_impact" in t)
    assert len(jpn["path"]) >= 2
    assert jpn["path"][-1][:2] == [
        jpn["latest_track"]["body"]["lat_deg"],
        jpn["latest_track"]["body"]["lon_deg"],
    ]
    history = client.get(f"/api/tracks/JPN/{jpn['track']}", headers=auth(tokens["ROK"])).json()
    sequences = [r["sequence"] for r in history]
    assert sequences == sorted(sequences)
    assert history[-1]["sequence"] == max(
        jpn["latest_track"]["sequence"], jpn["latest_impact"]["sequence"]
    )
    r = client.get("/api/tracks/JPN/T999999", headers=auth(tokens["ROK"]))
    assert r.status_code == 404
    assert "T999999" in r.json()["detail"]


def test_the_record_with_filters_and_bad_parameters_named(served) -> None:  # type: ignore[no-untyped-def]
    client, tokens, _ = served
    h = auth(tokens["USA"])
    icbms = client.get("/api/launches?since=2017-01-01&until=2017-12-31&type=ICBM", headers=h)
    assert icbms.status_code == 200
    dates = [r["date_utc"] for r in icbms.json()]
    assert "2017-11-28" in dates  # Hwasong-15 (UTC date of the 29 Nov KST launch)
    assert all("2017-01-01" <= d <= "2017-12-31" for d in dates)
    far = client.get("/api/launches?min_range_km=4000", headers=h).json()
    assert far
    assert all(r["range_km"] >= 4000 for r in far)
    bad = client.get("/api/launches?since=yesterday", headers=h)
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["query", "since"]
    swapped = client.get("/api/launches?since=2020-01-01&until=2019-01-01", headers=h)
    assert swapped.status_code == 400
    assert "since" in swapped.json()["detail"]


def test_the_stream_sends_each_new_report_as_it_arrives(served) -> None:  # type: ignore[no-untyped-def]
    client, tokens, out = served
    keys = out / "keys"
    with client.stream("GET", "/api/stream?max_events=1", headers=auth(tokens["ROK"])) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        # a new report from ROK's node, written after the stream began (its pump not running)
        node = Node(
            "ROK",
            EmbeddedBus(),
            load_private_key(keys, "ROK"),
            load_trusted_keys(keys),
            parse_policy(tomllib.loads(POLICY)),
            NodeStore(out / "state" / "ROK.sqlite"),
        )
        t = dt.datetime(2025, 1, 6, 3, 5, tzinfo=dt.UTC).timestamp()
        shared = node.share(track_report("T-live", 3), "T-live", t)
        assert shared is not None
        lines = [line for line in response.iter_lines() if line.startswith(("event:", "data:"))]
    assert lines[0] == "event: track"
    assert '"T-live"' in lines[1]
    assert shared.message_id in lines[1]


def test_assessed_events_from_the_record(served) -> None:  # type: ignore[no-untyped-def]
    client, tokens, _ = served
    events = client.get(
        "/api/events?since=2025-01-06&until=2025-01-06", headers=auth(tokens["JPN"])
    )
    assert events.status_code == 200
    (event,) = events.json()
    # the mini scenario: one SRBM launched 03:00:30Z flying about 500 km (tests/data/mini.toml)
    assert event["launch_time"].startswith("2025-01-06T03:00")
    assert abs(event["range_km"] - 500.0) < 5 * event["range_sigma_km"] + 10.0
    assert event["count"] == 1
    assert client.get("/api/events?since=2025-01-07", headers=auth(tokens["JPN"])).json() == []


def test_one_event_with_the_statements_assess_made(served) -> None:  # type: ignore[no-untyped-def]
    client, tokens, _ = served
    h = auth(tokens["ROK"])
    (listed,) = client.get("/api/events?since=2025-01-06&until=2025-01-06", headers=h).json()
    event = client.get(f"/api/events/{listed['id']}", headers=h).json()
    assert event["statements"]  # what `assess` printed, kept with the figures
    # the range statement carries the measured figure with its 1σ, as the record has it
    figure = f"{event['range_km']:,.0f} ± {max(event['range_sigma_km'], 1):,.0f} km"
    assert any(figure in line for line in event["statements"]), (figure, event["statements"])
    missing = client.get("/api/events/999999", headers=h)
    assert missing.status_code == 404
    assert "999999" in missing.json()["detail"]


def test_each_partner_sees_its_own_sensors_and_their_coverage_only(served) -> None:  # type: ignore[no-untyped-def]
    import shapely.geometry

    client, tokens, _ = served
    for partner, own in (("ROK", {"R1"}), ("JPN", {"S1"}), ("USA", {"IR1"})):
        features = client.get("/api/sensors", headers=auth(tokens[partner])).json()["features"]
        assert {f["properties"]["id"] for f in features} == own  # never another partner's
        assert {f["properties"]["owner"] for f in features} == {partner}
    features = client.get("/api/sensors", headers=auth(tokens["ROK"])).json()["features"]
    area = shapely.geometry.shape(
        next(f for f in features if f["properties"]["role"] == "coverage")["geometry"]
    )
    # R1 (tests/data/mini.toml): 37.5N 128.5E, 450 km, 3°: the coverage holds the radar and a
    # point 300 km east, and not one 600 km east
    assert area.contains(shapely.geometry.Point(128.5, 37.5))
    assert area.contains(shapely.geometry.Point(128.5 + 300 / (111.3 * 0.793), 37.5))
    assert not area.contains(shapely.geometry.Point(128.5 + 600 / (111.3 * 0.793), 37.5))


def test_the_200_nmi_zones_for_the_map(served) -> None:  # type: ignore[no-untyped-def]
    import shapely.geometry

    client, _, _ = served
    zones = client.get("/api/geo/zones").json()
    assert "approximate" in zones["note"]
    by_code = {
        f["properties"]["code"]: shapely.geometry.shape(f["geometry"]) for f in zones["features"]
    }
    assert {"JPN", "KOR", "PRK", "RUS", "CHN"} <= set(by_code)
    # whose zone a point is in on the map is what the assessment's classifier says (points a
    # few grid steps from any outline): the Sea of Japan is nearly all inside someone's 200
    # nmi (40.03N 133.87E: Russia's, 301 km from its coast); 35N 155E is nobody's
    from launchwatch.geography.zones import zones_at

    places = ((40.03, 133.87), (39.53, 136.27), (41.03, 139.03), (38.03, 131.03), (35.03, 155.03))
    for lat, lon in places:
        (zone,) = zones_at(lat, lon)
        drawn = [c for c, z in by_code.items() if z.contains(shapely.geometry.Point(lon, lat))]
        assert drawn == ([zone.country.code] if zone.kind != "high-seas" and zone.country else [])


def test_alerts_raised_by_a_node_and_released_under_the_policy(served) -> None:  # type: ignore[no-untyped-def]
    from launchwatch.geography.places import nearest_places

    client, tokens, _ = served
    alerts = {p: client.get("/api/alerts", headers=auth(t)).json() for p, t in tokens.items()}
    # a track of the missile and one of its stage cross North Korea; Guam's rule never holds
    assert alerts["JPN"]
    for alert in alerts["JPN"]:
        body = alert["body"]
        assert body["alert"] == f"{body['track']}-flies-over-north-korea"
        assert body["action"] == "alert-regions"
        assert body["rule_set"] == "test rules"
        assert body["areas"]
    assert len({a["body"]["track"] for a in alerts["JPN"]}) == len(alerts["JPN"])  # once each
    # the launch site's province (mini.toml: 39.0N 126.0E) is among the areas named
    (site,) = nearest_places([39.0], [126.0], "KP")
    assert any(site.admin1 in a["body"]["areas"] for a in alerts["JPN"])
    # raised while the missile flew: after launch (03:00:30Z), before its last track report
    tracks = client.get("/api/reports?kind=track&sender=JPN", headers=auth(tokens["JPN"])).json()
    for alert in alerts["JPN"]:
        assert "2025-01-06T03:00:30" < alert["event_time"] <= tracks[-1]["event_time"]
    assert [a["message_id"] for a in alerts["USA"]] == [a["message_id"] for a in alerts["JPN"]]
    assert alerts["ROK"] == []  # and not to ROK


def test_a_scenario_run_started_from_the_api(served) -> None:  # type: ignore[no-untyped-def]
    import time

    client, tokens, _ = served
    h = auth(tokens["USA"])
    listing = client.get("/api/runs", headers=h).json()
    assert "mini" in listing["scenarios"]
    bad = client.post("/api/runs", headers=h, json={"scenario": "no-such"})
    assert bad.status_code == 404
    assert bad.json()["detail"].startswith("scenario:")
    started = client.post("/api/runs", headers=h, json={"scenario": "mini", "speed_x": 0})
    assert started.status_code == 202
    run = started.json()["id"]
    deadline = time.monotonic() + 300
    status = started.json()
    while status["state"] == "running" and time.monotonic() < deadline:
        time.sleep(0.5)
        status = client.get(f"/api/runs/{run}", headers=h).json()
    assert status["state"] == "done", status
    assert status["partners"] == ["JPN", "ROK", "USA"]
    assert run in [r["id"] for r in client.get("/api/runs", headers=h).json()["runs"]]
    # the run is read like the live network, each partner its own view
    tracks = client.get(f"/api/tracks?run={run}", headers=h).json()
    assert {t["sender"] for t in tracks} == {"ROK", "JPN"}
    assert client.get(f"/api/sensors?run={run}", headers=h).json()["features"]
    assert client.get("/api/tracks?run=ffffffffffff", headers=h).status_code == 404
    assert client.get("/api/runs/ffffffffffff", headers=h).status_code == 404


def test_the_stream_reads_once_for_every_subscriber_and_drops_one_that_falls_behind(
    served,
) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    from launchwatch.service.live import OVERFLOW, Broadcast
    from launchwatch.service.partner_view import PartnerView

    _, _, out = served
    keys = out / "keys"

    async def scenario() -> tuple[list[bytes], list[bytes], int]:
        live = Broadcast(PartnerView("ROK", out / "state" / "ROK.sqlite"), 0.02, max_backlog=3)
        keen, slow = live.subscribe(), live.subscribe()
        node = Node(
            "ROK", EmbeddedBus(), load_private_key(keys, "ROK"), load_trusted_keys(keys),
            parse_policy(tomllib.loads(POLICY)), NodeStore(out / "state" / "ROK.sqlite"),
        )  # fmt: skip
        t = dt.datetime(2025, 1, 6, 3, 6, tzinfo=dt.UTC).timestamp()
        got: list[bytes] = []
        for i in range(6):
            assert node.share(track_report("T-fan", i + 1), "T-fan", t + i) is not None
            while len(got) < i + 1:  # the keen one reads each as it comes
                got.append(await asyncio.wait_for(keen.queue.get(), 5))
        slow_got = [slow.queue.get_nowait() for _ in range(slow.queue.qsize())]
        live.unsubscribe(keen)
        await asyncio.sleep(0.05)
        node.store.close()
        return got, slow_got, live.events_read

    got, slow_got, read = asyncio.run(scenario())
    assert len(got) == 6
    assert all(b'"T-fan"' in e for e in got)
    assert read == 6  # read once, not once per subscriber
    assert slow_got[:3] == got[:3]  # the same bytes, encoded once
    assert slow_got[-1] == OVERFLOW  # then told it fell behind, and dropped
    assert len(slow_got) == 4


def test_a_misspelt_parameter_is_an_error_not_ignored(served) -> None:  # type: ignore[no-untyped-def]
    client, tokens, _ = served
    r = client.get("/api/launches?sinse=2020-01-01", headers=auth(tokens["ROK"]))
    assert r.status_code == 400
    assert r.json()["detail"].startswith("sinse: unknown parameter")
    assert "since" in r.json()["detail"]


def test_the_map_background_is_served_offline(served) -> None:  # type: ignore[no-untyped-def]
    import shapely.geometry

    client, _, _ = served
    land = client.get("/api/geo/land").json()
    by_code = {f["properties"]["code"]: f for f in land["features"]}
    assert {"PRK", "KOR", "JPN", "CHN", "RUS"} <= set(by_code)
    # places on land fall in their country's simplified polygon: Pyongyang, Seoul, Tokyo
    for code, lon, lat in (("PRK", 125.75, 39.02), ("KOR", 126.98, 37.57), ("JPN", 139.69, 35.69)):
        assert shapely.geometry.shape(by_code[code]["geometry"]).contains(
            shapely.geometry.Point(lon, lat)
        ), code
    assert len(client.get("/api/geo/land").content) < 3_000_000  # small enough for a browser


def test_the_report_kinds_of_the_api_are_the_messages_kinds() -> None:
    assert typing.get_args(ReportKind) == KINDS


schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.auth()
class PartnerToken:
    """Requests carry ROK's token unless schemathesis tests the missing-token case."""

    def get(self, case, ctx):  # type: ignore[no-untyped-def]
        return TOKENS["ROK"]

    def set(self, case, data, ctx):  # type: ignore[no-untyped-def]
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@schema.exclude(path="/api/stream").parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_api_keeps_its_own_openapi_document(case, served) -> None:  # type: ignore[no-untyped-def]
    """Generated requests (valid and not) never get a 5xx, and every response matches the
    document; with a token and without one."""
    case.call_and_validate()


# -- the web map, in Debian's chromium (scripts/test installs it; never a downloaded browser) --

CHROMIUM = Path("/usr/bin/chromium")
DOCS = Path(__file__).resolve().parents[1] / "docs"


@pytest.fixture(scope="module")
def live_url(served) -> typing.Iterator[str]:  # type: ignore[no-untyped-def]
    import socket
    import threading
    import time

    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(APP, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser() -> typing.Iterator[typing.Any]:
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "install Debian's chromium (bash scripts/test does)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


def open_page(
    browser, url: str, ready: str = "body[data-ready=yes]"
) -> tuple[typing.Any, list[str]]:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(url)
    page.wait_for_selector(ready, timeout=30_000)
    return page, problems


def open_map(browser, url: str, token: str, extra: str = "") -> tuple[typing.Any, list[str]]:  # type: ignore[no-untyped-def]
    return open_page(browser, f"{url}/#token={token}{extra}")


def test_the_map_shows_tracks_ellipses_sensors_zones_alerts_and_a_track_panel(
    served, live_url, browser, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    _, tokens, _ = served
    page, problems = open_map(browser, live_url, tokens["JPN"])
    assert page.locator("#land path").count() >= 5
    assert page.locator(".zone").count() >= 4  # JPN, KOR, PRK, RUS, CHN, ...
    assert page.locator(".sensor").count() == 1  # JPN's own ship radar, no one else's
    assert page.locator(".sensor").get_attribute("data-sensor") == "S1"
    assert page.locator(".coverage").count() == 1
    assert page.locator(".track").count() >= 2
    assert page.locator(".launch-ellipse").count() >= 1  # back-propagated launch points
    assert page.locator(".path").count() >= 1  # the tracks' paths so far
    assert page.locator(".launch-event").count() >= 1  # JPN is cleared for US launch events
    assert page.locator("#alerts li").count() >= 1  # JPN's own alert (the test rules)
    assert "flies-over-north-korea" not in page.inner_text("#alerts")  # said in words
    assert "ALERT" in page.inner_text("#alerts")
    assert page.inner_text("#partner").startswith("JPN")
    assert page.inner_text("#clock").endswith("UTC")
    page.locator(".track").first.click(force=True)
    page.wait_for_selector("#panel:not([hidden])")
    numbers = page.inner_text("#panel-numbers")
    for word in ("altitude", "speed", "phase"):
        assert word in numbers
    assert page.locator("#profile polyline").count() == 1
    shot = page.screenshot()
    (tmp_path / "web-map.png").write_bytes(shot)  # the test's artefact
    assert shot[:8] == b"\x89PNG\r\n\x1a\n"
    assert problems == []
    page.close()


def test_a_replayed_run_shows_its_track_and_ellipse_as_they_came(
    served, live_url, browser, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    client, tokens, _ = served
    reports = client.get("/api/reports?limit=100000", headers=auth(tokens["JPN"])).json()
    span_s = (
        dt.datetime.fromisoformat(reports[-1]["event_time"])
        - dt.datetime.fromisoformat(reports[0]["event_time"])
    ).total_seconds()
    tracks_at_end = len(
        {(r["sender"], r["body"]["track"]) for r in reports if r["kind"] == "track"}
    )
    page, problems = open_map(browser, live_url, tokens["JPN"], "&replay=1")
    assert page.get_attribute("body", "data-replay") == "running"
    # at 1x the picture is still that of the first seconds: few tracks, and the clock there
    first = dt.datetime.fromisoformat(reports[0]["event_time"])
    shown = dt.datetime.fromisoformat("2025-01-06T" + page.inner_text("#clock")[:8] + "+00:00")
    assert 0 <= (shown - first).total_seconds() <= 10
    assert page.locator(".track").count() < tracks_at_end
    page.select_option("#speed", "60")  # and again from the start, at 60x
    page.wait_for_selector("body[data-replay=done]", timeout=(span_s / 60 + 30) * 1000)
    assert page.inner_text("#clock") == reports[-1]["event_time"][11:19] + " UTC"
    assert page.locator(".track").count() >= 2
    assert page.locator(".path").count() >= 1
    assert page.locator("#alerts li").count() >= 1  # the alert fired during the replay
    assert not page.locator("#banner").is_hidden()
    shot = page.screenshot()
    (tmp_path / "web-map-replay.png").write_bytes(shot)
    if os.environ.get("LAUNCHWATCH_DOCS_SCREENSHOT"):  # refresh docs/web-map.png on request
        (DOCS / "web-map.png").write_bytes(shot)
    assert problems == []
    page.close()


def test_a_replay_draws_the_impact_ellipse_shrinking(served, live_url, browser) -> None:  # type: ignore[no-untyped-def]
    """Sampled through a 60x replay, the drawn impact ellipse of the track with the most
    impact predictions ends smaller than it began, as the predictions it was sent did."""
    client, tokens, _ = served
    impacts = client.get("/api/reports?kind=impact&sender=JPN", headers=auth(tokens["JPN"])).json()
    by_track: dict[str, list[float]] = {}
    for r in impacts:
        by_track.setdefault(r["body"]["track"], []).append(r["body"]["impact"]["semi_major_km"])
    track, sizes = max(by_track.items(), key=lambda kv: len(kv[1]))
    assert sizes[-1] < sizes[0]  # the data itself
    page, problems = open_map(browser, live_url, tokens["JPN"], "&replay=60")
    seen: list[float] = []
    while page.get_attribute("body", "data-replay") != "done":
        ry = page.evaluate(
            "k => { const e = document.querySelector(`.impact-ellipse[data-track='${k}']`);"
            " return e ? Number(e.getAttribute('ry')) : null; }",
            f"JPN/{track}",
        )
        if ry is not None and (not seen or ry != seen[-1]):
            seen.append(ry)
        page.wait_for_timeout(100)
    assert len(seen) >= 2
    assert seen[-1] < seen[0]
    assert problems == []
    page.close()


def test_the_live_map_moves_with_the_stream(served, live_url, browser) -> None:  # type: ignore[no-untyped-def]
    _, tokens, out = served
    keys = out / "keys"
    page, problems = open_map(browser, live_url, tokens["ROK"])
    page.wait_for_selector("body[data-stream=open]", timeout=10_000)
    node = Node(
        "ROK", EmbeddedBus(), load_private_key(keys, "ROK"), load_trusted_keys(keys),
        parse_policy(tomllib.loads(POLICY)), NodeStore(out / "state" / "ROK.sqlite"),
    )  # fmt: skip
    t = dt.datetime(2025, 1, 6, 3, 20, tzinfo=dt.UTC).timestamp()
    node.share(track_report("T-map", 1), "T-map", t)
    dot = page.wait_for_selector("circle[data-track='ROK/T-map']", timeout=10_000)
    x1 = float(dot.get_attribute("cx"))
    node.share(track_report("T-map", 2), "T-map", t + 1)  # 0.02° further east (sharing_net)
    moved = "circle[data-track='ROK/T-map']"
    page.wait_for_function(
        "([sel, x]) => Number(document.querySelector(sel).getAttribute('cx')) > x",
        arg=[moved, x1],
        timeout=10_000,
    )
    assert page.inner_text("#clock") == "03:20:01 UTC"  # live: the latest report's time
    node.store.close()
    assert problems == []
    page.close()


def test_a_partner_without_clearance_does_not_see_it_on_the_map(served, live_url, browser) -> None:  # type: ignore[no-untyped-def]
    _, tokens, _ = served
    page, problems = open_map(browser, live_url, tokens["ROK"])
    assert page.inner_text("#partner").startswith("ROK")
    assert page.locator(".track").count() >= 2
    assert page.locator(".launch-event").count() == 0  # US launch events go to Japan only
    assert page.locator("#alerts li").count() == 0  # JPN's alerts go to the US only
    assert page.locator(".sensor").get_attribute("data-sensor") == "R1"  # its own radar only
    assert problems == []
    page.close()


def test_the_record_page_filters_and_draws_its_timeline(served, live_url, browser) -> None:  # type: ignore[no-untyped-def]
    client, tokens, _ = served
    token = tokens["USA"]
    everything = client.get("/api/launches?limit=1000", headers=auth(token)).json()
    page, problems = open_page(browser, f"{live_url}/record#token={token}")
    assert page.inner_text("#summary").startswith(f"{len(everything)} launches")
    bars = page.locator("#per-month .bar")
    total = sum(int(bars.nth(i).get_attribute("data-count")) for i in range(bars.count()))
    assert total == len(everything)  # every launch in one month's bar
    with_range = [r for r in everything if r["range_km"] is not None]
    assert page.locator("#range-date circle[data-class]").count() == len(with_range)
    assert page.locator("#events a").count() == 1  # the assessed mini event, linked
    page.fill("input[name=type]", "ICBM")
    page.fill("input[name=since]", "2017-01-01")
    page.fill("input[name=until]", "2017-12-31")
    page.click("#filters button")
    icbms = client.get(
        "/api/launches?type=ICBM&since=2017-01-01&until=2017-12-31", headers=auth(token)
    ).json()
    page.wait_for_function(
        "n => document.querySelectorAll('#launches tbody tr').length === n", arg=len(icbms)
    )
    classes = page.locator("#range-date circle[data-class]")
    assert {classes.nth(i).get_attribute("data-class") for i in range(classes.count())} == {"ICBM"}
    page.fill("input[name=until]", "2016-01-01")  # before since: the API's 400, shown
    page.click("#filters button")
    page.wait_for_function("() => document.getElementById('error').textContent.length > 0")
    assert "since" in page.inner_text("#error")
    page.click("#events a")
    page.wait_for_url("**/event#*")
    page.wait_for_selector("#statements li")
    assert page.locator("#statements li").count() >= 3
    figures = page.inner_text("#figures")
    assert "range flown" in figures
    assert "±" in figures
    # the one console error is the browser's note of the 400 provoked above
    assert len(problems) == 1
    assert "400" in problems[0]
    page.close()
