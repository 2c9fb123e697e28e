"""/duplicados: the possible duplicates between bot-recorded and imported incidents, and a
coordinator's judgement of each (``unir``: one event; ``distintos``: two)."""

from __future__ import annotations

from bot.chat.guard import COORDINATORS, command
from bot.chat.request import Request
from bot.input.vocabulary import DUPLICATE_WORDS, fold
from bot.views.i18n import chunk_lines
from bot.views.reviews import duplicate_line
from domain.errors import InvalidInput
from storage.duplicate_review import judge_duplicate, possible_duplicates


@command(roles=COORDINATORS)
async def duplicates(req: Request) -> None:
    """``/duplicados`` lists the unjudged pairs; ``/duplicados unir|distintos CÓDIGO`` judges
    one. In a group, only the group's sectors."""
    sectors = req.group.sectors if req.group else None
    if not req.args:
        pairs = await req.run(possible_duplicates, sectors)
        lines = [req.t("duplicates.header", count=len(pairs))]
        lines += [duplicate_line(req.catalog, p) for p in pairs] or [req.t("duplicates.none")]
        for page in chunk_lines(lines):
            await req.reply(page)
        return
    verdict = DUPLICATE_WORDS.get(fold(req.args[0]))
    if verdict is None or len(req.args) != 2:
        raise InvalidInput("usage.duplicates")
    pair = await req.run(
        judge_duplicate, req.actor, req.args[1], verdict=verdict, now=req.now(), sectors=sectors
    )
    await req.reply(req.t(f"duplicates.{verdict.value}", code=pair.code, original=pair.original))
