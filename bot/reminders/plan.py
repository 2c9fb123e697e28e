"""What should have been sent by ``now``: reminder stages, escalations, meeting prompts,
digests and weekly summaries, as notification specs with unique keys.

Planning is a pure function of the stored state and ``now``; it only ever plans what has
fallen due, and for a recurring reminder only the latest stage (an item overdue for a week
gets one "overdue" reminder, not three). Inserting the specs is idempotent, so running it
every sweep, after a restart or from two processes plans each notification once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.input.meeting_times import parse_clock, parse_weekday, weekly_occurrences
from bot.reminders.quiet import QuietRules
from bot.runtime.settings import Settings
from storage import notifications
from storage import reminders as store
from storage.engine import Session
from storage.notifications import NoticeSpec
from storage.reminders import PlanItem, Recipient

ITEM_KINDS = ("before_due", "due", "overdue", "snooze")  # summarised after downtime
ASSIGNED = "assigned"  # the owning agency's notice of a new (or reassigned) item
URGENT_HOURS = 24  # a kind whose deadline is this short makes its items urgent
REPORT_KINDS = ("weekly_charts", "weekly")  # the weekly report: album, then summary


@dataclass(frozen=True, slots=True)
class Clockwork:
    """Settings turned into durations, and the quiet-hours rules, for one planning run."""

    before_due: timedelta
    overdue_every: timedelta
    escalate_after: timedelta
    escalate_blocked_after: timedelta
    collect_before: timedelta
    meeting_before: timedelta
    horizon: timedelta
    urgent_ignores_quiet: bool
    urgent_kinds: frozenset[str]
    weekly_day: int
    weekly_minute: int
    zone: ZoneInfo
    quiet: QuietRules

    @classmethod
    def from_settings(cls, settings: Settings) -> Clockwork:
        r = settings.reminders
        day, clock = settings.reports.weekly.split()
        return cls(
            before_due=timedelta(hours=r.before_due),
            overdue_every=timedelta(hours=r.overdue_every),
            escalate_after=timedelta(hours=r.escalate_after),
            escalate_blocked_after=timedelta(hours=r.escalate_blocked_after),
            collect_before=timedelta(hours=r.collect_before_meeting),
            meeting_before=timedelta(hours=r.meeting_before),
            horizon=timedelta(hours=r.catchup_horizon),
            urgent_ignores_quiet=r.urgent_ignores_quiet,
            urgent_kinds=frozenset(
                k for k, h in settings.deadlines.model_dump().items() if h <= URGENT_HOURS
            ),
            weekly_day=parse_weekday(day),
            weekly_minute=parse_clock(clock),
            zone=settings.locale.zone,
            quiet=QuietRules(r, settings.locale.zone),
        )

    def urgent(self, item: PlanItem) -> bool:
        """A hospital visit (a deadline of a day or less) or a high-risk incident's item
        cannot wait for Monday: its notices ignore quiet hours (``urgent_ignores_quiet``)."""
        return self.urgent_ignores_quiet and (item.high_risk or item.kind in self.urgent_kinds)

    def send_after(self, item: PlanItem, fire: datetime) -> datetime:
        return fire if self.urgent(item) else self.quiet.next_allowed(fire)


def item_stage(item: PlanItem, now: datetime, c: Clockwork) -> tuple[str, str, datetime] | None:
    """(kind, key tag, fire time) of the item's latest reminder stage, if one has come."""
    if now < item.due_at:
        fire = item.due_at - c.before_due
        # Created inside the window (or at its very start), the assignment notice says when
        # the item is due and counts as this reminder.
        if c.before_due and fire <= now and fire > item.created_at:
            return "before_due", "before", fire
        return None
    stage = int((now - item.due_at) / c.overdue_every)
    if stage == 0:
        return "due", "due", item.due_at
    return "overdue", f"overdue{stage}", item.due_at + stage * c.overdue_every


def _item_reminders(
    item: PlanItem, members: list[Recipient], *, now: datetime, c: Clockwork
) -> Iterator[NoticeSpec]:
    stage = item_stage(item, now, c)
    reachable = [m for m in members if m.member_id not in item.muted]
    if not members and stage and item.group_chat_id is not None:
        kind, tag, fire = stage
        yield NoticeSpec(
            f"item:{item.id}:{tag}:g",
            kind,
            item.group_chat_id,
            fire,
            c.send_after(item, fire),
            item_id=item.id,
            group_id=item.group_id,
        )
    for member in reachable:
        snooze = item.snoozed.get(member.member_id)
        if snooze is not None and snooze > now:
            continue
        if snooze is not None and (stage is None or stage[2] < snooze):
            kind, tag, fire = "snooze", f"snooze{int(snooze.timestamp())}", snooze
        elif stage is not None:
            kind, tag, fire = stage
        else:
            continue
        private = member.started_bot and member.private_reminders
        chat = member.telegram_id if private else item.group_chat_id
        if chat is None:
            continue
        yield NoticeSpec(
            f"item:{item.id}:{tag}:m{member.member_id}",
            kind,
            chat,
            fire,
            c.send_after(item, fire),
            member_id=member.member_id,
            item_id=item.id,
            group_id=item.group_id,
        )


def _assignments(
    item: PlanItem, members: list[Recipient], *, fire: datetime, c: Clockwork, version: str = ""
) -> Iterator[NoticeSpec]:
    """One private notice per member of the owning agency who can be reached privately; if
    none can, one mention in the group. Keyed by the agency (and the reassignment's
    version), so each owner hears of the item exactly once."""
    tag = f"item:{item.id}:{ASSIGNED}:a{item.agency_id}{version}"
    common = {"item_id": item.id, "group_id": item.group_id}
    send_after = c.send_after(item, fire)
    private = [m for m in members if m.started_bot and m.private_reminders]
    if not private and item.group_chat_id is not None:
        yield NoticeSpec(f"{tag}:g", ASSIGNED, item.group_chat_id, fire, send_after, **common)
    for m in private:
        key = f"{tag}:m{m.member_id}"
        yield NoticeSpec(
            key, ASSIGNED, m.telegram_id, fire, send_after, member_id=m.member_id, **common
        )


def plan_assignment(
    session: Session, item_id: int, *, settings: Settings, now: datetime, version: int | str
) -> int:
    """Plan the assignment notice of an item reassigned (``version``: what tells this
    reassignment from earlier ones, e.g. the change's id) to its agency now; the next sweep
    sends it. Call it in the transaction that reassigns. Returns how many were planned."""
    c = Clockwork.from_settings(settings)
    item = store.plan_item(session, item_id)
    if item is None:
        return 0
    members = store.agency_members(session, [item.agency_id]).get(item.agency_id, [])
    specs = list(_assignments(item, members, fire=now, c=c, version=f":v{version}"))
    return notifications.insert_missing(session, specs, now)


def _new_items(
    session: Session, items: list[PlanItem], *, now: datetime, c: Clockwork
) -> list[PlanItem]:
    """Items created within the catch-up horizon whose assignment notice is not planned."""
    recent = [i for i in items if i.created_at >= now - c.horizon]
    noticed = notifications.items_noticed(session, [i.id for i in recent], ASSIGNED)
    return [i for i in recent if i.id not in noticed]


def _escalations(
    item: PlanItem, coordinators: list[Recipient], *, now: datetime, c: Clockwork
) -> Iterator[NoticeSpec]:
    moments = []
    if now - item.due_at >= c.escalate_after:
        moments.append(item.due_at + c.escalate_after)
    if item.status == "blocked" and now - item.status_since >= c.escalate_blocked_after:
        moments.append(item.status_since + c.escalate_blocked_after)
    if not moments:
        return
    fire = min(moments)
    send_after = c.send_after(item, fire)
    if item.group_chat_id is not None:
        yield NoticeSpec(
            f"item:{item.id}:escalate:g",
            "escalation",
            item.group_chat_id,
            fire,
            send_after,
            item_id=item.id,
            group_id=item.group_id,
        )
    for coordinator in coordinators:
        if coordinator.started_bot:
            yield NoticeSpec(
                f"item:{item.id}:escalate:c{coordinator.member_id}",
                "escalation",
                coordinator.telegram_id,
                fire,
                send_after,
                member_id=coordinator.member_id,
                item_id=item.id,
                group_id=item.group_id,
            )


def _meetings(session: Session, now: datetime, c: Clockwork) -> Iterator[NoticeSpec]:
    ahead = max(c.collect_before, c.meeting_before)
    for schedule, chat_id in store.schedules(session):
        for meeting in weekly_occurrences(
            schedule.weekday,
            schedule.minute_of_day,
            start=now - c.horizon,
            end=now + ahead,
            zone=c.zone,
        ):
            tag = f"meeting:{schedule.id}:{meeting.astimezone(c.zone):%Y%m%dT%H%M}"
            common = {"group_id": schedule.group_id, "meeting_id": schedule.id, "about_at": meeting}
            remind = meeting - c.meeting_before
            if now - c.horizon <= remind <= now:
                yield NoticeSpec(f"{tag}:remind", "meeting", chat_id, remind, remind, **common)
            if now - c.horizon <= meeting <= now:
                yield NoticeSpec(f"{tag}:digest", "digest", chat_id, meeting, meeting, **common)
            collect = meeting - c.collect_before
            # A meeting scheduled inside its collection window is still collected for, at once.
            if collect > now or (collect < now - c.horizon and meeting < now):
                continue
            open_items = store.group_open_items_by_agency(session, schedule.group_id)
            members = store.agency_members(session, open_items)
            for agency_id in open_items:
                for member in members.get(agency_id, []):
                    private = member.started_bot and member.private_reminders
                    yield NoticeSpec(
                        f"{tag}:collect:m{member.member_id}",
                        "collect",
                        member.telegram_id if private else chat_id,
                        collect,
                        c.quiet.next_allowed(collect) if private else collect,
                        member_id=member.member_id,
                        **common,
                    )


def _weekly(session: Session, now: datetime, c: Clockwork) -> Iterator[NoticeSpec]:
    slots = weekly_occurrences(
        c.weekly_day, c.weekly_minute, start=now - timedelta(days=7), end=now, zone=c.zone
    )
    if not slots:
        return
    slot = slots[-1]
    year, week, _ = slot.isocalendar()
    coordinators = [c for c in store.coordinators(session) if c.started_bot]
    for group_id, chat_id, registered in store.groups_registered(session):
        if registered > slot:
            continue  # registered after this week's slot: its first report is next week's
        tag = f"weekly:{group_id}:{year}-W{week:02d}"
        # Separate notifications, so that a failure of one never resends another: the
        # album of charts, then the text summary (counts only, in the group)…
        for kind in REPORT_KINDS:
            yield NoticeSpec(
                f"{tag}:{kind}", kind, chat_id, slot, slot, group_id=group_id, about_at=slot
            )
        # …and the item-level list, privately to each coordinator (need to know).
        for coordinator in coordinators:
            yield NoticeSpec(
                f"{tag}:detail:c{coordinator.member_id}",
                "weekly_detail",
                coordinator.telegram_id,
                slot,
                slot,
                member_id=coordinator.member_id,
                group_id=group_id,
                about_at=slot,
            )


def plan(session: Session, c: Clockwork, now: datetime) -> list[NoticeSpec]:
    """Every notification that has fallen due by ``now`` (planned or not yet)."""
    items = store.plan_items(session, now + c.before_due, created_since=now - c.horizon)
    members = store.agency_members(session, {i.agency_id for i in items})
    coordinators = store.coordinators(session)
    specs: list[NoticeSpec] = []
    for item in _new_items(session, items, now=now, c=c):
        specs += _assignments(item, members.get(item.agency_id, []), fire=item.created_at, c=c)
    for item in items:
        specs += _item_reminders(item, members.get(item.agency_id, []), now=now, c=c)
        specs += _escalations(item, coordinators, now=now, c=c)
    specs += _meetings(session, now, c)
    specs += _weekly(session, now, c)
    return specs


def plan_and_store(session: Session, c: Clockwork, now: datetime) -> int:
    """Plan and insert what is new; returns how many notifications were added."""
    return notifications.insert_missing(session, plan(session, c, now), now)
