"""A realistic synthetic history for the demo and the benchmark (seeded, so repeatable).

Pilot sectors see fewer shootings after their treatment start; comparison sectors do not.
Every week has a shooting review that covers the week's incidents and agrees one to three
action items per incident, owned by agencies that deliver on time at different rates. The
rows are written in bulk through ``storage.seeding``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from domain.terms import Role
from storage import seeding
from storage.engine import Session
from storage.incidents import incident_code

KIND_HOURS = {
    "notification": 72,
    "outreach": 48,
    "hospital": 24,
    "family_support": 72,
    "referral": 168,
    "enforcement": 72,
    "investigation": 168,
}
AGENCY_KINDS = {
    "SSC": ("enforcement", "notification"),
    "FGJ": ("investigation",),
    "SIBISO": ("family_support", "referral"),
    "INJUVE": ("outreach", "referral"),
    "SEDESA": ("hospital",),
    "STYFE": ("referral",),
}
AGENCY_NAMES = {
    "SSC": "Secretaría de Seguridad Ciudadana",
    "FGJ": "Fiscalía General de Justicia",
    "SIBISO": "Secretaría de Bienestar e Igualdad Social",
    "INJUVE": "Instituto de la Juventud",
    "SEDESA": "Secretaría de Salud",
    "STYFE": "Secretaría de Trabajo y Fomento al Empleo",
}
ON_TIME = {"SSC": 0.82, "FGJ": 0.55, "SIBISO": 0.7, "INJUVE": 0.75, "SEDESA": 0.9, "STYFE": 0.6}


@dataclass
class HistorySpec:
    pilot: list[str] = field(default_factory=lambda: ["Plateros", "Olivar del Conde", "Santa Fe"])
    comparison: list[str] = field(default_factory=lambda: ["Tacubaya", "Hipódromo"])
    weeks: int = 52
    treatment_week: int = 22  # weeks after the start of the history
    base_rate: float = 3.2  # shootings per sector-week before treatment
    effect: float = 0.45  # relative drop after treatment in pilot sectors
    chat_id: int = -100123
    seed: int = 7
    agencies: tuple[str, ...] = tuple(AGENCY_KINDS)


@dataclass
class SeededHistory:
    group_id: int
    coordinator_id: int
    member_ids: dict[str, int]
    incidents: int
    items: int
    treatment_start: datetime


@dataclass(frozen=True)
class _Cast:
    """Who the history is about: the coordinator, the group, agencies and their members."""

    coordinator_id: int
    group_id: int
    agency_ids: dict[str, int]
    member_ids: dict[str, int]
    sectors: dict[str, tuple[int, str]]  # name -> (sector id, code prefix)


def _cast(session: Session, spec: HistorySpec, start: datetime) -> _Cast:
    coordinator = seeding.add_member(
        session, 1001, name="Coordinación", role=Role.coordinator, at=start
    )
    agencies = seeding.add_agencies(
        session, {code: AGENCY_NAMES.get(code, code) for code in spec.agencies}, at=start
    )
    members = {
        code: seeding.add_member(
            session,
            2000 + n,
            name=f"Enlace {code}",
            role=Role.agency,
            agency_id=agency_id,
            at=start,
        )
        for n, (code, agency_id) in enumerate(agencies.items())
    }
    group = seeding.add_group(
        session,
        spec.chat_id,
        title="Alto al Fuego · Álvaro Obregón",
        by=coordinator,
        at=start,
        sectors=spec.pilot,
    )
    sectors = seeding.sector_prefixes(session, spec.pilot + spec.comparison)
    seeding.add_schedule(
        session, group, kind="review", weekday=0, minute_of_day=600, by=coordinator, at=start
    )
    return _Cast(coordinator, group, agencies, members, sectors)


def _incident_rows(
    rng: np.random.Generator, spec: HistorySpec, cast: _Cast, *, start: datetime, now: datetime
) -> list[dict[str, Any]]:
    """Poisson shootings per sector and week; pilot sectors fall after the treatment start."""
    treatment = start + timedelta(weeks=spec.treatment_week)
    rows, sequence = [], {}
    for week in range(spec.weeks):
        week_start = start + timedelta(weeks=week)
        for name, (sector_id, prefix) in cast.sectors.items():
            rate = spec.base_rate * (1 + 0.15 * np.sin(week / 8))
            if name in spec.pilot and week_start >= treatment:
                rate *= 1 - spec.effect * min(1.0, (week_start - treatment).days / 70)
            for _ in range(rng.poisson(rate)):
                moment = week_start + timedelta(minutes=int(rng.integers(0, 7 * 24 * 60)))
                if moment >= now:
                    continue
                fatal = rng.random() < 0.42
                year = moment.year
                sequence[(sector_id, year)] = sequence.get((sector_id, year), 0) + 1
                seq = sequence[(sector_id, year)]
                rows.append(
                    {
                        "code": incident_code(prefix, year, seq),
                        "sector_id": sector_id,
                        "year": year,
                        "seq": seq,
                        "type": "homicide" if fatal else "nonfatal",
                        "classification": "homicide" if fatal else "nonfatal",
                        "occurred_at": moment,
                        "time_known": True,
                        "place": f"Cuadrante {int(rng.integers(1, 12))}",
                        "victims": int(fatal) + int(rng.random() < 0.05),
                        "injured": int(not fatal) + int(rng.random() < 0.2),
                        "group_code": f"G-{int(rng.integers(1, 15)):02d}"
                        if rng.random() < 0.5
                        else None,
                        "conflict_code": None,
                        "risk": str(rng.choice(["low", "medium", "high"], p=[0.3, 0.45, 0.25])),
                        "notes": "",
                        "group_id": cast.group_id if name in spec.pilot else None,
                        "created_by": cast.coordinator_id,
                        "created_at": moment + timedelta(hours=6),
                        "reviewed_at": None,
                        "review_id": None,
                        "first_completed_at": None,
                    }
                )
    return rows


def seed_history(session: Session, spec: HistorySpec, now: datetime) -> SeededHistory:
    """Write ``spec.weeks`` weeks of history ending at ``now`` (aware UTC)."""
    rng = np.random.default_rng(spec.seed)
    start = now - timedelta(weeks=spec.weeks)
    cast = _cast(session, spec, start)
    rows = _incident_rows(rng, spec, cast, start=start, now=now)
    ids = seeding.add_incidents(session, rows)
    pilot_ids = {cast.sectors[n][0] for n in spec.pilot}
    pilot = sorted(
        (
            _Incident(incident_id, row["code"], row["occurred_at"])
            for incident_id, row in zip(ids, rows, strict=True)
            if row["sector_id"] in pilot_ids
        ),
        key=lambda i: i.occurred_at,
    )
    items = _Reviews(session, rng, spec=spec, cast=cast).write(pilot, start=start, now=now)
    return SeededHistory(
        cast.group_id,
        cast.coordinator_id,
        cast.member_ids,
        seeding.count_incidents(session),
        items,
        start + timedelta(weeks=spec.treatment_week),
    )


@dataclass
class _Incident:
    id: int
    code: str
    occurred_at: datetime
    reviewed_at: datetime | None = None
    review_id: int | None = None
    first_completed_at: datetime | None = None


class _Reviews:
    """A review every Monday of the history covering the week before, and the action items
    agreed for each of its incidents with their updates."""

    def __init__(
        self, session: Session, rng: np.random.Generator, *, spec: HistorySpec, cast: _Cast
    ) -> None:
        self.session, self.rng, self.spec, self.cast = session, rng, spec, cast
        self.items: list[dict[str, Any]] = []
        self.agenda: list[dict[str, Any]] = []

    def write(self, incidents: list[_Incident], *, start: datetime, now: datetime) -> int:
        by_week: dict[int, list[_Incident]] = {}
        for incident in incidents:
            week = int((incident.occurred_at - start) / timedelta(weeks=1))
            by_week.setdefault(week, []).append(incident)
        for week in range(1, self.spec.weeks + 1):
            review_at = start + timedelta(weeks=week, hours=17)  # Monday 11:00 in Mexico City
            if review_at >= now:
                break
            review = seeding.add_review(
                self.session,
                self.cast.group_id,
                by=self.cast.coordinator_id,
                opened_at=review_at,
                closed_at=review_at + timedelta(hours=1),
            )
            for position, incident in enumerate(by_week.get(week - 1, [])):
                self.agenda.append(
                    {"review_id": review, "position": position, "incident_id": incident.id}
                )
                incident.reviewed_at, incident.review_id = review_at + timedelta(hours=1), review
                self._items(incident, review, review_at=review_at, now=now)
        reviewed = [i for i in incidents if i.review_id is not None]
        seeding.set_incident_facts(
            self.session,
            {
                i.id: {
                    "reviewed_at": i.reviewed_at,
                    "review_id": i.review_id,
                    "first_completed_at": i.first_completed_at,
                }
                for i in reviewed
            },
        )
        seeding.add_agenda(self.session, self.agenda)
        self._store_items(now)
        return len(self.items)

    def _items(
        self, incident: _Incident, review: int, *, review_at: datetime, now: datetime
    ) -> None:
        """One to three agencies act on the incident, on time or late by their own rates."""
        rng = self.rng
        for code in rng.choice(self.spec.agencies, size=int(rng.integers(1, 4)), replace=False):
            kind = str(rng.choice(AGENCY_KINDS.get(code, ("other",))))
            created = review_at + timedelta(minutes=int(rng.integers(5, 55)))
            due = created + timedelta(hours=KIND_HOURS.get(kind, 168))
            on_time = rng.random() < ON_TIME.get(code, 0.7)
            delay = timedelta(
                hours=float(rng.uniform(0.1, 0.95) if on_time else rng.uniform(1.05, 3.0))
                * KIND_HOURS.get(kind, 168)
            )
            closed = created + delay
            status, closed_at = "done", closed
            if closed >= now:
                status, closed_at = str(rng.choice(["open", "progress", "blocked"])), None
            self.items.append(
                {
                    "agency_id": self.cast.agency_ids[code],
                    "group_id": self.cast.group_id,
                    "kind": kind,
                    "text": f"Acción {kind} para {incident.code}",
                    "status": status,
                    "due_at": due,
                    "created_by": self.cast.coordinator_id,
                    "created_at": created,
                    "closed_at": closed_at,
                    "incident_id": incident.id,
                    "review_id": review,
                    "status_since": closed_at or created,
                    "_member": self.cast.member_ids[code],
                    "_progress": created + delay / 2,
                }
            )
            if status == "done" and (
                incident.first_completed_at is None or closed < incident.first_completed_at
            ):
                incident.first_completed_at = closed

    def _store_items(self, now: datetime) -> None:
        """The items, then a "progress" update half way and a "done" update at closing."""
        rows = [{k: v for k, v in r.items() if not k.startswith("_")} for r in self.items]
        updates = []
        for item_id, row in zip(seeding.add_items(self.session, rows), self.items, strict=True):
            author = {"item_id": item_id, "member_id": row["_member"], "note": ""}
            if row["_progress"] < now:
                updates.append({**author, "status": "progress", "created_at": row["_progress"]})
            if row["status"] == "done":
                updates.append({**author, "status": "done", "created_at": row["closed_at"]})
        seeding.add_updates(self.session, updates)
