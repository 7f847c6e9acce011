"""Polite words around an answer, as Vietnamese officials write to the office ("Đã có ạ").

Found filing the Resolution 57 report: "có ạ" was understood at a yes/no question, but "Đã có
ạ", "dạ đã có" at a choice, "1, 3 ạ" at a multiple choice and "20/06/2026 ạ" at a date were
refused with "Xin gõ số thứ tự…" / "Xin nhập ngày…". The particles (dạ, vâng, thưa before; ạ,
nhé, nha, ơi after) are now set aside there too, when the answer does not match as typed.
"""

from __future__ import annotations

from datetime import date

import pytest

from reportbot.conversation.answers import choice_options
from reportbot.conversation.parsing import AnswerError, parse_date
from reportbot.conversation.parsing_choices import parse_choice, parse_choices
from reportbot.forms.loader import load_yaml_template
from reportbot.service import ConversationService
from tests.conftest import NQ57
from tests.support import NQ57_SCRIPT, Chat, stored_answers

TEMPLATE = load_yaml_template(NQ57)[0]
WEB = choice_options(TEMPLATE.question("chuyen_muc_web"))
EVENTS = choice_options(TEMPLATE.question("su_kien"))


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("Đã có ạ", "co"),
        ("dạ đã có", "co"),
        ("Dạ, đã có ạ.", "co"),
        ("Chưa có nhé", "chua_co"),
        ("3 ạ", "chua_co_trang_ttdt"),
        ("vâng, số 2 ạ", "chua_co"),
    ],
)
def test_a_choice_with_polite_words(typed: str, value: str) -> None:
    assert parse_choice(typed, WEB) == value


@pytest.mark.parametrize(
    ("typed", "values"),
    [
        ("1, 3 ạ", ["ngay_18_5", "ngay_10_10"]),
        ("dạ 1 và 3 nhé", ["ngay_18_5", "ngay_10_10"]),
        ("Chưa tổ chức ạ", ["chua_to_chuc"]),
    ],
)
def test_several_choices_with_polite_words(typed: str, values: list[str]) -> None:
    assert parse_choices(typed, EVENTS) == values


@pytest.mark.parametrize("typed", ["20/06/2026 ạ", "dạ 20/06/2026", "Ngày 20/6/2026 nhé"])
def test_a_date_with_polite_words(typed: str) -> None:
    assert parse_date(typed, date(2026, 11, 26)) == date(2026, 6, 20)


@pytest.mark.parametrize("typed", ["ạ", "dạ", "4 ạ", "dạ không biết"])
def test_politeness_alone_or_around_nothing_valid_is_still_refused(typed: str) -> None:
    with pytest.raises(AnswerError):
        parse_choice(typed, WEB)


async def test_through_the_service(service: ConversationService) -> None:
    chat = Chat(service, "u-hoiphunu")
    await chat.say("/baocao")
    await chat.say("1")
    for qid, typed, _ in NQ57_SCRIPT[:3]:
        assert qid != "chuyen_muc_web"
        await chat.say(typed)
    asked = await chat.say("Đã có ạ")
    assert "Câu 5/" in asked, asked
    assert (await stored_answers())["chuyen_muc_web"] == "co"
