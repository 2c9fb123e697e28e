"""``ceasefire report``: the weekly report drawn from the database, without Telegram.

The same charts and summary ``/reporte`` posts (``bot.reports.weekly``), for sectors named on
the command line, written to a folder as PNG files and a Markdown or text summary. Sector
names match accent- and case-insensitively; an unknown name gets one line with the closest
known names and exit status 1. Without ``--week`` the report is of the last complete week,
or, when the data of those sectors end earlier (an imported history), of the last week they
cover, and it says so.

Operator-facing lines (errors, what was written) are plain English, like the rest of the
CLI; the charts and the summary come from the catalog in the chosen language.
"""

from __future__ import annotations

import argparse
import difflib
import html
import re
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd

from bot.runtime.settings import Settings
from bot.views.i18n import Catalog, plain
from domain.errors import InvalidInput
from storage.engine import Database, Session, migrate
from storage.groups import sector_key

CHART_FILES = ("1-shootings", "2-statuses", "3-on-time", "4-ageing", "5-compliance")


class _Refused(Exception):
    """A problem with the arguments, worded for one line on stderr."""


def _catalogue(session: Session, zone: object) -> tuple[pd.DataFrame, pd.DataFrame]:
    from storage import report_data

    return report_data.sectors_frame(session), report_data.coverage_frame(session, zone)


def _names(text: str | None, known: list[str], flag: str) -> list[str]:
    """``A,B`` → the known sectors so named (accents and case aside), or refuse."""
    by_key = {sector_key(name): name for name in known}
    wanted = [part.strip() for part in (text or "").split(",") if part.strip()]
    missing = [w for w in wanted if sector_key(w) not in by_key]
    if missing:
        word = missing[0]
        close = difflib.get_close_matches(sector_key(word), list(by_key), n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(by_key[c] for c in close)}?" if close else ""
        raise _Refused(f"{flag}: no sector named {word!r}{hint} ({len(known)} sectors known)")
    return list(dict.fromkeys(by_key[sector_key(w)] for w in wanted))


def _sectors(
    args: argparse.Namespace, sectors: pd.DataFrame, settings: Settings
) -> tuple[list[str], list[str]]:
    """The sectors and the comparison: ``--comparison``, else ``[sectors] comparison``, else
    the rest of the alcaldía, as ``ceasefire evaluate`` compares; never the same sector."""
    from bot.reports.evaluation import alcaldia_peers

    known = list(sectors["sector"])
    chosen = _names(args.sector, known, "--sector")
    if not chosen:
        raise _Refused("--sector: give at least one sector, e.g. --sector Plateros")
    if args.comparison:
        comparison = _names(args.comparison, known, "--comparison")
    else:
        keys = {sector_key(s): s for s in known}
        configured = [
            keys[sector_key(c)] for c in settings.sectors.comparison if sector_key(c) in keys
        ]
        comparison = configured or alcaldia_peers(sectors, chosen, settings=settings)
    both = [c for c in comparison if c in chosen]
    if args.comparison and both:
        raise _Refused(f"--comparison: {both[0]} is also in --sector")
    return chosen, [c for c in comparison if c not in chosen]


def _clipped_since(since: date | None, end: datetime, coverage: pd.DataFrame) -> date | None:
    """``--since`` within the data: after the week reported it is refused; before the first
    covered day it starts there (nineteen years of "sin datos" help no one), and says so."""
    if since is None:
        return None
    if since >= end.date():
        raise _Refused(f"--since {since} is not before the week reported (ends {end.date()})")
    first = coverage["first_day"].min() if not coverage.empty else None
    if first is not None and since < first.date():
        print(f"note: the data start on {first.date()}; the trend starts there, not on {since}")
        return first.date()
    return since


def last_covered_end(
    coverage: pd.DataFrame, sector_ids: list[int], week_end: datetime, *, today: date
) -> tuple[datetime, date | None]:
    """``week_end``, or the Monday after the last full week the sectors' data cover if they
    end before it (every sector must be covered: the report compares them); and the last
    day covered when it moved."""
    last_days = []
    for sector_id in sector_ids:
        rows = coverage[coverage["sector_id"].isna() | (coverage["sector_id"] == sector_id)]
        if rows.empty:
            return week_end, None
        last_days.append(rows["last_day"].fillna(pd.Timestamp(today)).max().date())
    if not last_days:
        return week_end, None
    last = min(last_days)
    if last >= (week_end - timedelta(days=1)).date():
        return week_end, None
    sunday = last - timedelta(days=(last.weekday() + 1) % 7)
    monday = datetime.combine(sunday + timedelta(days=1), datetime.min.time(), week_end.tzinfo)
    return monday, last


def _week_end(args: argparse.Namespace, settings: Settings, now: datetime) -> datetime | None:
    """The end of the week asked for, or None (the default, decided from the coverage)."""
    from bot.input.dates import week_end

    if not args.week:
        return None
    try:
        end = week_end(args.week, now, settings.locale.zone)
    except InvalidInput as exc:
        raise _Refused(f"--week: not an ISO week: {args.week!r} (e.g. 2024-W52)") from exc
    if end > now:
        raise _Refused(f"--week: {args.week} has not ended yet")
    return end


def _since(args: argparse.Namespace) -> date | None:
    if not args.since:
        return None
    try:
        return date.fromisoformat(args.since)
    except ValueError as exc:
        raise _Refused(f"--since: not a date: {args.since!r} (e.g. 2019-01-01)") from exc


def summary_text(summary: str, fmt: str) -> str:
    """The Telegram-HTML summary as Markdown (bold kept) or plain text."""
    if fmt == "txt":
        return plain(summary) + "\n"
    bold = re.sub(r"</?b>", "**", summary)
    return html.unescape(re.sub(r"<[^>]+>", "", bold)).replace("\n", "  \n") + "\n"


def _write(out: Path, built: object, fmt: str) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, (png, _caption) in zip(CHART_FILES, built.charts, strict=True):  # type: ignore[attr-defined]
        path = out / f"{name}.png"
        path.write_bytes(png)
        paths.append(path)
    text = summary_text(built.summary, fmt)  # type: ignore[attr-defined]
    if fmt == "md":
        text += (
            "\n"
            + "\n".join(
                f"![{caption}]({path.name})"
                for path, (_png, caption) in zip(paths, built.charts, strict=True)  # type: ignore[attr-defined]
            )
            + "\n"
        )
    summary = out / f"summary.{fmt}"
    summary.write_text(text, encoding="utf-8")
    return [*paths, summary]


def report(settings: Settings, args: argparse.Namespace) -> int:
    """Draw and write the report; 0, or 1 with one line on stderr for each refusal."""
    from bot.reports.weekly import build, load_sectors, week_end_of

    zone, now = settings.locale.zone, datetime.now(UTC)
    migrate(settings.database.url)
    database = Database(settings.database.url)
    try:
        sectors_frame, coverage = database.call(_catalogue, zone)
        sectors, comparison = _sectors(args, sectors_frame, settings)
        since, end = _since(args), _week_end(args, settings, now)
        if end is None:
            ids = dict(zip(sectors_frame["sector"], sectors_frame["sector_id"], strict=True))
            default = week_end_of(now, settings)
            end, last = last_covered_end(
                coverage, [int(ids[s]) for s in sectors], default, today=now.astimezone(zone).date()
            )
            if last is not None:
                week = (end - timedelta(days=1)).isocalendar()
                print(
                    f"note: the data for {', '.join(sectors)} end on {last}; reporting "
                    f"{week.year}-W{week.week:02d}, the last full week they cover "
                    "(--week chooses another)"
                )
        since = _clipped_since(since, end, coverage)
        data = database.call(
            load_sectors, sectors, comparison, settings=settings, week_end=end, since=since
        )
    except _Refused as exc:
        print(f"ceasefire report: {exc}", file=sys.stderr)
        return 1
    finally:
        database.close()
    catalog = Catalog(settings.locale.language, zone)
    built = build(data, settings, catalog, week_end=end, now=now)
    written = _write(Path(args.output), built, args.format)
    print(f"{len(written) - 1} chart(s) and the summary written to {Path(args.output)}/")
    return 0
