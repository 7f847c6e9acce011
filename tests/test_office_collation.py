"""Names in Vietnamese alphabetical order: the key, its invariants, and the digest using it."""

from __future__ import annotations

import random
import unicodedata
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from reportbot.collation import sort_vietnamese, vietnamese_key
from reportbot.periods import period_by_key
from reportbot.reminders.messages import DigestEntry, DigestSections, digest
from tests.test_reminders_schedule import nq57

# Written by hand in the order of a Vietnamese dictionary (Hoàng Phê): letters
# a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y, then tones
# (none, huyền, hỏi, ngã, sắc, nặng), lower case before upper case, numbers by value.
EXPECTED = [
    "An Phú",
    "Anh",
    "Az",
    "Ăn",
    "Ấp 2",
    "Ấp 3",
    "Ấp 10",
    "Âu Cơ",
    "Bình",
    "Dương",
    "Đào",
    "Đoàn Thanh niên",
    "Ho",
    "Hò",
    "Hỏ",
    "Hõ",
    "Hô",
    "Hồ",
    "Hổ",
    "Hố",
    "Hộ",
    "hội cựu chiến binh",
    "Hội Phụ nữ",
    "Hơ",
    "trạm y tế",
    "Trạm Y tế",
    "Trường THCS",
    "Trường Tiểu học",
    "UBND xã",
    "Ư",
    "Zalo",
]


def test_the_dictionary_order() -> None:
    shuffled = EXPECTED[:]
    random.Random(57).shuffle(shuffled)
    assert sort_vietnamese(shuffled) == EXPECTED


def test_the_cases_of_the_issue() -> None:
    assert vietnamese_key("Đoàn Thanh niên") < vietnamese_key("UBND")
    assert vietnamese_key("An") < vietnamese_key("Ấp")
    assert sorted(["UBND", "Đoàn Thanh niên"]) == ["UBND", "Đoàn Thanh niên"]  # code points


VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂBĐÊÔƠƯàảãáạằẳẵắặầẩẫấậềểễếệ ộờởỡớợừửữứự0123456789"


@given(st.lists(st.text(alphabet=VIETNAMESE, max_size=12), max_size=30), st.randoms())
def test_sorting_ignores_the_input_order(names: list[str], rng: random.Random) -> None:
    shuffled = names[:]
    rng.shuffle(shuffled)
    assert sort_vietnamese(shuffled) == sort_vietnamese(names)


@given(st.text(alphabet=VIETNAMESE, max_size=20))
def test_composed_and_decomposed_text_sort_alike(name: str) -> None:
    nfc, nfd = unicodedata.normalize("NFC", name), unicodedata.normalize("NFD", name)
    assert vietnamese_key(nfc) == vietnamese_key(nfd)


def toneless(text: str) -> str:
    """The text without its tone marks (huyền, hỏi, ngã, sắc, nặng); letters kept."""
    tones = {"\u0300", "\u0309", "\u0303", "\u0301", "\u0323"}
    return "".join(c for c in unicodedata.normalize("NFD", text) if c not in tones)


@given(st.text(alphabet=VIETNAMESE, max_size=20), st.text(alphabet=VIETNAMESE, max_size=20))
def test_letters_decide_before_tones(left: str, right: str) -> None:
    # Two names whose letters differ are ordered as their toneless spellings are.
    if vietnamese_key(toneless(left))[0] != vietnamese_key(toneless(right))[0]:
        plain = vietnamese_key(toneless(left)) < vietnamese_key(toneless(right))
        assert (vietnamese_key(left) < vietnamese_key(right)) is plain


def test_a_huge_name_costs_a_bounded_key() -> None:
    key = vietnamese_key("Ấp " * 100_000)
    assert len(key[1]) == 200


def test_the_digest_lists_units_in_vietnamese_order() -> None:
    template = nq57()
    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    period = period_by_key(template.period, "2026-H1", tz)
    names = ("UBND xã", "Ấp 10", "Đoàn Thanh niên", "Ấp 2")
    missing = [DigestEntry(number, name) for number, name in enumerate(names, 1)]
    sections = DigestSections(5, [DigestEntry(5, "Hội Nông dân")], [], missing, [])
    text = digest(
        template, period, sections, locale="vi", now=datetime(2026, 6, 25, tzinfo=UTC), tz=tz
    ).text
    assert "Quá hạn, chưa nộp (4):\n• Ấp 2\n• Ấp 10\n• Đoàn Thanh niên\n• UBND xã" in text
    assert "Đã nộp: 1/5 đơn vị." in text
