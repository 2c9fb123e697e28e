"""A realistic synthetic history for the demo and the benchmark (seeded, so repeatable).

Pilot sectors see fewer shootings after their treatment start; comparison sectors do not.
Every week has a shooting review that covers the week's incidents and agrees one to three
action items per incident, owned by agencies that deliver on time at different rates. All
rows are bulk-inserted through the same tables the bot uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import insert
from sqlmodel import Session, func, select

from domain.terms import Role
from storage.groups import sector_key
from storage.incidents import sector_prefix
from storage.models.groups import CoordinationGroup, GroupSector, MeetingSchedule, Sector
from storage.models.incidents import Incident, Review, ReviewAgenda
from storage.models.items import ActionItem, StatusUpdate
from storage.models.members import Agency, Member

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


def _sector(session: Session, name: str) -> Sector:
    sector = session.exec(select(Sector).where(Sector.key == sector_key(name))).first()
    if sector is None:
        sector = Sector(name=name, key=sector_key(name))
        session.add(sector)
        session.flush()
    sector_prefix(session, sector)
    return sector


def seed_history(session: Session, spec: HistorySpec, now: datetime) -> SeededHistory:
    """Write ``spec.weeks`` weeks of history ending at ``now`` (aware UTC)."""
    rng = np.random.default_rng(spec.seed)
    start = now - timedelta(weeks=spec.weeks)
    treatment = start + timedelta(weeks=spec.treatment_week)
    coordinator = Member(
        telegram_id=1001,
        display_name="Coordinación",
        role=Role.coordinator,
        created_at=start,
        started_bot=True,
    )
    session.add(coordinator)
    agencies = {}
    for code in spec.agencies:
        agency = Agency(code=code, name=AGENCY_NAMES.get(code, code), created_at=start)
        session.add(agency)
        agencies[code] = agency
    session.flush()
    members = {}
    for n, (code, agency) in enumerate(agencies.items()):
        member = Member(
            telegram_id=2000 + n,
            display_name=f"Enlace {code}",
            role=Role.agency,
            agency_id=agency.id,
            created_at=start,
            started_bot=True,
        )
        session.add(member)
        members[code] = member
    group = CoordinationGroup(
        chat_id=spec.chat_id,
        title="Alto al Fuego · Álvaro Obregón",
        registered_by=coordinator.id,
        created_at=start,
    )
    session.add(group)
    session.flush()
    sectors = {name: _sector(session, name) for name in spec.pilot + spec.comparison}
    for name in spec.pilot:
        session.add(GroupSector(group_id=group.id, sector_id=sectors[name].id))
    session.add(
        MeetingSchedule(
            group_id=group.id,
            kind="review",
            weekday=0,
            minute_of_day=600,
            created_by=coordinator.id,
            created_at=start,
        )
    )
    session.flush()

    incident_rows, sequence = [], {}
    for week in range(spec.weeks):
        week_start = start + timedelta(weeks=week)
        for name, sector in sectors.items():
            rate = spec.base_rate * (1 + 0.15 * np.sin(week / 8))
            if name in spec.pilot and week_start >= treatment:
                rate *= 1 - spec.effect * min(1.0, (week_start - treatment).days / 70)
            for _ in range(rng.poisson(rate)):
                moment = week_start + timedelta(minutes=int(rng.integers(0, 7 * 24 * 60)))
                if moment >= now:
                    continue
                fatal = rng.random() < 0.42
                year = moment.year
                sequence[(sector.id, year)] = sequence.get((sector.id, year), 0) + 1
                seq = sequence[(sector.id, year)]
                incident_rows.append(
                    {
                        "code": f"{sector.prefix}-{year}-{seq:03d}",
                        "sector_id": sector.id,
                        "year": year,
                        "seq": seq,
                        "type": "homicide" if fatal else "nonfatal",
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
                        "group_id": group.id if name in spec.pilot else None,
                        "created_by": coordinator.id,
                        "created_at": moment + timedelta(hours=6),
                        "reviewed_at": None,
                        "review_id": None,
                        "first_completed_at": None,
                    }
                )
    session.execute(insert(Incident), incident_rows)
    session.flush()
    pilot_ids = {sectors[n].id for n in spec.pilot}
    incidents = session.exec(
        select(Incident).where(Incident.sector_id.in_(pilot_ids)).order_by(Incident.occurred_at)  # type: ignore[union-attr]
    ).all()
    items = _reviews_and_items(
        session, rng, spec, group.id, coordinator.id, members, agencies, incidents, start, now
    )
    total = session.exec(select(func.count()).select_from(Incident)).one()
    return SeededHistory(
        group.id, coordinator.id, {c: m.id for c, m in members.items()}, total, items, treatment
    )


def _reviews_and_items(
    session: Session,
    rng: np.random.Generator,
    spec: HistorySpec,
    group_id: int,
    coordinator_id: int,
    members: dict[str, Member],
    agencies: dict[str, Agency],
    incidents: list[Incident],
    start: datetime,
    now: datetime,
) -> int:
    item_rows, update_rows, agenda_rows = [], [], []
    by_week: dict[int, list[Incident]] = {}
    for incident in incidents:
        week = int((incident.occurred_at.replace(tzinfo=start.tzinfo) - start) / timedelta(weeks=1))
        by_week.setdefault(week, []).append(incident)
    for week in range(1, spec.weeks + 1):
        review_at = start + timedelta(weeks=week, hours=17)  # Monday 11:00 in Mexico City
        if review_at >= now:
            break
        review = Review(
            group_id=group_id,
            opened_by=coordinator_id,
            opened_at=review_at,
            closed_at=review_at + timedelta(hours=1),
            closed_by=coordinator_id,
        )
        session.add(review)
        session.flush()
        for position, incident in enumerate(by_week.get(week - 1, [])):
            agenda_rows.append(
                {"review_id": review.id, "position": position, "incident_id": incident.id}
            )
            incident.reviewed_at, incident.review_id = review_at + timedelta(hours=1), review.id
            for code in rng.choice(spec.agencies, size=int(rng.integers(1, 4)), replace=False):
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
                item_rows.append(
                    {
                        "agency_id": agencies[code].id,
                        "group_id": group_id,
                        "kind": kind,
                        "text": f"Acción {kind} para {incident.code}",
                        "status": status,
                        "due_at": due,
                        "created_by": coordinator_id,
                        "created_at": created,
                        "closed_at": closed_at,
                        "incident_id": incident.id,
                        "review_id": review.id,
                        "status_since": closed_at or created,
                        "_member": members[code].id,
                        "_progress": created + delay / 2,
                    }
                )
                if status == "done" and (
                    incident.first_completed_at is None or closed < incident.first_completed_at
                ):
                    incident.first_completed_at = closed
            session.add(incident)
    session.execute(insert(ReviewAgenda), agenda_rows) if agenda_rows else None
    for chunk in range(0, len(item_rows), 2000):
        rows = item_rows[chunk : chunk + 2000]
        ids = (
            session.execute(
                insert(ActionItem).returning(ActionItem.id),
                [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows],
            )
            .scalars()
            .all()
        )
        for item_id, row in zip(ids, rows, strict=True):
            if row["_progress"] < now:
                update_rows.append(
                    {
                        "item_id": item_id,
                        "member_id": row["_member"],
                        "status": "progress",
                        "note": "",
                        "created_at": row["_progress"],
                    }
                )
            if row["status"] == "done":
                update_rows.append(
                    {
                        "item_id": item_id,
                        "member_id": row["_member"],
                        "status": "done",
                        "note": "",
                        "created_at": row["closed_at"],
                    }
                )
    if update_rows:
        session.execute(insert(StatusUpdate), update_rows)
    return len(item_rows)
