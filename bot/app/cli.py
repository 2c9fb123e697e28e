"""The ``ceasefire`` command line: run, db upgrade, check-config, demo.

Configuration problems print one line to stderr and exit with status 2; heavy imports
(python-telegram-bot, SQLAlchemy) happen inside the subcommands so ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from bot.runtime.settings import ConfigError, Settings, load_settings


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
    inc.add_argument("file", help="CSV file")
    exp = sub.add_parser("export", help="write an export file (as /exportar)")
    exp.add_argument("kind", choices=["items", "incidents", "updates", "panel"])
    exp.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    exp.add_argument("--output", help="file to write (default: alto-al-fuego-KIND.FORMAT)")
    backup = sub.add_parser("backup", help="write a consistent snapshot of the database")
    backup.add_argument("--output", default="ceasefire-backup.db", help="file to write")
    rem = sub.add_parser("reminders", help="reminder tools")
    rem_sub = rem.add_subparsers(dest="reminders_command", required=True)
    prev = rem_sub.add_parser("preview", help="print what the sweep would send, sending nothing")
    prev.add_argument("--at", help="local date and time, e.g. '2026-12-03 18:00' (default: now)")
    demo = sub.add_parser("demo", help="play a scripted session offline and print it")
    demo.add_argument("--database", help="SQLite file for the demo (default: a fresh temp file)")
    demo.add_argument("--language", choices=["es", "en"], help="override [locale] language")
    demo.add_argument("--output", default="demo-output", help="folder for the report's files")
    return parser


def _upgrade(settings: Settings) -> None:
    from storage.engine import make_engine, upgrade

    engine = make_engine(settings.database.url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()


def _run(settings: Settings) -> None:
    from bot.app.application import build_application

    settings.require_token()
    _upgrade(settings)
    import asyncio

    from bot.app.runner import serve

    application = build_application(settings)
    asyncio.run(serve(application))


def _check_config(settings: Settings) -> None:
    from sqlalchemy import text

    from storage.engine import make_engine

    settings.require_token()
    engine = make_engine(settings.database.url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # any driver error: report it in one line
        raise ConfigError(f"database.url: cannot connect ({type(exc).__name__})") from exc
    finally:
        engine.dispose()
    print(
        f"OK: language={settings.locale.language} timezone={settings.locale.timezone} "
        f"database={settings.database.url.split('://', 1)[0]} "
        f"coordinators={len(settings.access.coordinators)}"
    )


def _preview(settings: Settings, at_text: str | None) -> None:
    from datetime import UTC, datetime

    from bot.reminders.preview import preview

    if at_text is None:
        at = datetime.now(UTC)
    else:
        try:
            at = datetime.fromisoformat(at_text)
        except ValueError as exc:
            raise ConfigError(f"--at: not a date and time: {at_text!r}") from exc
        if at.tzinfo is None:
            at = at.replace(tzinfo=settings.locale.zone)
    _upgrade(settings)
    lines, problems = preview(settings, at)
    local = at.astimezone(settings.locale.zone)
    print(f"At {local:%Y-%m-%d %H:%M %Z} the sweep would send {len(lines)} notification(s):")
    for line in [*lines, *problems]:
        print(line)


def _import(settings: Settings, file: str) -> int:
    from datetime import UTC, datetime
    from pathlib import Path

    from bot.reports.importer import import_file
    from storage.engine import Database

    path = Path(file)
    if not path.is_file():
        raise ConfigError(f"import: no such file: {path}")
    _upgrade(settings)
    database = Database(settings.database.url)
    try:
        report = database.call(import_file, path, settings.locale.zone, datetime.now(UTC))
    finally:
        database.close()
    for line in report.errors:
        print(f"error  {line}", file=sys.stderr)
    for line in report.skipped:
        print(f"skip   {line}")
    if not report.ok:
        print(f"ceasefire: {len(report.errors)} error(s); nothing was imported", file=sys.stderr)
        return 1
    print(
        f"{report.imported} incident(s) imported, {report.duplicates} already there, "
        f"{len(report.skipped)} skipped, from {report.rows} row(s)"
    )
    return 0


def _backup(settings: Settings, output: str) -> None:
    """SQLite: the online backup API (consistent while the bot runs). PostgreSQL: pg_dump."""
    import sqlite3

    from sqlalchemy.engine import make_url

    url = make_url(settings.database.url)
    if not url.drivername.startswith("sqlite"):
        print(
            "PostgreSQL: use pg_dump, which takes a consistent snapshot while the bot runs:\n"
            f"  pg_dump -Fc -h {url.host or 'localhost'} -p {url.port or 5432} "
            f"-U {url.username or 'USER'} -f ceasefire.dump {url.database}\n"
            "Restore with: pg_restore -d DATABASE ceasefire.dump"
        )
        return
    source = sqlite3.connect(url.database or "")
    target = sqlite3.connect(output)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    print(f"backup written to {output}")


def _export(settings: Settings, kind: str, fmt: str, output: str | None) -> None:
    from datetime import UTC, datetime
    from pathlib import Path

    from bot.reports import exports
    from storage.engine import Database

    _upgrade(settings)
    database = Database(settings.database.url)
    try:
        frame = database.call(exports.build, kind, settings, datetime.now(UTC))
    finally:
        database.close()
    path = Path(output or f"alto-al-fuego-{kind}.{fmt}")
    path.write_bytes(exports.encode(frame, fmt))
    print(f"{len(frame)} row(s) written to {path}")


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
    try:
        if args.command == "demo":
            from bot.app.demo.play import run_demo

            overrides = {"locale": {"language": args.language}} if args.language else {}
            settings = load_settings(args.config, **overrides)
            return run_demo(settings, args.database, args.output)
        settings = load_settings(args.config)
        if args.command == "run":
            from bot.app.logs import configure

            configure(settings.logging.level, settings.logging.format)
            _run(settings)
        elif args.command == "db":
            _upgrade(settings)
            print("database is up to date")
        elif args.command == "check-config":
            _check_config(settings)
        elif args.command == "reminders":
            _preview(settings, args.at)
        elif args.command == "backup":
            _backup(settings, args.output)
        elif args.command == "import":
            return _import(settings, args.file)
        elif args.command == "export":
            _export(settings, args.kind, args.format, args.output)
    except ConfigError as exc:
        print(f"ceasefire: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
