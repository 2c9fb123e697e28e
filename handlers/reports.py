"""/reporte (the weekly report on demand), /kpi (the KPI table as text) and /exportar.

The report modules (pandas, matplotlib) are imported inside the handlers: a bot that is
idle, or only reminding, does not carry them in memory.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.chat.guard import MEMBERS, READERS, Where, command
from bot.chat.request import Request
from bot.chat.send import send_album
from bot.input.dates import parse_period, week_end
from bot.input.vocabulary import EXPORT_FORMATS, EXPORT_WORDS, HELP, fold
from domain.errors import InvalidInput
from storage.groups import sector_key
from storage.sectors import all_sector_names


@command(roles=MEMBERS, where=Where.group)
async def report(req: Request) -> None:
    """``/reporte [semana]``: the weekly report of the group, now."""
    from bot.reports.weekly import week_end_of, weekly_report

    if len(req.args) > 1:
        raise InvalidInput("usage.report")
    settings, now = req.settings, req.now()
    end = (
        week_end(req.args[0], now, settings.locale.zone) if req.args else week_end_of(now, settings)
    )
    if end > now + timedelta(days=7):
        raise InvalidInput("error.week_future", value=req.args[0])
    built = await weekly_report(req.runtime, req.chat.id, end, catalog=req.catalog)
    await send_album(req.context.bot, req.chat.id, built.charts)
    await req.reply(built.summary)


async def _sectors(req: Request, words: list[str]) -> list[str]:
    """The sectors ``/kpi`` is about: the group's (every one in private), or the one named."""
    known = req.group.sectors if req.group else await req.run(all_sector_names)
    if not words:
        return known
    wanted = sector_key(" ".join(words))
    sectors = [s for s in known if sector_key(s) == wanted]
    if not sectors:
        raise InvalidInput("error.kpi_sector", value=" ".join(words), sectors=", ".join(known))
    return sectors


@command(roles=MEMBERS)
async def kpi(req: Request) -> None:
    """``/kpi [periodo] [sector]`` or ``/kpi ayuda``."""
    from bot.reports.kpi_text import kpi_help, kpi_table
    from bot.reports.weekly import week_end_of

    if req.args and fold(req.args[0]) in HELP:
        await req.reply(kpi_help(req.catalog))
        return
    settings, now = req.settings, req.now()
    start, end, words = parse_period(
        req.args, end=week_end_of(now, settings), now=now, zone=settings.locale.zone
    )
    sectors = await _sectors(req, words)
    chat_id = req.chat.id if req.group else None  # its meetings: as /reporte measures them
    text = await kpi_table(req.runtime, req.catalog, sectors, start=start, end=end, chat_id=chat_id)
    await req.reply(text)


@command(roles=READERS)
async def export(req: Request) -> None:
    """``/exportar [acciones|incidentes|avances|panel] [csv|xlsx]``: a document (the panel
    with its codebook: a second sheet, or a second document beside a CSV; both protected).

    In a group it covers the group's sectors only; item texts and update notes are in
    coordinators' exports in private only (need to know)."""
    from bot.reports import exports

    words = [fold(w) for w in req.args]
    kind = EXPORT_WORDS.get(words[0]) if words else "panel"
    fmt = words[1] if len(words) > 1 else "csv"
    if kind is None or fmt not in EXPORT_FORMATS or len(words) > 2:
        raise InvalidInput("usage.export")
    runtime = req.runtime
    frame = await req.run(
        exports.build,
        kind,
        settings=runtime.settings,
        now=runtime.now(),
        sectors=req.group.sectors if req.group else None,
        free_text=req.sees_detail(None),  # coordinators in private: item texts, places too
    )
    files = await asyncio.to_thread(
        exports.documents,
        frame,
        kind,
        fmt,
        settings=runtime.settings,
        stem=f"alto-al-fuego-{kind}-{runtime.now():%Y%m%d}",
    )
    captions = [
        req.t(
            "export.caption_n",
            kind=req.t(f"export.kind_{kind}"),
            rows=req.catalog.n("n.rows", len(frame)),
        ),
        req.t("export.codebook_caption"),  # the panel's CSV codebook
    ]
    for (filename, content), caption in zip(files, captions, strict=False):
        await req.context.bot.send_document(
            req.chat.id, content, filename=filename, protect_content=True, caption=str(caption)
        )
