"""/reporte (the weekly report on demand), /kpi (the KPI table as text) and /exportar.

The report modules (pandas, matplotlib) are imported inside the handlers: a bot that is
idle, or only reminding, does not carry them in memory.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from bot.chat.guard import MEMBERS, READERS, Where, command
from bot.chat.request import Request
from bot.chat.send import send_album
from bot.input.vocabulary import fold
from domain.errors import InvalidInput
from storage.groups import sector_key
from storage.sectors import all_sector_names


def parse_week(word: str, now: datetime, zone: object) -> datetime:
    """``2026-W48`` or ``W48``: the Monday 00:00 (local) after that ISO week."""
    text = fold(word).upper()
    if text.startswith("W") and text[1:].isdigit():
        text = f"{now.astimezone(zone).isocalendar().year}-{text}"  # type: ignore[arg-type]
    try:
        monday = datetime.strptime(f"{text}-1", "%G-W%V-%u")
    except ValueError as exc:
        raise InvalidInput("error.week", value=word) from exc
    return (monday + timedelta(weeks=1)).replace(tzinfo=zone)  # type: ignore[arg-type]


@command(roles=MEMBERS, where=Where.group)
async def report(req: Request) -> None:
    """``/reporte [semana]``: the weekly report of the group, now."""
    from bot.reports.weekly import week_end_of, weekly_report

    if len(req.args) > 1:
        raise InvalidInput("usage.report")
    settings, now = req.runtime.settings, req.runtime.now()
    week_end = (
        parse_week(req.args[0], now, settings.locale.zone)
        if req.args
        else week_end_of(now, settings)
    )
    if week_end > now + timedelta(days=7):
        raise InvalidInput("error.week_future", value=req.args[0])
    built = await weekly_report(req.runtime, req.chat.id, week_end, req.catalog)
    await send_album(req.context.bot, req.chat.id, built.charts)
    await req.reply(built.summary)


def _period(words: list[str], req: Request) -> tuple[datetime, datetime, list[str]]:
    """``[N semanas | 2026-W48] [sector]`` → (start, end, words left for the sector)."""
    from bot.reports.weekly import week_end_of

    settings, now = req.runtime.settings, req.runtime.now()
    end = week_end_of(now, settings)
    start = end - timedelta(weeks=4)
    if words:
        first = fold(words[0]).rstrip("sw").removesuffix("sem").removesuffix("seman")
        if first.isdigit() and 1 <= int(first) <= 104:
            start, words = end - timedelta(weeks=int(first)), words[1:]
        elif fold(words[0]).upper().lstrip("0123456789-").startswith("W"):
            end = parse_week(words[0], now, settings.locale.zone)
            start, words = end - timedelta(weeks=1), words[1:]
    return start, end, words


@command(roles=MEMBERS)
async def kpi(req: Request) -> None:
    """``/kpi [periodo] [sector]`` or ``/kpi ayuda``."""
    from bot.reports.kpi_text import kpi_help, kpi_table

    if req.args and fold(req.args[0]) in ("ayuda", "help"):
        await req.reply(kpi_help(req.catalog))
        return
    start, end, words = _period(req.args, req)
    known = req.group.sectors if req.group else await req.runtime.db.run(all_sector_names)
    sectors = known
    if words:
        wanted = sector_key(" ".join(words))
        sectors = [s for s in known if sector_key(s) == wanted]
        if not sectors:
            raise InvalidInput("error.kpi_sector", value=" ".join(words), sectors=", ".join(known))
    text = await kpi_table(req.runtime, req.catalog, sectors, start, end)
    await req.reply(text)


@command(roles=READERS)
async def export(req: Request) -> None:
    """``/exportar [acciones|incidentes|avances|panel] [csv|xlsx]``: a document."""
    from bot.reports import exports

    words = [fold(w) for w in req.args]
    kind = exports.KINDS.get(words[0]) if words else "panel"
    fmt = words[1] if len(words) > 1 else "csv"
    if kind is None or fmt not in ("csv", "xlsx") or len(words) > 2:
        raise InvalidInput("usage.export")
    runtime = req.runtime
    frame = await runtime.db.run(exports.build, kind, runtime.settings, runtime.now())
    content = await asyncio.to_thread(exports.encode, frame, fmt)
    name = f"alto-al-fuego-{kind}-{runtime.now():%Y%m%d}.{fmt}"
    await req.context.bot.send_document(
        req.chat.id,
        content,
        filename=name,
        protect_content=True,
        caption=str(req.t("export.caption", kind=req.t(f"export.kind_{kind}"), rows=len(frame))),
    )
