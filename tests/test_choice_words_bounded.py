"""What the review of the officer's choice parsing found, and must not come back.

- Polite words were set aside one per recursive call: "dạ dạ dạ … có" recursed once per word,
  re-folding the text each time (seconds of blocked event loop, then RecursionError).
- The "every word of a label" match ran before the polite words were set aside and ignored
  word order, so ordinary answers picked a wrong option instead of being asked again.
- A superscript digit passes `str.isdigit` but not `int`: "/sua ³" answered with the
  internal-error apology.
"""

from __future__ import annotations

import pytest

from reportbot.conversation.parsing import AnswerError, parse_yes_no
from reportbot.conversation.parsing_choices import parse_choice, parse_choices
from reportbot.service import ConversationService
from tests.support import Chat

YES_PARTLY = [("co", ["Có"]), ("khong", ["Không"]), ("mot_phan", ["Có nhưng không đầy đủ"])]
OFTEN = [
    ("co", ["Có"]),
    ("thuong_xuyen", ["Có, thường xuyên"]),
    ("thinh_thoang", ["Có, không thường xuyên"]),
    ("khong", ["Không"]),
]
PHOTO = [("co", ["Có"]), ("co_anh", ["Có ảnh minh chứng"]), ("khong", ["Không"])]
SPENDING = [
    ("duoi_5", ["Dưới 5 triệu"]),
    ("5_10", ["Từ 5 đến 10 triệu"]),
    ("tren_10", ["Trên 10 triệu"]),
]
EVENTS = [
    ("khcn", ["Ngày Khoa học và Công nghệ Việt Nam 18/5"]),
    ("cds", ["Ngày Chuyển đổi số quốc gia 10/10"]),
    ("stem", ["Ngày hội STEM"]),
    ("khac", ["Sự kiện khác"]),
]

# Each answer with the option a person means, written by hand; None: asked again.
CASES = [
    ("không có", YES_PARTLY, None),  # was "Có nhưng không đầy đủ"
    ("không có", OFTEN, None),  # was "Có, không thường xuyên"
    ("có ạ", PHOTO, "co"),  # was "Có ảnh minh chứng" (ạ read as the start of ảnh)
    ("dạ vâng có ạ", PHOTO, "co"),
    ("từ 10 triệu", SPENDING, None),  # was "Từ 5 đến 10 triệu"
    ("trên 10 triệu", SPENDING, "tren_10"),
    ("ngày 18/5", EVENTS, "khcn"),
    ("ngày 10/10 ạ", EVENTS, "cds"),
    ("ngày 10", EVENTS, None),  # "10/10" has another number: not named by "10" alone
    ("hội STEM", EVENTS, "stem"),
    ("khoa học công nghệ", EVENTS, "khcn"),  # words of one label, not side by side
    ("dạ, khoa học công nghệ ạ", EVENTS, "khcn"),
]


@pytest.mark.parametrize(("typed", "options", "meant"), CASES)
def test_an_answer_names_the_option_meant_or_is_asked_again(
    typed: str, options: list[tuple[str, list[str]]], meant: str | None
) -> None:
    if meant is None:
        with pytest.raises(AnswerError):
            parse_choice(typed, options)
    else:
        assert parse_choice(typed, options) == meant


def test_a_flood_of_polite_words_is_read_in_one_pass() -> None:
    typed = "dạ " * 6000 + "có"  # about 18,000 characters, under the message limit
    assert parse_choice(typed, PHOTO) == "co"
    assert parse_choices(typed, PHOTO) == ["co"]
    assert parse_yes_no("dạ " * 6000 + "có ạ") is True


def test_polite_words_around_several_choices() -> None:
    assert parse_choices("Dạ, 1, 3", EVENTS) == ["khcn", "stem"]
    assert parse_choices("1 3 ạ", EVENTS) == ["khcn", "stem"]
    assert parse_choices("vâng ạ, 1, 3", EVENTS) == ["khcn", "stem"]
    assert parse_choices("khoa học công nghệ, chuyển đổi số", EVENTS) == ["khcn", "cds"]
    assert parse_choices("18/5 và 10/10", EVENTS) == ["khcn", "cds"]


def test_more_different_pieces_than_options_can_name_are_refused_at_once() -> None:
    assert parse_choices(", ".join(["ngày hội"] * 50), EVENTS) == ["stem"]  # one piece, 50 times
    with pytest.raises(AnswerError):
        parse_choices(", ".join(f"hội {n}" for n in range(50)), EVENTS)


@pytest.mark.parametrize("typed", ["/sua ³", "sửa câu ²", "/sua câu ³", "³"])
async def test_a_superscript_digit_is_not_a_question_number(
    service: ConversationService, typed: str
) -> None:
    chat = Chat(service, "u-hoiphunu")
    await chat.say("/baocao")
    await chat.say("1")
    await chat.say("1")
    assert "Xem lại" in await chat.say("/xemlai")
    reply = await chat.say(typed)
    assert "lỗi" not in reply.lower() and "Traceback" not in reply, reply
