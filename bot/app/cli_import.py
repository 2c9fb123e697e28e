"""``ceasefire import incidents [FILE] [--sample cdmx] [--source] [--from] [--to] [--dry-run]``.

What an operator sees: on success one summary line (and the coverage recorded); on a bad
file one line per problem (``line N, column C: value 'V': reason``, the first
``SHOWN_ERRORS`` and a count of the rest), then "nothing was imported" and exit status 1.
Never a traceback: a database refusal is one line naming the error's type, since the
driver's message may quote the rows' values. ``--dry-run`` runs the whole import inside a
transaction that is rolled back, so its counts (already there, possible duplicates) are the
real ones and nothing is kept. A progress bar (``rich``) is drawn on a terminal for files
over ``PROGRESS_ROWS`` lines; logs and pipes get none.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections import Counter
from contextlib import ExitStack
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from bot.input.incident_file import sample_file
from bot.input.sector_catalogue import closest
from bot.runtime.settings import ConfigError, Settings

SOURCE_NAME = re.compile(r"[a-z0-9_-]{1,40}", re.ASCII)
SHOWN_ERRORS, SHOWN_SKIPS = 50, 20
PROGRESS_ROWS = 5000


def _source(text: str | None) -> str | None:
    if text is None:
        return None
    if not SOURCE_NAME.fullmatch(text) or text == "bot":
        raise ConfigError(
            f"--source: {text!r} is not a source name (1–40 of a-z 0-9 _ -; 'bot' is the chat's)"
        )
    return text


def _day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"{option}: not a date YYYY-MM-DD: {text!r}") from None


def _path(args: argparse.Namespace, stack: ExitStack) -> Path:
    if (args.file is None) == (args.sample is None):
        raise ConfigError("import incidents: give a FILE or --sample cdmx (one of them)")
    if args.sample is not None:
        return stack.enter_context(sample_file(args.sample))
    path = Path(args.file)
    if not path.is_file():
        raise ConfigError(f"import: no such file: {path}")
    return path


class _Bar:
    """A ``rich`` progress bar on stderr, started on the first report of a big file."""

    def __init__(self, stack: ExitStack) -> None:
        self.stack = stack
        self.bar: Any = None
        self.tasks: dict[str, Any] = {}

    def __call__(self, phase: str, done: int, total: int) -> None:
        if total < PROGRESS_ROWS or not sys.stderr.isatty():
            return
        if self.bar is None:
            from rich.console import Console
            from rich.progress import Progress

            self.bar = self.stack.enter_context(Progress(console=Console(stderr=True)))
        if phase not in self.tasks:
            self.tasks[phase] = self.bar.add_task(phase, total=total)
        self.bar.update(self.tasks[phase], completed=done)


def _print_problems(report: Any) -> None:
    for line in report.errors[:SHOWN_ERRORS]:
        print(f"error  {line}", file=sys.stderr)
    if report.error_count > SHOWN_ERRORS:
        print(f"error  … and {report.error_count - SHOWN_ERRORS} more", file=sys.stderr)
    print(f"ceasefire: {report.error_count} error(s); nothing was imported", file=sys.stderr)


def _print_table(counts: Counter[tuple[str, int]]) -> None:
    years = sorted({year for _, year in counts})
    classes = sorted({name for name, _ in counts})
    print("classification     " + "".join(f"{y:>7}" for y in years) + "  total")
    for name in classes:
        cells = "".join(f"{counts[(name, y)]:>7}" for y in years)
        print(f"{name:<19}{cells}{sum(counts[(name, y)] for y in years):>7}")


def _print_summary(report: Any, result: Any, *, dry_run: bool) -> None:
    for line in report.skipped[:SHOWN_SKIPS]:
        print(f"skip   {line}")
    if len(report.skipped) > SHOWN_SKIPS:
        print(f"skip   … and {len(report.skipped) - SHOWN_SKIPS} more")
    for name in report.new_sectors[:SHOWN_SKIPS]:
        near = closest(name)
        hint = f" (did you mean {', '.join(near)}?)" if near else ""
        print(f"note   sector {name!r} is not in the CDMX sector catalogue: kept as written{hint}")
    verb = "would be imported" if dry_run else "imported"
    print(
        f"{report.imported} incident(s) {verb}, {report.duplicates} already there, "
        f"{len(report.skipped)} skipped, from {report.rows} row(s); source {report.source}, "
        f"{'FGJ' if report.layout == 'fgj' else 'project'} layout"
    )
    if report.flagged:
        print(
            f"{report.flagged} flagged as possible duplicates of another source's records "
            "(not counted until a coordinator judges them)"
        )
    spans = Counter((first, last, sector_id is None) for sector_id, first, last in result.coverage)
    for (first, last, everywhere), sectors in sorted(spans.items()):
        where = "every sector" if everywhere else f"{sectors} sector(s) of the file"
        print(f"coverage of {report.source}: {first} to {last}, {where}")
    if dry_run:
        _print_table(report.counts)
        print("dry run: nothing was written")


def _check_period(first: date | None, last: date | None, settings: Settings) -> None:
    """A period that claims days not yet lived would make their weeks "covered" with true
    zeros: the very zeros that mean "no data" the coverage exists to avoid."""
    today = datetime.now(settings.locale.zone).date()
    if last is not None and last > today:
        raise ConfigError(f"--to {last} is in the future: a file cannot cover days to come")
    if first is not None and first > today:
        raise ConfigError(f"--from {first} is in the future")
    if first is not None and last is not None and first > last:
        raise ConfigError(f"--from {first} is after --to {last}")


def _scratch_if_new(settings: Settings, stack: ExitStack) -> Settings:
    """A dry run against a SQLite file that does not exist yet runs on a scratch copy of
    the schema in a temporary folder: "nothing was written" stays true, no file appears."""
    from storage.engine import url_parts

    url = settings.database.url
    if not url.startswith("sqlite") or Path(url_parts(url)["database"] or "").exists():
        return settings
    folder = stack.enter_context(tempfile.TemporaryDirectory())
    scratch = settings.model_copy(deep=True)
    scratch.database.url = f"sqlite:///{Path(folder) / 'dry-run.db'}"
    return scratch


def import_incidents(settings: Settings, args: argparse.Namespace) -> int:
    """The command; 0 imported (or checked, with --dry-run), 1 a bad file, 2 bad options."""
    from bot.services.importing import ImportRequest, import_file
    from storage.engine import Database, migrate

    with ExitStack() as stack:
        request = ImportRequest(
            _path(args, stack),
            source=_source(args.source),
            first_day=_day(args.date_from, "--from"),
            last_day=_day(args.date_to, "--to"),
        )
        _check_period(request.first_day, request.last_day, settings)
        if args.dry_run:
            settings = _scratch_if_new(settings, stack)
        migrate(settings.database.url)
        database = Database(settings.database.url)
        stack.callback(database.close)
        run = database.dry_run if args.dry_run else database.call
        try:
            with ExitStack() as bar_stack:
                report, result = run(
                    import_file,
                    request,
                    zone=settings.locale.zone,
                    now=datetime.now(UTC),
                    progress=_Bar(bar_stack),
                )
        except Exception as exc:  # the driver's text may quote row values: name the type only
            print(
                f"ceasefire: the database refused the import ({type(exc).__name__}); "
                "nothing was imported",
                file=sys.stderr,
            )
            return 1
        if result is None:
            _print_problems(report)
            return 1
        _print_summary(report, result, dry_run=args.dry_run)
    return 0
