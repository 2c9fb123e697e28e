"""Settings loading and validation, and the ``ceasefire`` command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from bot.app.cli import main
from bot.runtime.settings import ConfigError, load_settings

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_defaults_without_file() -> None:
    settings = load_settings("config.toml")  # the default name may be absent
    assert settings.database.url == "sqlite:///ceasefire.db"
    assert settings.locale.language == "es"
    assert settings.locale.timezone == "America/Mexico_City"
    assert settings.telegram.api_base_url == "https://api.telegram.org"
    assert not settings.telegram.has_token


def test_example_config_is_valid_and_documents_every_key() -> None:
    example = Path(__file__).parents[2] / "config.example.toml"
    settings = load_settings(example)
    text = example.read_text(encoding="utf-8")
    for section, model in settings:
        for key in type(model).model_fields:
            assert f"{key} =" in text, f"config.example.toml does not document {section}.{key}"


def test_file_and_env_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(
        tmp_path,
        '[telegram]\ntoken = "111:placeholder-is-not-valid-but-long-enough-x"\n'
        '[locale]\nlanguage = "en"\n[access]\ncoordinators = [1, 2]\n',
    )
    monkeypatch.setenv("CEASEFIRE_TELEGRAM__TOKEN", TOKEN)
    monkeypatch.setenv("CEASEFIRE_LOCALE__TIMEZONE", "America/Monterrey")
    settings = load_settings(path)
    assert settings.telegram.token.get_secret_value() == TOKEN
    assert settings.locale.language == "en"  # from the file, env did not touch it
    assert settings.locale.timezone == "America/Monterrey"
    assert settings.access.coordinators == [1, 2]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[locale]\ntimezone = "Mars/Olympus"', "locale.timezone: unknown timezone"),
        ('[telegram]\napi_base_url = "ftp//x"', "telegram.api_base_url: not an http(s) URL"),
        ('[telegram]\ntoken = "abc"', "telegram.token: does not look like a BotFather token"),
        ('[database]\nurl = "mysql://x"', "database.url: expected sqlite"),
        ('[locale]\nlanguage = "fr"', "locale.language"),
        ("[telegram]\ntokn = 1", "telegram.tokn: Extra inputs are not permitted"),
        ("[telegram\n", "not valid TOML"),
    ],
)
def test_bad_config_is_one_line(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(write(tmp_path, body))
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_cli_reports_config_errors_in_one_line(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, '[locale]\ntimezone = "Nowhere/City"\n')
    assert main(["--config", str(path), "check-config"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown timezone 'Nowhere/City'" in err
    assert main(["--config", str(tmp_path / "missing.toml"), "run"]) == 2
    assert "config file not found" in capsys.readouterr().err


def test_cli_refuses_to_run_without_token(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, '[telegram]\ntoken = "changeme"\n')
    assert main(["--config", str(path), "run"]) == 2
    err = capsys.readouterr().err
    assert "telegram.token is missing or a placeholder" in err and err.count("\n") == 1


def test_cli_check_config_ok(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("CEASEFIRE_TELEGRAM__TOKEN", TOKEN)
    path = write(tmp_path, f'[database]\nurl = "sqlite:///{tmp_path / "x.db"}"\n')
    assert main(["--config", str(path), "check-config"]) == 0
    out = capsys.readouterr().out
    assert "OK: language=es timezone=America/Mexico_City" in out
    assert TOKEN not in out


def test_cli_db_upgrade_is_idempotent(tmp_path: Path) -> None:
    db = tmp_path / "up.db"
    path = write(tmp_path, f'[database]\nurl = "sqlite:///{db}"\n')
    assert main(["--config", str(path), "db", "upgrade"]) == 0
    assert main(["--config", str(path), "db", "upgrade"]) == 0
    tables = set(inspect(create_engine(f"sqlite:///{db}")).get_table_names())
    assert {
        "agency",
        "member",
        "action_item",
        "status_update",
        "invite_code",
        "audit_log",
        "coordination_group",
        "alembic_version",
    } <= tables


@pytest.mark.parametrize(
    ("language", "expected", "framing"),
    [
        ("es", "Acción registrada", ("0 errores", "6979 agresiones con arma de fuego reales")),
        ("en", "Action item recorded", ("0 errors", "6979 real firearm shootings")),
    ],
)
def test_demo_plays_the_whole_session(
    capsys, tmp_path: Path, language: str, expected: str, framing: tuple[str, str]
) -> None:
    output = tmp_path / "demo-output"
    assert (
        main(["--config", "config.toml", "demo", "--language", language, "--output", str(output)])
        == 0
    )
    out = capsys.readouterr().out
    assert out.count(expected) == 3
    assert all(line in out for line in framing)  # the demo's own lines in its language
    pngs = sorted(p.name for p in output.glob("*.png"))
    assert pngs == [f"reporte-{n}.png" for n in range(1, 6)]
    panel = (output / "panel.csv").read_text(encoding="utf-8-sig").splitlines()
    assert panel[0].startswith("sector_id,sector,alcaldia,iso_year,iso_week,week_start,covered")
    assert len(panel) > 22_000  # the real history: 72 sectors × 2019–2024, then the bot's year
    assert (output / "panel-codebook.csv").is_file()
    # The real trend and the impact table, as `ceasefire report` and `evaluate` write them.
    long_run = output / "plateros-2019-2024"
    assert {p.name for p in long_run.glob("*.png")} >= {
        "1-shootings.png",
        "evaluation-event-study.png",
    }
    assert "45    19    −58%" in out


def test_demo_replaces_an_existing_database_only_with_force(capsys, tmp_path: Path) -> None:
    old = tmp_path / "old-demo.db"
    old.write_bytes(b"an earlier demo")
    args = ["--config", "config.toml", "demo", "--database", str(old)]
    assert main([*args, "--output", str(tmp_path / "out")]) == 2
    assert "--force" in capsys.readouterr().err and old.read_bytes() == b"an earlier demo"
    assert main([*args, "--force", "--output", str(tmp_path / "out")]) == 0
    assert old.read_bytes().startswith(b"SQLite format 3")


def test_help_is_fast_to_import() -> None:
    """``--help`` must not import the bot stack (python-telegram-bot, SQLAlchemy)."""
    code = (
        "import sys, runpy; sys.argv=['ceasefire','--help']\n"
        "try:\n runpy.run_module('bot.app.cli', run_name='__main__')\n"
        "except SystemExit: pass\n"
        "print('telegram' in sys.modules, 'sqlalchemy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().endswith("False False")


def test_json_logs_are_one_object_per_line() -> None:
    import json
    import logging

    from bot.app.logs import JsonFormatter

    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord(
            "ceasefire.x",
            logging.ERROR,
            __file__,
            1,
            "failed %s",
            ("x",),
            exc_info=__import__("sys").exc_info(),
        )
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert entry["message"] == "failed x" and entry["level"] == "ERROR"
    assert "ValueError: boom" in entry["exception"] and "\n" not in line.replace("\\n", "")


@pytest.mark.parametrize("log_texts", [False, True])
async def test_logs_never_hold_the_token_and_texts_only_when_asked(
    log_texts: bool, capsys, database
) -> None:
    """At DEBUG python-telegram-bot logs the Bot API URL (with the token) and every update."""
    import logging

    from bot.app.application import build_application
    from bot.app.logs import configure
    from fakegram import FakeBotApi, FakeRequest
    from fakegram.driver import ChatDriver

    root = logging.getLogger()
    saved = root.handlers[:], root.level, logging.getLogger("telegram").level
    try:
        configure("DEBUG", "text", token=TOKEN, log_texts=log_texts)
        api = FakeBotApi()
        api.add_user(101, "Coordinación")
        settings = load_settings(
            None, access={"coordinators": [101]}, telegram={"token": TOKEN, "rate_limit": False}
        )
        app = build_application(settings, FakeRequest(api), database=database)
        async with ChatDriver(app, api) as driver:  # the answer repeats what was typed
            await driver.send(101, 101, "/dependencia alta FGJ texto-secreto-del-usuario")
        assert "texto-secreto-del-usuario" in api.sent_texts()[-1]
        logging.getLogger("ceasefire.x").error("url https://api.telegram.org/bot%s/getMe", TOKEN)
    finally:
        root.handlers[:], level, telegram_level = saved
        root.setLevel(level)
        logging.getLogger("telegram").setLevel(telegram_level)
    err = capsys.readouterr().err
    assert TOKEN not in err and TOKEN.split(":")[1] not in err
    assert "bot<token>/getMe" in err
    assert ("texto-secreto-del-usuario" in err) is log_texts


def test_demo_never_replaces_an_existing_database(capsys, tmp_path: Path) -> None:
    """``ceasefire demo --database ceasefire.db`` used to delete the production database."""
    precious = tmp_path / "ceasefire.db"
    precious.write_bytes(b"production data")
    code = main(["--config", "config.toml", "demo", "--database", str(precious)])
    assert code == 2 and "exists" in capsys.readouterr().err
    assert precious.read_bytes() == b"production data"


def test_outputs_that_cannot_be_written_get_one_line_not_a_traceback(
    capsys, tmp_path: Path
) -> None:
    path = write(tmp_path, f'[database]\nurl = "sqlite:///{tmp_path / "o.db"}"\n')
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    cases = [
        ["export", "panel", "--output", str(tmp_path / "no" / "such" / "x.csv")],
        ["export", "panel", "--output", str(a_file / "x.csv")],
        ["report", "--sector", "Plateros", "--output", str(a_file)],
    ]
    for args in cases:
        code = main(["--config", str(path), *args])
        err = capsys.readouterr().err
        assert "Traceback" not in err
        assert code == 1 and err.startswith("ceasefire") and err.count("\n") == 1, (args, err)


def test_export_format_follows_the_output_suffix(capsys, tmp_path: Path) -> None:
    path = write(tmp_path, f'[database]\nurl = "sqlite:///{tmp_path / "o.db"}"\n')
    out = tmp_path / "panel.xlsx"
    assert main(["--config", str(path), "export", "panel", "--output", str(out)]) == 0
    assert out.read_bytes().startswith(b"PK")  # a workbook, not CSV text
    args = ["export", "panel", "--format", "csv", "--output", str(out)]
    assert main(["--config", str(path), *args]) == 2
    assert "does not end in .csv" in capsys.readouterr().err
