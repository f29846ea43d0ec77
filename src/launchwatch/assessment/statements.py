"""The assessment in plain English, as a spokesman would say it, every number from the run
and with its uncertainty."""

from __future__ import annotations

import datetime as dt
import math

from launchwatch.assessment.assess import AssessedEvent, Missile
from launchwatch.assessment.measures import Measure, apogee_ratio_sigma
from launchwatch.measurements import format_time
from launchwatch.record.schema import Launch

__all__ = ["statements"]

KST_HOURS = 9
_COMPASS = (
    "north",
    "north-north-east",
    "north-east",
    "east-north-east",
    "east",
    "east-south-east",
    "south-east",
    "south-south-east",
    "south",
    "south-south-west",
    "south-west",
    "west-south-west",
    "west",
    "west-north-west",
    "north-west",
    "north-north-west",
)


def _compass(azimuth_deg: float) -> str:
    return _COMPASS[round(azimuth_deg / 22.5) % 16]


def _pm(m: Measure, unit: str, digits: int = 0) -> str:
    sigma = max(m.sigma, 10.0**-digits)
    return f"{m.value:,.{digits}f} ± {sigma:,.{digits}f} {unit}"


def _span(values: list[float], unit: str) -> str:
    lo, hi = min(values), max(values)
    return f"{lo:,.0f} {unit}" if round(lo) == round(hi) else f"{lo:,.0f}–{hi:,.0f} {unit}"


def _ago(days: float) -> str:
    if days < 2:
        return f"{days * 24:.0f} hours"
    if days < 45:
        return f"{days:.0f} days"
    return f"{days:.0f} days (about {days / 30.44:.0f} months)"


def _launch_row(r: Launch) -> str:
    count = f"{r.count} × " if r.count and r.count > 1 else ""
    rng = f", ~{r.range_km:,.0f} km" if r.range_km else ""
    return f"{count}{r.type}, {r.date_utc:%d %b %Y}{rng}"


def _classes(m: Missile) -> str:
    a = m.analysis
    if a is None:
        return "class: not assessed (range or apogee too uncertain)"
    cap = a.capability.range_m / 1e3
    lo, hi = a.capability_low_high_km
    icbm = "an ICBM" if a.capability_class == "ICBM" else "not an ICBM"
    return (
        f"class: {a.range_class} by range flown; capability ≈ {cap:,.0f} km "
        f"({lo:,.0f}–{hi:,.0f} km for burn time ×0.7–×1.3) ({a.capability_class}); {icbm}"
    )


def _alerts(m: Missile, launch_time: float) -> list[str]:
    lines = []
    by_partner: dict[str, list[str]] = {}
    for d in m.alerts:
        if not d.fired:
            continue
        after = (
            ""
            if d.first_possible_time is None
            else (
                f" from {format_time(d.first_possible_time)[11:19]} UTC "
                f"({d.first_possible_time - launch_time:,.0f} s after launch)"
            )
        )
        if d.action == "alert-regions":
            where = f": {', '.join(d.regions)}" if d.regions else ""
            by_partner.setdefault(d.partner, []).append(f"ALERT ({d.rule}){where}{after}")
        else:
            by_partner.setdefault(d.partner, []).append(f"inform ({d.note}){after}")
    partners = sorted({d.partner for d in m.alerts})
    for p in partners:
        said = by_partner.get(p)
        if said:
            lines.append(f"{p}: " + "; ".join(said))
        elif p == "JPN":
            lines.append("JPN: no public alert (no fall in or flight over Japanese territory)")
    return lines


def statements(a: AssessedEvent) -> list[str]:
    ev = a.event
    t = format_time(ev.launch_time)
    local = (int(t[11:13]) + KST_HOURS) % 24
    n = a.count
    what = "one ballistic missile" if n == 1 else f"{n} ballistic missiles"
    out = [
        f"{what}, {t[11:16]} UTC ({local:02d}:{t[14:16]} KST) on {t[:10]}, from the "
        f"{a.launch_area}, {a.launch_country} ({abs(ev.launch_lat_deg):.2f}"
        f"{'N' if ev.launch_lat_deg >= 0 else 'S'} {abs(ev.launch_lon_deg):.2f}"
        f"{'E' if ev.launch_lon_deg >= 0 else 'W'} ± {ev.launch_sigma_km:.1f} km; "
        f"{ev.launch_basis})"
    ]
    if a.others:
        out.append("also tracked: " + ", ".join(f"{k} × {v}" for k, v in sorted(a.others.items())))
    if not a.missiles:
        out.append("no missile was tracked to a prediction of its fall")
        return out
    ms = [m.measures for m in a.missiles]
    head = a.missiles[0]
    if n == 1:
        me = ms[0]
        out.append(
            f"flew {_pm(me.range_km, 'km')} to the {_compass(me.azimuth_deg)}; apogee "
            f"{_pm(me.apogee_km, 'km', 1 if me.apogee_km.sigma < 1 else 0)}"
            f"{' (predicted)' if me.apogee_kind == 'predicted' else ''}; flight "
            f"{_pm(me.flight_time_s, 's')}"
        )
    else:
        out.append(
            f"flew {_span([m.range_km.value for m in ms], 'km')} to the "
            f"{_compass(ms[0].azimuth_deg)} (each ± {max(m.range_km.sigma for m in ms):.0f} km);"
            f" apogees {_span([m.apogee_km.value for m in ms], 'km')}; flights "
            f"{_span([m.flight_time_s.value for m in ms], 's')}"
        )
    if head.analysis is not None:
        me = head.measures
        sigma = apogee_ratio_sigma(me.range_km, me.apogee_km)
        out.append(
            f"shape: {head.analysis.shape} (apogee {head.analysis.apogee_ratio:.2f} ± "
            f"{max(sigma, 0.01):.2f} × minimum-energy)"
        )
    out.append(_classes(head))
    zones = {m.zone.describe() for m in a.missiles}
    fell = "fell" if all(m.measures.impact_observed for m in a.missiles) else "predicted to fall"
    out.append(f"{fell} {'; '.join(sorted(zones))}")
    for m in a.missiles[:1]:
        e = m.measures.impact
        out.append(
            f"impact {e.lat_deg:.2f}N {e.lon_deg:.2f}E, 95 % ellipse {e.semi_major_km:.2f} × "
            f"{e.semi_minor_km:.2f} km"
        )
        jpn = [z for z in m.ellipse_zones if z.country is not None and z.country.code == "JPN"]
        near_japan = m.zone.sea in ("Sea of Japan (East Sea)", "Pacific Ocean")
        if near_japan and not jpn:
            out.append("outside Japan's 200-nmi zone (approx.), the 95 % ellipse included")
        for o in m.overflown:
            regions = f" ({', '.join(o.regions)})" if o.regions else ""
            out.append(f"flew over {o.country}{regions}")
        out.extend(_alerts(m, ev.launch_time))
    c = a.context
    if c is not None:
        head_range = a.farthest.measures.range_km.value
        parts = []
        if c.previous is not None and c.days_since_previous is not None:
            prev = c.previous
            further = (
                " — flew further"
                if prev.range_km is not None and head_range > prev.range_km
                else ""
            )
            parts.append(
                f"first launch in {_ago(c.days_since_previous)} (previous: {_launch_row(prev)})"
                f"{further}"
            )
        parts.append(_record_since("furthest", c.farther_since, c.previous, c.record_size))
        parts.append(_record_since("highest", c.higher_since, c.previous, c.record_size))
        year = ev.launch_time and format_time(ev.launch_time)[:4]
        parts.append(f"launch {c.launches_this_year_before + 1} of {year} in the record")
        out.append("context: " + "; ".join(parts))
        if c.similar:
            out.append(
                "most similar: "
                + "; ".join(
                    f"{s.launch.date_utc:%d %b %Y} ({s.launch.type}: {s.launch.range_km:,.0f} km,"
                    f" apogee {s.launch.apogee_km:,.0f} km)"
                    for s in c.similar
                    if s.launch.range_km and s.launch.apogee_km
                )
            )
        launch_day = dt.datetime.fromtimestamp(ev.launch_time, dt.UTC).date()
        for happening in c.calendar:
            when = _when(happening.date_utc, happening.end_date_utc, launch_day)
            out.append(f"{when}: {happening.description} ({happening.date_utc:%d %b %Y})")
        if c.reported is not None:
            r = c.reported
            notes = []
            if r.range_km:
                notes.append(_versus("range", r.range_km, ms[0].range_km, "km"))
            if r.apogee_km:
                notes.append(_versus("apogee", r.apogee_km, ms[0].apogee_km, "km"))
            out.append(f"reported in the record as {r.type} ({r.name}): " + "; ".join(notes))
    for claim in a.claims:
        if claim.get("disagrees"):
            out.append(f"claim: {claim['text']}")
    return out


def _record_since(what: str, since: Launch | None, previous: Launch | None, size: int) -> str:
    """ "the furthest flight since X" when launches between X and now flew less far."""
    if since is None:
        return f"the {what} flight in the record ({size} launches)"
    if previous is not None and since.id == previous.id:
        return (
            f"not the {what}: the previous launch went as {'far' if what == 'furthest' else 'high'}"
        )
    return f"the {what} flight since {_launch_row(since)}"


def _when(start: dt.date, end: dt.date, launch_day: dt.date) -> str:
    """How a public event stands to the launch, by UTC day."""
    if start <= launch_day <= end:
        return "coincided with"
    if start == launch_day + dt.timedelta(days=1):
        return "on the eve of"
    if start > launch_day:
        return f"{(start - launch_day).days} days before"
    days = (launch_day - end).days
    return "the day after" if days == 1 else f"{days} days after"


def _versus(what: str, reported: float, measured: Measure, unit: str) -> str:
    diff = measured.value - reported
    # public figures are rounded: allow 5 % besides the measurement's own 3σ
    allowed = math.hypot(3 * measured.sigma, 0.05 * reported)
    verdict = "agrees" if abs(diff) <= allowed else "disagrees"
    return f"{what} {reported:,.0f} {unit} reported, {measured.value:,.0f} measured ({verdict})"
