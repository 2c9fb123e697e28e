"""``/evaluacion [SECTOR, …] [vs A, B, …] [BASE SEGUIMIENTO]``: the impact table in a chat.

Coordinators and observers (the evaluators), in private or in a group: the table is
aggregate counts per sector and year, the same figures as the evaluators' panel, with no
incident detail. Grammar, as ``/ayuda`` and ``usage.evaluation`` say:

- the treated sector(s) first, comma-separated; none: the pilot sectors configured in
  ``[sectors] treatment_start``, or else, in a group, the group's sectors;
- ``vs`` (or ``contra``, ``versus``) then the comparison sectors; none: the default of
  ``bot.reports.evaluation`` (configured comparison sectors, else the rest of the alcaldía);
- the baseline and follow-up years last (ASCII digits), both or neither (2019 and 2023).

The data is read on the database thread (read-only: nothing to replay, so it bypasses
``Request.run`` like the weekly report, rather than pickling a city's incidents); pandas,
statsmodels and matplotlib run in the renderer, imported there.
"""

from __future__ import annotations

import re

from bot.chat.guard import READERS, command
from bot.chat.request import Request
from bot.input.vocabulary import fold
from domain.errors import InvalidInput

YEAR = re.compile(r"[0-9]{4}", re.ASCII)
VERSUS = frozenset({"vs", "vs.", "contra", "versus"})
DEFAULT_YEARS = (2019, 2023)


def _names(words: list[str]) -> tuple[str, ...]:
    return tuple(n for n in (" ".join(p.split()) for p in " ".join(words).split(",")) if n)


def parse(words: list[str]) -> tuple[tuple[str, ...], tuple[str, ...] | None, tuple[int, int]]:
    """(treated, comparison or None, (baseline, follow-up)) from the words typed."""
    years: list[int] = []
    while words and YEAR.fullmatch(words[-1]):
        years.insert(0, int(words.pop()))
    if len(years) not in (0, 2):
        raise InvalidInput("usage.evaluation")
    split = next((i for i, w in enumerate(words) if fold(w) in VERSUS), None)
    if split is None:
        return _names(words), None, (years[0], years[1]) if years else DEFAULT_YEARS
    comparison = _names(words[split + 1 :])
    if not comparison:
        raise InvalidInput("usage.evaluation")
    return _names(words[:split]), comparison, (years[0], years[1]) if years else DEFAULT_YEARS


@command(roles=READERS)
async def evaluation(req: Request) -> None:
    """The impact table as messages, and the event-study chart as a photo."""
    from bot.reports import evaluation as impact
    from bot.reports import evaluation_text

    treated, comparison, (baseline, follow_up) = parse(req.args)
    settings, runtime = req.settings, req.runtime
    if not treated:
        treated = tuple(settings.sectors.treatment_start) or tuple(
            req.group.sectors if req.group else ()
        )
    if not treated:
        raise InvalidInput("usage.evaluation")
    question = impact.Question(treated, comparison, baseline, follow_up)
    now = req.now()
    data = await runtime.db.run(
        impact.load, question, settings=settings, today=now.astimezone(settings.locale.zone).date()
    )
    rendered = await runtime.render(
        evaluation_text.build_for, data, settings, language=req.catalog.language, now=now
    )
    await req.context.bot.send_photo(req.chat.id, rendered.chart, caption=rendered.caption)
    for message in rendered.messages:
        await req.reply(message)
