"""Short and half-typed "không" as officers send it from a phone.

Found filing the Resolution 57 report: "ko" (the usual short "không") was read as "no" at a
yes/no question but refused at "Số video… chưa có thì ghi 0", where "không" is 0; and with
the Vietnamese keyboard off or half-working, telex leftovers ("khoong" for không, "chuwa" for
chưa) were refused everywhere.
"""

from __future__ import annotations

import pytest

from connectors.base import Incoming
from reportbot.conversation.answers import Rejected, read_answer
from reportbot.conversation.parsing import parse_yes_no
from reportbot.forms.loader import load_yaml_template
from tests.conftest import NQ57

TEMPLATE = load_yaml_template(NQ57)[0]


def read(qid: str, text: str) -> object:
    from datetime import date

    question = TEMPLATE.question(qid)
    message = Incoming("console", "u1", "u1", text)
    return read_answer(question, message, text, {}, {}, "vi", date(2026, 11, 26))


@pytest.mark.parametrize("typed", ["ko", "Ko.", "KO", "khoong"])
def test_short_or_telex_khong_is_zero_at_a_count(typed: str) -> None:
    assert read("so_video_web", typed) == 0


@pytest.mark.parametrize("typed", ["k", "kg", "ko co", "khong biet"])
def test_what_is_not_plainly_zero_is_still_refused(typed: str) -> None:
    with pytest.raises(Rejected):  # "k" is a thousand after a number; "ko có": README keeps it
        read("so_video_web", typed)


@pytest.mark.parametrize("typed", ["khoong", "chuwa", "Khoong a"])
def test_telex_leftovers_at_yes_no(typed: str) -> None:
    assert parse_yes_no(typed) is False  # "cos" stays refused (test_parsing: it may be English)
