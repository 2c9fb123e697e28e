"""Pure rules: due-date parsing, catalog completeness, rendering limits."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.input.dates import parse_due, split_due
from bot.views.i18n import Catalog, Safe, load_messages, load_plurals
from bot.views.items import item_card, item_list_page
from domain.errors import InvalidInput
from domain.terms import Status
from fakegram.spec import parse_html, utf16_len
from storage.actions import ItemView
from tests.input.due_dates import LATE_SUNDAY, ZONE, due_of


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("hoy", "2026-11-29"),
        ("mañana", "2026-11-30"),
        ("pasado mañana", "2026-12-01"),
        ("lunes", "2026-11-30"),
        ("el viernes", "2026-12-04"),
        ("próximo viernes", "2026-12-04"),
        ("04/12", "2026-12-04"),
        ("4/12/2026", "2026-12-04"),
        ("2026-12-04", "2026-12-04"),
        ("en 3 días", "2026-12-02"),
        ("3d", "2026-12-02"),
        ("tomorrow", "2026-11-30"),
        ("friday", "2026-12-04"),
        ("01/01", "2027-01-01"),
    ],
)
def test_due_dates_are_local_days(text: str, day: str) -> None:
    due = parse_due(text, LATE_SUNDAY, ZONE, due_hour=18)
    assert due.date().isoformat() == day
    assert (due.hour, due.tzinfo) == (18, ZONE)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("ayer", "error.date_past"),
        ("28/11", "error.date_far"),
        ("xyz", "error.date_unparsed"),
        ("31/02", "error.date_unparsed"),
        ("", "error.date_unparsed"),
        ("2027-12-31", "error.date_far"),
    ],
)
def test_bad_due_dates(text: str, key: str) -> None:
    # "28/11" is read as the next 28 November (future preference), a year away: refused.
    with pytest.raises(InvalidInput) as info:
        parse_due(text, LATE_SUNDAY, ZONE, max_days=300)
    assert info.value.key == key


def test_split_due_takes_multiword_dates() -> None:
    assert split_due(["en", "3", "días", "Patrullaje", "en", "la", "zona"]) == (
        "en 3 días",
        ["Patrullaje", "en", "la", "zona"],
    )
    assert split_due(['"en', "3", 'días"', "X"]) == ("en 3 días", ["X"])
    assert split_due(["viernes", "Reunión"]) == ("viernes", ["Reunión"])
    assert split_due(["Patrullaje", "nocturno"]) == (None, ["Patrullaje", "nocturno"])


@pytest.mark.parametrize(
    ("words", "due", "text"),
    [
        ("2026-12-04 3 días de jornada", "2026-12-04 18:00", "3 días de jornada"),
        ("mañana 2 patrullas en la zona", "2026-11-30 18:00", "2 patrullas en la zona"),
        ("04/12 3 visitas", "2026-12-04 18:00", "3 visitas"),
        ("4-12-2026 10 volantes", "2026-12-04 18:00", "10 volantes"),
        ("el 4 de diciembre 5 visitas", "2026-12-04 18:00", "5 visitas"),
        ("4 dic 2026 Reunión", "2026-12-04 18:00", "Reunión"),
        ("5 de diciembre de 2026 Reunión", "2026-12-05 18:00", "Reunión"),
        ("dentro de 2 semanas 3 talleres", "2026-12-13 18:00", "3 talleres"),
        ("pasado mañana 1 reunión", "2026-12-01 18:00", "1 reunión"),
        ("el viernes 4 patrullas", "2026-12-04 18:00", "4 patrullas"),
    ],
)
def test_the_due_date_is_the_leading_expression_only(words: str, due: str, text: str) -> None:
    assert due_of(words) == (due, text)


def test_with_a_kind_a_leading_number_is_text() -> None:
    assert due_of("2 patrullas al hospital", kind_hours=24) == (
        "2026-11-30 23:30",
        "2 patrullas al hospital",
    )


@pytest.mark.parametrize(
    ("words", "key"),
    [
        ("0001-01-01 Patrullaje", "error.date_unparsed"),
        ("9999-12-31 Patrullaje", "error.date_unparsed"),
        ("31/02 Patrullaje", "error.date_unparsed"),
        ("2026-13-01 Patrullaje", "error.date_unparsed"),
        ("2 patrullas en la zona", "error.date_unparsed"),
        ("mañana", "usage.action"),
    ],
)
def test_impossible_or_missing_due_dates_are_refused(words: str, key: str) -> None:
    with pytest.raises(InvalidInput) as info:
        due_of(words)
    assert info.value.key == key


def test_catalogs_have_the_same_keys_and_placeholders() -> None:
    es, en = load_messages("es"), load_messages("en")
    assert set(es) == set(en)
    for key in es:
        fields = set(re.findall(r"{(\w+)}", es[key]))
        assert fields == set(re.findall(r"{(\w+)}", en[key])), key
        parse_html(es[key].format(**{f: "x" for f in fields}))  # valid Telegram HTML
        parse_html(en[key].format(**{f: "x" for f in fields}))


def test_plural_messages_have_the_same_keys_forms_and_placeholders() -> None:
    """Counts read as written ("1 vencida", "2 vencidas"): every plural message exists in
    both languages with the forms their ``Plural-Forms`` asks for, and one set of fields."""
    es, en = load_plurals("es"), load_plurals("en")
    assert set(es) == set(en) and es
    for key in es:
        fields = {f for form in es[key] for f in re.findall(r"{(\w+)}", form)}
        assert "count" in fields, key
        for forms in (es[key], en[key]):
            assert len(forms) == 2, key
            for form in forms:
                assert set(re.findall(r"{(\w+)}", form)) == fields, key
                parse_html(form.format(**{f: "x" for f in fields}))
    spanish = Catalog("es", ZoneInfo("America/Mexico_City"))
    assert [spanish.n("n.overdue", n) for n in (0, 1, 2)] == [
        "0 vencidas",
        "1 vencida",
        "2 vencidas",
    ]


def test_catalog_escapes_parameters() -> None:
    catalog = Catalog("es", ZONE)
    assert catalog.t("agency.line", code="<A&B>", name=Safe("<b>ok</b>")) == (
        "• <b>&lt;A&amp;B&gt;</b> — <b>ok</b>"
    )


def _item(n: int, text: str, agency: str = "SSC") -> ItemView:
    due = datetime(2026, 12, 4, tzinfo=UTC)
    return ItemView(n, agency, agency, text, Status.open, due, due, None)


def test_longest_item_card_fits_a_message() -> None:
    catalog = Catalog("es", ZONE)
    card = item_card(
        catalog, _item(9999999999, "🔵" * 1000), datetime(2026, 11, 30, tzinfo=UTC), detail=True
    )
    assert utf16_len(parse_html(card)) < 4096


def test_a_list_page_fits_the_limit_whatever_the_texts() -> None:
    catalog = Catalog("es", ZONE)
    now = datetime(2026, 11, 30, tzinfo=UTC)
    # Fifteen items of the longest texts, emoji (two UTF-16 units) and "&" (escaped to five).
    items = [_item(i, "ñ🔵&" * 500, "SSC" if i < 8 else "FGJ") for i in range(1, 16)]
    page = item_list_page(catalog, items, now)
    assert utf16_len(page) <= 4096 - 300
    assert page.lstrip().startswith("<b>SSC</b>") and page.count("<b>FGJ</b>") == 1
    assert page.count("#") == len(items)  # every item, its text cut shorter
    assert "ñ🔵&amp;ñ" in page and "…" in page
    short = item_list_page(catalog, [_item(1, "Patrullaje"), _item(2, "Oficio")], now)
    assert "Patrullaje —" in short and "Oficio —" in short  # short texts stay whole
