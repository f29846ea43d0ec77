"""The HTTP API of a watch floor (FastAPI; the OpenAPI document is served at /openapi.json).

Every request but ``/api/health`` carries a partner's bearer token (:mod:`.access`). What a
partner sees comes from its own node's store (:mod:`.partner_view`): its reports and the ones
the release policy let through to it. The launch record is common to all.

    GET /, /record, /event               the web map, the record page, an event's page
                                         (static/: plain JavaScript and SVG, offline)
    GET /api/health                      no token needed
    GET /api/geo/land                    the map's land polygons (GeoJSON), no token needed
    GET /api/geo/zones                   the 200-nmi zones (approximate, GeoJSON), no token needed
    GET /api/me                          which partner the token is
    GET /api/launches                    the record: since, until (dates), type, min_range_km, limit
    GET /api/events                      assessed events saved in the record, with their claims
    GET /api/events/{id}                 one assessed event with its statements and claims
    GET /api/sensors                     the partner's own sensors and their coverage (GeoJSON)
    GET /api/reports                     reports seen by the partner: kind, sender, limit
    GET /api/alerts                      alerts raised by the partner or released to it
    GET /api/tracks                      every track's latest report and impact prediction
    GET /api/tracks/{sender}/{track}     one track's history
    GET /api/stream                      server-sent events: each new report as it arrives
    GET /api/runs, POST /api/runs        scenario runs (list, start one)
    GET /api/runs/{id}                   a run's status

Every partner route takes ``run``: the id of a scenario run to read instead of the live
network's stores.

Bad parameters get 422 with the parameter named (FastAPI's validation) or 400 with the
parameter named in the message, never a 500.
"""

# no "from __future__ import annotations": FastAPI reads the local Partner alias at runtime

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Body, Depends, FastAPI, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, StreamingResponse
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.routing import Match

from launchwatch import __version__
from launchwatch.errors import InputError
from launchwatch.record.database import Record
from launchwatch.record.queries import launch_dict, list_assessments, list_launches
from launchwatch.service.access import Tokens
from launchwatch.service.basemap import land_geojson, sensors_geojson, zones_geojson
from launchwatch.service.live import Broadcast, Broadcasts
from launchwatch.service.partner_view import PartnerView
from launchwatch.service.runs import Runs
from launchwatch.sharing.own_sensors import read_own_sensors

__all__ = ["ServiceConfig", "create_app"]


class Problem(BaseModel):
    detail: str
    """What is wrong, naming the parameter or header."""


AUTHENTICATED: dict[int | str, dict[str, Any]] = {
    400: {
        "model": Problem,
        "description": "a parameter this request does not take, or a bad value",
    },
    401: {"model": Problem, "description": "No bearer token, or not a partner's"},
}
IN_RUN: dict[int | str, dict[str, Any]] = {
    **AUTHENTICATED,
    404: {"model": Problem, "description": "no such run"},
}
"""The responses of a route that reads a partner's stores (of the live network or a run)."""
DateText = Annotated[
    str,
    Query(
        pattern=r"^\d{4}-\d{2}-\d{2}$",
        description="a UTC date, YYYY-MM-DD",
        json_schema_extra={"format": "date"},
    ),
]
"""A date as text: FastAPI's own date parameters also take numbers (as Unix times)."""
PartnerCode = Annotated[str, Query(pattern=r"^[A-Z][A-Z0-9-]{1,15}$")]
ReportKind = Literal["track", "impact", "event", "alert", "measurement"]
"""sharing.messages.KINDS (a test keeps the two in step)."""


@dataclass(frozen=True)
class ServiceConfig:
    tokens: Tokens
    state: Path
    """The nodes' state directory: PARTNER.sqlite for each partner."""
    record: Record
    poll_s: float = 0.1
    runs: Runs | None = None
    """Scenario runs (none: the API starts none)."""


class RunRequest(BaseModel):
    scenario: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")]
    """A scenario's name (its file name without .toml), one of GET /api/runs' ``scenarios``."""
    speed_x: Annotated[float, Field(ge=0.0, le=60.0)] = 0.0
    """Replay speed of the nodes: 0 as fast as they go, 1 real time, up to 60."""


def create_app(config: ServiceConfig) -> FastAPI:
    app = FastAPI(
        dependencies=[Depends(_no_unknown_parameters)],
        title="launchwatch",
        version=__version__,
        description="Launches, tracks, impact predictions and alerts, as each partner may "
        "see them.",
    )
    bearer = HTTPBearer(auto_error=False)

    @app.middleware("http")
    async def allow_every_method(request: Request, call_next: Any) -> Any:
        """A 405's ``Allow`` names every method of the path: Starlette names only those of
        the first route that matched it (``/api/runs`` has a GET route and a POST route)."""
        response = await call_next(request)
        if response.status_code == 405:
            methods = {
                m
                for r in app.routes
                if isinstance(r, APIRoute) and r.matches(request.scope)[0] != Match.NONE
                for m in r.methods or ()
            }
            response.headers["Allow"] = ", ".join(sorted(methods))
        return response

    def partner(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> str:
        if credentials is None:
            raise HTTPException(401, "Authorization: give a partner's bearer token")
        who = config.tokens.partner_of(credentials.credentials)
        if who is None:
            raise HTTPException(401, "Authorization: unknown token")
        return who

    Partner = Annotated[str, Depends(partner)]

    def store(
        run: Annotated[
            str | None,
            Query(pattern=r"^[0-9a-f]{12}$", description="a scenario run's id (default: live)"),
        ] = None,
    ) -> Path:
        if run is None:
            return config.state
        found = config.runs.state_of(run) if config.runs is not None else None
        if found is None:
            raise HTTPException(404, f"run: no run {run}")
        return found

    Store = Annotated[Path, Depends(store)]

    def view(p: str, where: Path) -> PartnerView:
        return PartnerView(p, where / f"{p}.sqlite")

    broadcasts: dict[Path, Broadcasts] = {}

    def broadcast(p: str, where: Path) -> Broadcast:
        if where not in broadcasts:
            broadcasts[where] = Broadcasts(lambda q: Broadcast(view(q, where), config.poll_s))
        return broadcasts[where].of(p)

    static = Path(__file__).parent / "static"
    app.mount("/static", StaticFiles(directory=static), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        """The map (the token comes in the address, ``/#token=...``, or a form asks for it)."""
        return FileResponse(static / "index.html")

    @app.get("/record", include_in_schema=False)
    def record_page() -> FileResponse:
        return FileResponse(static / "record.html")

    @app.get("/event", include_in_schema=False)
    def event_page() -> FileResponse:
        return FileResponse(static / "event.html")

    @app.get("/api/health")
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.get("/api/geo/land")
    def land() -> dict[str, Any]:
        """Natural Earth 1:10m land of the region (public data: no token needed), GeoJSON."""
        return land_geojson()

    @app.get("/api/geo/zones")
    def zones() -> dict[str, Any]:
        """The 200-nautical-mile zones of the region's coastal states (GeoJSON): an
        approximation (distance to Natural Earth 1:10m coasts, split at median lines), not
        legal limits; built once, a second or two."""
        return zones_geojson()

    @app.get("/api/me", responses=AUTHENTICATED)
    def me(p: Partner) -> dict[str, str]:
        return {"partner": p}

    @app.get(
        "/api/launches",
        responses=AUTHENTICATED,
    )
    def launches(
        p: Partner,
        since: DateText | None = None,
        until: DateText | None = None,
        type: Annotated[str | None, Query(max_length=40)] = None,
        min_range_km: Annotated[float | None, Query(ge=0.0, le=25_000.0)] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    ) -> list[dict[str, Any]]:
        first, last = _date("since", since), _date("until", until)
        if first is not None and last is not None and first > last:
            raise HTTPException(400, "since: must not be after until")
        rows = list_launches(
            config.record, since=first, until=last, type=type, min_range_km=min_range_km
        )
        return [launch_dict(r) for r in rows[-limit:]]  # dates already ISO text

    @app.get("/api/events", responses=AUTHENTICATED)
    def events(
        p: Partner, since: DateText | None = None, until: DateText | None = None
    ) -> list[dict[str, Any]]:
        """Assessed launch events saved in the record (``launchwatch assess --save``), with
        the claims of public reports filed against them."""
        return list_assessments(
            config.record, since=_date("since", since), until=_date("until", until)
        )

    @app.get(
        "/api/events/{event_id}",
        responses={**AUTHENTICATED, 404: {"model": Problem, "description": "no such event"}},
    )
    def event(
        p: Partner, event_id: Annotated[int, PathParam(ge=1, le=2**31 - 1)]
    ) -> dict[str, Any]:
        """One assessed event: its figures with 1σ, the statements ``assess`` made of it, the
        claims of public reports filed against it, its source and model version."""
        found = [e for e in list_assessments(config.record) if e["id"] == event_id]
        if not found:
            raise HTTPException(404, f"event_id: no assessed event {event_id}")
        return found[0]

    @app.get("/api/sensors", responses=IN_RUN)
    def sensors(p: Partner, where: Store) -> dict[str, Any]:
        """The partner's own sensors (never another partner's: sensor details are not shared)
        and each one's coverage of an object at 100 km altitude (GeoJSON)."""
        return sensors_geojson(read_own_sensors(where, p))

    @app.get("/api/reports", responses=IN_RUN)
    def reports(
        p: Partner,
        where: Store,
        kind: ReportKind | None = None,
        sender: PartnerCode | None = None,
        limit: Annotated[int, Query(ge=1, le=100_000)] = 1000,
    ) -> list[dict[str, Any]]:
        found = [
            r
            for r in view(p, where).reports()
            if (kind is None or r["kind"] == kind) and (sender is None or r["sender"] == sender)
        ]
        return found[-limit:]

    @app.get("/api/alerts", responses=IN_RUN)
    def alerts(p: Partner, where: Store) -> list[dict[str, Any]]:
        """The alerts the partner raised and those released to it, in the order they were
        raised (``body.action``: ``alert-regions`` a public warning, ``inform`` none)."""
        return [r for r in view(p, where).reports() if r["kind"] == "alert"]

    @app.get("/api/tracks", responses=IN_RUN)
    def tracks(p: Partner, where: Store) -> list[dict[str, Any]]:
        """Every track the partner may see: its latest track and impact reports, and its
        path so far (``[lat_deg, lon_deg, alt_m]`` per track report, in sending order)."""
        latest: dict[tuple[str, str], dict[str, Any]] = {}
        for r in sorted(view(p, where).reports(), key=lambda r: int(r["sequence"])):
            body = r["body"]
            if r["kind"] not in ("track", "impact"):
                continue
            key = (r["sender"], body["track"])
            entry = latest.setdefault(
                key, {"sender": r["sender"], "track": body["track"], "path": []}
            )
            entry["latest_" + r["kind"]] = r
            if r["kind"] == "track":
                entry["path"].append([body["lat_deg"], body["lon_deg"], body["alt_m"]])
        return list(latest.values())

    @app.get(
        "/api/tracks/{sender}/{track}",
        responses={**AUTHENTICATED, 404: {"model": Problem, "description": "no such run or track"}},
    )
    def track_history(
        p: Partner,
        where: Store,
        sender: Annotated[str, PathParam(pattern=r"^[A-Z][A-Z0-9-]{1,15}$")],
        track: Annotated[str, PathParam(min_length=1, max_length=64)],
    ) -> list[dict[str, Any]]:
        found = [
            r
            for r in view(p, where).reports()
            if r["sender"] == sender
            and r["kind"] in ("track", "impact")
            and r["body"]["track"] == track
        ]
        if not found:
            raise HTTPException(404, f"track: no track {track} of {sender} that {p} may see")
        return sorted(found, key=lambda r: int(r["sequence"]))  # the order it was sent in

    @app.get(
        "/api/stream",
        response_class=StreamingResponse,
        responses={**IN_RUN, 200: {"content": {"text/event-stream": {}}}},
    )
    async def stream(
        p: Partner,
        where: Store,
        max_events: Annotated[int | None, Query(ge=1, le=1_000_000)] = None,
    ) -> StreamingResponse:
        """Each report the partner sends or lets in from now on, as a server-sent event
        (``event: <kind>``, ``data: <the report as JSON>``); ``max_events`` ends the stream.
        A subscriber that falls 10,000 events behind gets ``event: overflow`` and the stream
        ends: reload the picture (``/api/tracks``) and subscribe again."""
        live = broadcast(p, where)
        sub = live.subscribe()

        async def events() -> AsyncIterator[bytes]:
            sent = 0
            try:
                yield b": launchwatch stream\n\n"
                while max_events is None or sent < max_events:
                    # what has queued up goes out in one write (one chunk, not one per event)
                    chunk = [await sub.queue.get()]
                    while not sub.queue.empty() and len(chunk) < 256:
                        chunk.append(sub.queue.get_nowait())
                    if max_events is not None:
                        chunk = chunk[: max_events - sent]
                    yield b"".join(chunk)
                    sent += len(chunk)
                    if sub.dropped and sub.queue.empty():
                        return
            finally:
                live.unsubscribe(sub)

        return StreamingResponse(events(), media_type="text/event-stream")

    @app.get("/api/runs", responses=AUTHENTICATED)
    def runs(p: Partner) -> dict[str, Any]:
        """The scenario runs, oldest first, and the scenarios a run can be made of."""
        if config.runs is None:
            return {"scenarios": [], "runs": []}
        return {"scenarios": config.runs.scenario_names(), "runs": config.runs.list()}

    @app.post(
        "/api/runs",
        status_code=202,
        responses={
            **AUTHENTICATED,
            404: {"model": Problem, "description": "no such scenario"},
            503: {"model": Problem, "description": "runs are off"},
        },
    )
    def start_run(p: Partner, request: Annotated[RunRequest, Body()]) -> dict[str, Any]:
        """Start a scenario run: simulated, then run through every partner's node (the
        embedded bus); poll ``GET /api/runs/{id}``, then read it with ``?run=ID``."""
        if config.runs is None:
            raise HTTPException(503, "runs: this service was started without --runs")
        try:
            return config.runs.start(request.scenario, request.speed_x)
        except InputError as exc:
            raise HTTPException(404, str(exc)) from None

    @app.get(
        "/api/runs/{run_id}",
        responses={**AUTHENTICATED, 404: {"model": Problem, "description": "no such run"}},
    )
    def run_status(
        p: Partner, run_id: Annotated[str, PathParam(min_length=1, max_length=40)]
    ) -> dict[str, Any]:
        found = config.runs.get(run_id) if config.runs is not None else None
        if found is None:
            raise HTTPException(404, f"run_id: no run {run_id}")
        return found

    return app


def _no_unknown_parameters(request: Request) -> None:
    """A misspelt parameter (``sinse=``) is an error, not a filter silently left out."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    known = {p.alias for p in dependant.query_params}
    for sub in dependant.dependencies:
        known |= {p.alias for p in sub.query_params}
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        allowed = ", ".join(sorted(known)) or "none"
        raise HTTPException(400, f"{unknown[0][:40]}: unknown parameter (this takes: {allowed})")


def _date(name: str, text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise HTTPException(400, f"{name}: {exc}") from None
