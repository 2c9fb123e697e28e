"""How incidents, review agendas, minutes and meeting schedules look in chat.

Long texts (an agenda of a busy week, the minutes) come back as a list of pages that each fit
one Telegram message.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from bot.views.i18n import Catalog, Safe, chunk_lines
from bot.views.items import item_line, item_text, item_with_owner, note_text, status_label
from domain.terms import IncidentType
from storage.actions import ItemView
from storage.duplicate_review import DuplicatePair
from storage.incidents import IncidentView
from storage.models.groups import MeetingSchedule
from storage.reviews import Minutes

TYPE_ICON = {IncidentType.homicide: "🔴", IncidentType.nonfatal: "🟠"}


def incident_when(catalog: Catalog, incident: IncidentView) -> str:
    moment = incident.data.occurred_at
    return catalog.moment(moment) if incident.data.time_known else catalog.date(moment)


def incident_card(catalog: Catalog, incident: IncidentView, *, free_text: bool) -> Safe:
    """An incident whole; without ``free_text`` (in a group, to an observer) its place and
    notes are left out: what goes to a group may reach observers, who get counts and codes,
    never free text."""
    data = incident.data
    lines = [
        catalog.t(
            "incident.header",
            icon=Safe(TYPE_ICON[data.type]),
            code=incident.code,
            type=catalog.t(f"incident_type.{data.type.value}"),
            sector=data.sector,
        ),
        catalog.t("incident.when", when=incident_when(catalog, incident)),
        catalog.t(
            "incident.victims_n",
            killed=catalog.n("n.killed", data.victims),
            injured=catalog.n("n.injured", data.injured),
        ),
    ]
    if data.place and free_text:
        lines.append(catalog.t("incident.place", place=data.place))
    if data.risk:
        lines.append(catalog.t("incident.risk", risk=catalog.t(f"risk.{data.risk.value}")))
    if data.group_code or data.conflict_code:
        lines.append(
            catalog.t(
                "incident.codes", group=data.group_code or "—", conflict=data.conflict_code or "—"
            )
        )
    if data.notes and free_text:
        lines.append(catalog.t("incident.notes", notes=data.notes))
    if incident.reviewed_at:
        lines.append(catalog.t("incident.reviewed", at=catalog.datetime(incident.reviewed_at)))
    if incident.duplicate_of:
        lines.append(catalog.t("incident.possible_duplicate", original=incident.duplicate_of))
    return Safe("\n".join(lines))


def incident_line(catalog: Catalog, incident: IncidentView, *, free_text: bool) -> Safe:
    """An incident in a list; its place only with ``free_text`` (not for an observer)."""
    data = incident.data
    risk = catalog.t(f"risk.{data.risk.value}") if data.risk else "—"
    return catalog.t(
        "incident.line",
        icon=Safe(TYPE_ICON[data.type]),
        code=incident.code,
        when=incident_when(catalog, incident),
        type=catalog.t(f"incident_type.{data.type.value}"),
        place=(data.place if free_text else "") or data.sector,
        risk=risk,
    )


def duplicate_line(catalog: Catalog, pair: DuplicatePair) -> Safe:
    """A flagged pair: both codes and sources, sector, classification and both times."""
    return catalog.t(
        "duplicates.line",
        code=pair.code,
        source=pair.source,
        original=pair.original,
        original_source=pair.original_source,
        sector=pair.sector,
        kind=catalog.t(f"classification.{pair.classification}"),
        when=catalog.moment(pair.occurred_at),
        original_when=catalog.moment(pair.original_at),
    )


def _section(
    catalog: Catalog, key: str, lines: list[str], *, empty: str = "agenda.none"
) -> list[str]:
    """A titled section of a long message; ``empty`` says there is nothing in it."""
    return ["", catalog.t(key), *(lines or [catalog.t(empty)])]


def review_opened(
    catalog: Catalog,
    *,
    agenda: list[IncidentView],
    linked: list[ItemView],
    overdue: list[ItemView],
    now: datetime,
) -> list[Safe]:
    """The opened review's agenda, in the group: its incidents, open items of earlier
    incidents, overdue items (numbers, agencies and dates: item text stays private)."""
    lines = [catalog.t("review.opened", count=len(agenda))]
    lines += _section(
        catalog,
        "review.agenda_incidents",
        [incident_line(catalog, i, free_text=False) for i in agenda],
        empty="review.agenda_no_incidents",
    )
    lines += _section(
        catalog,
        "review.agenda_incident_items",
        [item_with_owner(catalog, i, now, detail=False) for i in linked],
    )
    lines += _section(
        catalog,
        "review.agenda_overdue",
        [item_with_owner(catalog, i, now, detail=False) for i in overdue],
    )
    lines += ["", catalog.t("review.how_to")]
    return chunk_lines(lines)


def review_step(
    catalog: Catalog,
    incident: IncidentView,
    *,
    position: int,
    total: int,
    items: list[ItemView],
    now: datetime,
) -> Safe:
    """One incident of the review's agenda, in the group, with the items already linked to
    it (without their text)."""
    lines = [
        catalog.t("review.step", position=position, total=total),
        incident_card(catalog, incident, free_text=False),
    ]
    lines.append(catalog.t("review.step_items", count=len(items)))
    lines += [item_with_owner(catalog, i, now, detail=False) for i in items]
    lines.append(catalog.t("review.step_hint", code=incident.code))
    return Safe("\n".join(lines))


def _attendance(catalog: Catalog, minutes: Minutes) -> dict[str, list[str]]:
    """Who attended, by agency (or role); those who only listened are marked."""
    by_agency: dict[str, list[str]] = defaultdict(list)
    for person in minutes.attendees:
        label = person.agency_code or catalog.t(f"role.{person.role}")
        name = person.name + (" " + catalog.t("minutes.listened") if person.declared else "")
        by_agency[label].append(name)
    return by_agency


def _agreed(catalog: Catalog, item: ItemView) -> Safe:
    return catalog.t(
        "minutes.item",
        n=item.id,
        agency=item.agency_code,
        text=item_text(catalog, item, detail=False),  # the minutes are posted to the group
        due=catalog.moment(item.due_at),
        incident=item.incident_code or "—",
        status=status_label(catalog, item.status),
    )


def minutes_pages(catalog: Catalog, minutes: Minutes, auto_close_hours: int) -> list[Safe]:
    """The minutes of a closed review: attendance, incidents, decisions, items agreed."""
    lines = [
        catalog.t(
            "minutes.header",
            date=catalog.date(minutes.opened_at),
            start=catalog.local(minutes.opened_at).strftime("%H:%M"),
            end=catalog.local(minutes.closed_at).strftime("%H:%M"),
        )
    ]
    if minutes.auto_closed:
        lines.append(catalog.t("minutes.auto_closed", hours=auto_close_hours))
    by_agency = _attendance(catalog, minutes)
    attendance = [
        catalog.t(
            "minutes.attendance_line", agency=agency, count=len(names), names=", ".join(names)
        )
        for agency, names in by_agency.items()
    ]
    lines += _section(catalog, "minutes.attendance", attendance)
    lines += _section(
        catalog,
        "minutes.incidents",
        [incident_line(catalog, i, free_text=False) for i in minutes.incidents],
    )
    lines += _section(
        catalog,
        "minutes.decisions",
        [catalog.t("minutes.decision", text=d) for d in minutes.decisions],
    )
    lines += _section(catalog, "minutes.items", [_agreed(catalog, i) for i in minutes.items])
    totals = catalog.t(
        "minutes.totals",
        incidents=len(minutes.incidents),
        items=len(minutes.items),
        agencies=len(by_agency),
    )
    return chunk_lines([*lines, "", totals])


def meeting_line(catalog: Catalog, schedule: MeetingSchedule) -> Safe:
    hours, minutes = divmod(schedule.minute_of_day, 60)
    return catalog.t(
        "meeting.line",
        n=schedule.id,
        kind=catalog.t(f"meeting_kind.{schedule.kind}"),
        day=catalog.weekday(schedule.weekday),
        time=f"{hours:02d}:{minutes:02d}",
    )


def meeting_agenda(
    catalog: Catalog,
    *,
    upcoming: tuple[MeetingSchedule, datetime] | None,
    incidents: list[IncidentView],
    due_soon: list[ItemView],
    overdue: list[ItemView],
    blocked: list[tuple[ItemView, str]],
    now: datetime,
) -> list[Safe]:
    """The next meeting and what it should look at (``/agenda``, in the group: items by
    number, agency and date, without their text or notes)."""
    if upcoming is None:
        lines = [catalog.t("agenda.no_meeting")]
    else:
        schedule, at = upcoming
        lines = [
            catalog.t(
                "agenda.header",
                kind=catalog.t(f"meeting_kind.{schedule.kind}"),
                when=catalog.moment(at),
            )
        ]
    lines += _section(
        catalog, "agenda.incidents", [incident_line(catalog, i, free_text=False) for i in incidents]
    )
    lines += _section(
        catalog,
        "agenda.due_soon",
        [item_with_owner(catalog, i, now, detail=False) for i in due_soon],
    )
    overdue_by_agency: dict[str, list[ItemView]] = defaultdict(list)
    for item in overdue:
        overdue_by_agency[item.agency_code].append(item)
    overdue_lines: list[str] = []
    for agency, items in overdue_by_agency.items():
        overdue_lines.append(catalog.t("agenda.agency", code=agency, count=len(items)))
        overdue_lines += [item_line(catalog, i, now, detail=False) for i in items]
    lines += _section(catalog, "agenda.overdue", overdue_lines)
    blocked_lines = [
        catalog.t(
            "agenda.blocked_item",
            item=item_with_owner(catalog, item, now, detail=False),
            note=note_text(catalog, note, detail=False),
        )
        for item, note in blocked
    ]
    lines += _section(catalog, "agenda.blocked", blocked_lines)
    return chunk_lines(lines)
