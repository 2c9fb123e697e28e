"""The ``ceasefire`` command line: run, db upgrade, check-config, import, export, backup,
reminders preview, demo.

Configuration problems print one line to stderr and exit with status 2. Each subcommand
imports what it needs inside its function: ``ceasefire --help`` must not load
python-telegram-bot, SQLAlchemy or pandas (a fraction of a second instead of two).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from bot.runtime.settings import ConfigError, Settings, load_settings

EXPORT_KINDS = ["items", "incidents", "updates", "panel"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ceasefire", description="Alto al Fuego coordination bot for Telegram."
    )
    parser.add_argument("--config", default="config.toml", help="TOML settings file")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="apply migrations and run the bot (long polling)")
    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply schema migrations")
    sub.add_parser("check-config", help="validate the configuration and exit")
    imp = sub.add_parser("import", help="load data from a file")
    imp_sub = imp.add_subparsers(dest="import_command", required=True)
    inc = imp_sub.add_parser("incidents", help="past incidents from a CSV (FGJ or own layout)")
    inc.add_argument("file", nargs="?", help="CSV file (UTF-8, UTF-8 with BOM or Windows-1252)")
    inc.add_argument("--sample", choices=["cdmx"], help="the shipped real file instead of FILE")
    inc.add_argument("--source", help="the source's name (default: fgj for the FGJ layout)")
    inc.add_argument("--from", dest="date_from", help="first day the file covers (YYYY-MM-DD)")
    inc.add_argument("--to", dest="date_to", help="last day the file covers (YYYY-MM-DD)")
    inc.add_argument("--dry-run", action="store_true", help="check and count, store nothing")
    exp = sub.add_parser("export", help="write an export file (as /exportar)")
    exp.add_argument("kind", choices=EXPORT_KINDS)
    exp.add_argument("--format", choices=["csv", "xlsx"], help="default: --output's suffix, or csv")
    exp.add_argument("--output", help="file to write (default: alto-al-fuego-KIND.FORMAT)")
    rep = sub.add_parser("report", help="draw the weekly report from the database (as /reporte)")
    rep.add_argument("--sector", required=True, help="sector name(s), comma-separated")
    rep.add_argument("--comparison", help="comparison sector(s), comma-separated")
    rep.add_argument("--week", help="ISO week to report, e.g. 2024-W52 (default: last week)")
    rep.add_argument("--since", help="first day of the trend, e.g. 2019-01-01")
    rep.add_argument("--output", default="report-output", help="folder for PNGs and summary")
    rep.add_argument("--language", choices=["es", "en"], help="override [locale] language")
    rep.add_argument("--format", choices=["md", "txt"], default="md", help="summary format")
    ev = sub.add_parser("evaluate", help="the impact table: before/after and Poisson DiD")
    ev.add_argument("--treated", required=True, help="treated sector(s), comma-separated")
    ev.add_argument("--comparison", help="comparison sector(s) (default: [sectors] comparison)")
    ev.add_argument("--baseline", type=int, default=2019, help="baseline year")
    ev.add_argument("--follow-up", dest="follow_up", type=int, default=2023, help="follow-up year")
    ev.add_argument("--output", help="folder for the event-study chart and the table")
    ev.add_argument("--language", choices=["es", "en"], help="override [locale] language")
    backup = sub.add_parser("backup", help="write a consistent snapshot of the database")
    backup.add_argument("--output", default="ceasefire-backup.db", help="file to write")
    rem = sub.add_parser("reminders", help="reminder tools")
    rem_sub = rem.add_subparsers(dest="reminders_command", required=True)
    prev = rem_sub.add_parser("preview", help="print what the sweep would send, sending nothing")
    prev.add_argument("--at", help="local date and time, e.g. '2026-12-03 18:00' (default: now)")
    demo = sub.add_parser("demo", help="play a scripted session offline and print it")
    demo.add_argument("--database", help="SQLite file for the demo (default: a fresh temp file)")
    demo.add_argument("--force", action="store_true", help="overwrite an existing --database")
    demo.add_argument("--language", choices=["es", "en"], help="override [locale] language")
    demo.add_argument("--output", default="demo-output", help="folder for the report's files")
    return parser


def _upgrade(settings: Settings) -> None:
    from storage.engine import migrate

    migrate(settings.database.url)


def _run(settings: Settings, _args: argparse.Namespace) -> int:
    import asyncio

    from bot.app.application import build_application
    from bot.app.logs import configure
    from bot.app.runner import serve

    configure(
        settings.logging.level,
        settings.logging.format,
        token=settings.telegram.token.get_secret_value(),
        log_texts=settings.logging.log_texts,
    )
    settings.require_token()
    _upgrade(settings)
    asyncio.run(serve(build_application(settings)))
    return 0


def _db(settings: Settings, _args: argparse.Namespace) -> int:
    _upgrade(settings)
    print("database is up to date")
    return 0


def _check_config(settings: Settings, _args: argparse.Namespace) -> int:
    from storage.engine import check_connection

    settings.require_token()
    try:
        check_connection(settings.database.url)
    except Exception as exc:  # any driver error: report it in one line
        raise ConfigError(f"database.url: cannot connect ({type(exc).__name__})") from exc
    print(
        f"OK: language={settings.locale.language} timezone={settings.locale.timezone} "
        f"database={settings.database.url.split('://', 1)[0]} "
        f"coordinators={len(settings.access.coordinators)}"
    )
    return 0


def _preview(settings: Settings, args: argparse.Namespace) -> int:
    from bot.reminders.preview import preview

    at = datetime.now(UTC)
    if args.at is not None:
        try:
            at = datetime.fromisoformat(args.at)
        except ValueError as exc:
            raise ConfigError(f"--at: not a date and time: {args.at!r}") from exc
        if at.tzinfo is None:
            at = at.replace(tzinfo=settings.locale.zone)
    _upgrade(settings)
    lines, problems = preview(settings, at)
    local = at.astimezone(settings.locale.zone)
    print(f"At {local:%Y-%m-%d %H:%M %Z} the sweep would send {len(lines)} notification(s):")
    for line in [*lines, *problems]:
        print(line)
    return 0


def _import(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app.cli_import import import_incidents

    return import_incidents(settings, args)


def _report(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app.cli_report import report

    return report(settings, args)


def _evaluate(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app.cli_evaluate import evaluate

    return evaluate(settings, args)


def _backup(settings: Settings, args: argparse.Namespace) -> int:
    """SQLite: the online backup API (consistent while the bot runs). PostgreSQL: pg_dump."""
    from storage.engine import sqlite_backup, url_parts

    if sqlite_backup(settings.database.url, args.output):
        print(f"backup written to {args.output}")
        return 0
    url = url_parts(settings.database.url)
    print(
        "PostgreSQL: use pg_dump, which takes a consistent snapshot while the bot runs:\n"
        f"  pg_dump -Fc -h {url['host'] or 'localhost'} -p {url['port'] or 5432} "
        f"-U {url['user'] or 'USER'} -f ceasefire.dump {url['database']}\n"
        "Restore with: pg_restore -d DATABASE ceasefire.dump"
    )
    return 0


def _export_format(args: argparse.Namespace) -> str:
    """``--format``, else the suffix of ``--output`` (``p.xlsx`` is a workbook), else CSV; a
    suffix that contradicts ``--format`` is refused (a CSV named .xlsx opens nowhere)."""
    suffix = Path(args.output).suffix.lower().lstrip(".") if args.output else ""
    if args.format and suffix in ("csv", "xlsx") and suffix != args.format:
        raise ConfigError(f"--output {args.output} does not end in .{args.format}")
    return args.format or (suffix if suffix in ("csv", "xlsx") else "csv")


def _export(settings: Settings, args: argparse.Namespace) -> int:
    from bot.reports import exports
    from storage.engine import Database

    _upgrade(settings)
    database = Database(settings.database.url)
    try:
        frame = database.call(exports.build, args.kind, settings=settings, now=datetime.now(UTC))
    finally:
        database.close()
    fmt = _export_format(args)
    path = Path(args.output or f"alto-al-fuego-{args.kind}.{fmt}")
    files = exports.documents(
        frame, args.kind, fmt, settings=settings, stem=str(path.with_suffix(""))
    )
    (_, table), *others = files  # the table goes where asked; a codebook beside it
    path.write_bytes(table)
    print(f"{len(frame)} row(s) written to {path}")
    for name, content in others:
        Path(name).write_bytes(content)
        print(f"codebook written to {name}")
    return 0


def _demo(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app.demo.play import run_demo

    return run_demo(settings, args.database, args.output, force=args.force)


COMMANDS: dict[str, Callable[[Settings, argparse.Namespace], int]] = {
    "run": _run,
    "db": _db,
    "check-config": _check_config,
    "reminders": _preview,
    "backup": _backup,
    "import": _import,
    "export": _export,
    "report": _report,
    "evaluate": _evaluate,
    "demo": _demo,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # The demo prints a conversation: only warnings may interrupt it.
    logging.basicConfig(
        level=logging.WARNING if args.command == "demo" else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if args.command != "db":  # migrations are news only when asked for
        logging.getLogger("alembic").setLevel(logging.WARNING)
    overrides = {}
    if args.command in ("demo", "report", "evaluate") and args.language:
        overrides = {"locale": {"language": args.language}}
    try:
        return COMMANDS[args.command](load_settings(args.config, **overrides), args)
    except ConfigError as exc:
        print(f"ceasefire: {exc}", file=sys.stderr)
        return 2
    except (FileExistsError, NotADirectoryError, IsADirectoryError, PermissionError) as exc:
        # An --output that cannot be written (a file where a folder is wanted, no rights).
        print(f"ceasefire: cannot write {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 1
    except FileNotFoundError as exc:
        print(f"ceasefire: no such folder for {exc.filename}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
