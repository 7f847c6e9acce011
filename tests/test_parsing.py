"""Answer parsing as Vietnamese officers type on phones: numbers, dates, yes/no, choices."""

from __future__ import annotations

import re
import string
import unicodedata
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from reportbot.conversation.parsing import (
    MAX_TEXT_LENGTH,
    PARSE_ERROR_MESSAGES,
    AnswerError,
    fold,
    normalize_text,
    parse_date,
    parse_decimal,
    parse_integer,
    parse_yes_no,
)
from reportbot.conversation.parsing_choices import parse_choice, parse_choices

ZW = "\u200b"  # zero-width space, common after copy-paste from Zalo or Word


def nfd(text: str) -> str:
    """The decomposed form some phone keyboards send."""
    return unicodedata.normalize("NFD", text)


# --- normalize_text / fold -------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Xin chào  ", "Xin chào"),
        (nfd("Đăk Pxi, Quảng Ngãi"), "Đăk Pxi, Quảng Ngãi"),
        ("a\r\nb\rc", "a\nb\nc"),
        ("a\tb", "a b"),
        ("a   b", "a b"),
        ("dòng 1  \n   dòng 2", "dòng 1\ndòng 2"),
        ("a\n\nb", "a\n\nb"),
        (f"1{ZW}2\u200c3\u200d4\u20605\ufeff6", "123456"),
        ("đồng\u00adý", "đồngý"),
        ("\u200e\u202bxã\u202c\u2067", "xã"),
        ("a\x00b\x07c\x1bd\x7f", "abcd"),
        ("1\u00a0000\u202f000", "1 000 000"),
        ("a\u2028b", "a\nb"),
        (f"o{ZW}\u0301", "ó"),  # a zero-width char between letter and tone mark
        ("", ""),
        (" \n\t ", ""),
    ],
)
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


def test_normalize_text_is_nfc_and_idempotent() -> None:
    text = normalize_text(nfd("Ủy ban MTTQ  Việt Nam\r\n xã"))
    assert unicodedata.is_normalized("NFC", text)
    assert normalize_text(text) == text == "Ủy ban MTTQ Việt Nam\nxã"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Đoàn Thanh niên", "doan thanh nien"),
        (nfd("ĐOÀN THANH NIÊN"), "doan thanh nien"),
        ("Hội Cựu chiến binh!", "hoi cuu chien binh"),
        ("  Tổ công nghệ\nsố  ", "to cong nghe so"),
        ("Có ạ.", "co a"),
        ("(Ủy ban)", "uy ban"),
        (f"Ph{ZW}ụ nữ", "phu nu"),
        ("ưởng ợ ỹ", "uong o y"),
        ("-5", "-5"),
        ("...", ""),
    ],
)
def test_fold(raw: str, expected: str) -> None:
    assert fold(raw) == expected


def test_fold_is_idempotent_and_plain_ascii_for_vietnamese() -> None:
    sample = "Ủy ban Mặt trận Tổ quốc Việt Nam xã Đăk Pxi, tỉnh Quảng Ngãi: ưởng ợ ỹ"
    folded = fold(nfd(sample))
    assert fold(folded) == folded == fold(sample)
    assert all(c in string.ascii_lowercase + " ,:" for c in folded)


# --- numbers -----------------------------------------------------------------------------

DECIMALS = [
    ("0", "0"),
    ("12", "12"),
    ("1.000", "1000"),
    ("1.000.000", "1000000"),
    ("1 000", "1000"),
    ("1 000 000", "1000000"),
    ("1\u00a0000", "1000"),
    ("1,5", "1.5"),
    ("0,25", "0.25"),
    ("1,50", "1.50"),
    ("1.234,5", "1234.5"),
    ("1.234.567,89", "1234567.89"),
    ("1,234.5", "1234.5"),
    ("1,234,567.5", "1234567.5"),
    ("1.5", "1.5"),
    ("1.25", "1.25"),
    ("1.2345", "1.2345"),
    ("0.500", "0.5"),
    ("1234.567", "1234.567"),
    ("1234,567", "1234.567"),
    ("1,000,000", "1000000"),
    ("1 000,5", "1000.5"),
    (",5", "0.5"),
    ("+7", "7"),
    ("-5", "-5"),
    ("-1,5", "-1.5"),
    ("\u22123", "-3"),
    ("-0", "0"),
    ("500k", "500000"),
    ("500 K", "500000"),
    ("500 nghìn", "500000"),
    ("500 ngàn", "500000"),
    ("500 ngan", "500000"),
    ("500 nghin", "500000"),
    (nfd("500 nghìn"), "500000"),
    ("3tr", "3000000"),
    ("3 triệu", "3000000"),
    ("3 TRIEU", "3000000"),
    ("3m", "3000000"),
    ("2tr5", "2500000"),
    ("1tr2", "1200000"),
    ("2 tr 5", "2500000"),
    ("2tr500", "2500000"),
    ("2tr05", "2050000"),
    ("5k5", "5500"),
    ("1ty2", "1200000000"),
    ("2,5tr", "2500000"),
    ("1,25 triệu", "1250000"),
    ("1.5k", "1500"),
    ("1 tỷ", "1000000000"),
    ("1 tỉ", "1000000000"),
    ("1ty", "1000000000"),
    ("1 ti", "1000000000"),
    ("1.000đ", "1000"),
    ("1.000 đ", "1000"),
    ("1.000 đồng", "1000"),
    ("1.000 dong", "1000"),
    ("1.000 VNĐ", "1000"),
    ("1.000vnd", "1000"),
    ("1.000 ₫", "1000"),
    ("3 triệu đồng", "3000000"),
    (nfd("3 TRIỆU ĐỒNG"), "3000000"),
    ("500k VNĐ", "500000"),
    ("  12.  ", "12"),
    ("12!", "12"),
    (f"1{ZW}.000", "1000"),
    (f"{ZW}12{ZW}", "12"),
    ("1\u00ad000", "1000"),
    ("1" * 15, "1" * 15),
    ("1,1" + "0" * 28, "1." + "1" + "0" * 28),
]


@pytest.mark.parametrize(("text", "expected"), DECIMALS)
def test_parse_decimal(text: str, expected: str) -> None:
    value = parse_decimal(text)
    assert isinstance(value, Decimal)
    assert value == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "shown"),
    [("2,5tr", "2500000"), ("1.000", "1000"), ("1,50", "1.50"), ("1tr2", "1200000")],
)
def test_parse_decimal_keeps_plain_digits(text: str, shown: str) -> None:
    assert str(parse_decimal(text)) == shown


def test_parse_decimal_is_exact_beyond_float_precision() -> None:
    assert parse_decimal("0,1") + parse_decimal("0,2") == Decimal("0.3")
    big = "9" * 30
    # 39 digits (for a template that allows them): more than the default decimal context
    # (28) could hold without rounding.
    assert int(parse_decimal(big + " tỷ", max_digits=40)) == int(big) * 10**9


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("１２", 12),  # full-width digits
        ("１．５００", 1500),
        ("２，５", Decimal("2.5")),
        ("1\ufe0f\u20e32\ufe0f\u20e3", 12),  # keycap emoji digits 1️⃣2️⃣
        ("🔟", 10),
        ("12 người", 12),
        (nfd("12 người"), 12),
        ("5 buổi", 5),
        ("15 bài", 15),
        ("15 bài viết", 15),
        ("1.500 lượt người", 1500),
        ("2tr5 đồng", 2_500_000),
        ("３ tỷ đồng", 3_000_000_000),
        ("−3 độ", -3),
    ],
)
def test_numbers_in_full_width_keycap_and_with_a_unit_word(text: str, expected: object) -> None:
    assert parse_decimal(text) == expected


@pytest.mark.parametrize(
    ("text", "max_digits"),
    [("1" * 23, 15), ("99999999999999999999999", 15), ("1" * 16, 15), ("9.999.999 tỷ", 15)],
)
def test_integers_have_a_digit_bound(text: str, max_digits: int) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_integer(text)
    assert caught.value.code == "number.too_long"
    assert caught.value.params == {"max": max_digits}
    assert caught.value.message("vi") == "Số quá dài; xin nhập không quá 15 chữ số."
    assert parse_integer("9" * 15) == 10**15 - 1
    assert parse_integer("1" * 23, max_digits=25) == int("1" * 23)


def test_emoji_joiners_are_kept_in_free_text_only() -> None:
    family = "👨\u200d👩\u200d👧"
    heart = "❤\ufe0f\u200d🔥"
    assert normalize_text(f"Cả nhà {family} {heart}") == f"Cả nhà {family} {heart}"
    assert normalize_text("a\u200db") == "ab"  # between letters it is only noise
    assert normalize_text("\u200d👨\u200d") == "👨"
    assert fold(f"Gia đình {family}") == "gia dinh 👨👩👧"


INVALID_NUMBERS = [
    "",
    "   ",
    "abc",
    "mười hai",
    "12 5",
    "12 hoặc 13",
    "1 đến 5",
    "12 người và 3",
    "12 a b c d",
    "2 triệu tỷ",
    "12 trăm",
    "1.2.3",
    "1,2,3",
    "1..000",
    "1.00.000",
    "1 00",
    "1,2.3,4",
    "12.34.567",
    "1.000,000.5",
    "k",
    "tr5",
    "--5",
    "5-",
    "1e5",
    "Infinity",
    "NaN",
    "0x10",
    "1/2",
    "2,5tr5",
    "5k5000",
    "1 và 2",
    "١٢",  # Arabic-Indic digits are not what officers type
]


@pytest.mark.parametrize("text", INVALID_NUMBERS)
def test_parse_decimal_invalid(text: str) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_decimal(text)
    assert caught.value.code == "number.invalid"


@pytest.mark.parametrize(
    ("text", "thousands", "decimal"),
    [
        ("1,000", "1000", "1"),
        ("12,500", "12500", "12,5"),
        ("100,250", "100250", "100,25"),
        ("-1,000", "-1000", "-1"),
        ("1,500k", "1500000", "1500"),
        ("12,345", "12345", "12,3450"),
        (f"1{ZW},000", "1000", "1"),
    ],
)
def test_single_comma_group_is_ambiguous(text: str, thousands: str, decimal: str) -> None:
    whole_either_way = "," not in decimal  # else a whole-number question takes the thousands
    parsers = (parse_decimal, parse_integer) if whole_either_way else (parse_decimal,)
    for parse in parsers:
        with pytest.raises(AnswerError) as caught:
            parse(text)
        assert caught.value.code == "number.ambiguous"
        assert caught.value.params["thousands"] == thousands
        assert caught.value.params["decimal"] == decimal
    if not whole_either_way:
        assert parse_integer(text) == int(thousands)
    # Typing either suggestion back is understood without ambiguity.
    assert parse_decimal(thousands) == Decimal(thousands)
    assert parse_decimal(decimal) == Decimal(decimal.replace(",", "."))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", 12),
        ("1.000", 1000),
        ("2tr5", 2_500_000),
        ("2,5tr", 2_500_000),
        ("1,5k", 1500),
        ("-3", -3),
        ("1,0", 1),
        (nfd("500 nghìn đồng"), 500_000),
        (f"1{ZW}0{ZW}0", 100),
    ],
)
def test_parse_integer(text: str, expected: int) -> None:
    value = parse_integer(text)
    assert type(value) is int
    assert value == expected


@pytest.mark.parametrize(
    ("text", "expected"), [("1,500", 1500), ("12,345", 12345), ("-2,500", -2500)]
)
def test_a_whole_number_question_reads_a_comma_group_as_thousands(text: str, expected: int) -> None:
    """At a whole-number question "1,500" can only be 1500: asking "1500 or 1,5?" offered a
    reading the question then refused."""
    assert parse_integer(text) == expected


def test_a_comma_group_whole_either_way_is_still_asked() -> None:
    """ "1,000" is 1000 or 1 (1,000 with a decimal comma): both whole, so the officer says."""
    with pytest.raises(AnswerError) as caught:
        parse_integer("1,000")
    assert caught.value.code == "number.ambiguous"


@pytest.mark.parametrize("text", ["1,5", "0,25", "1.5", "1,2345k", "-0,5"])
def test_parse_integer_rejects_fractions(text: str) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_integer(text)
    assert caught.value.code == "number.not_integer"


@pytest.mark.parametrize("text", ["1" * 31, "1" * 4000, "1.000." * 11, "12 " * 20, "1" * 16])
def test_number_too_long(text: str) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_decimal(text)
    assert caught.value.code == "number.too_long"
    assert caught.value.params == {"max": 15}


# --- dates -------------------------------------------------------------------------------

TODAY = date(2025, 6, 20)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20/06/2025", date(2025, 6, 20)),
        ("5/6/2025", date(2025, 6, 5)),
        ("05/06/2025", date(2025, 6, 5)),
        ("20-06-2025", date(2025, 6, 20)),
        ("20.06.2025", date(2025, 6, 20)),
        ("20/06/25", date(2025, 6, 20)),
        ("1/1/00", date(2000, 1, 1)),
        ("29/02/2024", date(2024, 2, 29)),
        ("2025-06-20", date(2025, 6, 20)),
        ("2025/6/5", date(2025, 6, 5)),
        (" 20 / 6 / 2025 ", date(2025, 6, 20)),
        ("20/06/2025.", date(2025, 6, 20)),
        ("ngày 20/06/2025", date(2025, 6, 20)),
        ("ngày 5 tháng 6 năm 2025", date(2025, 6, 5)),
        (nfd("Ngày 5 tháng 6 năm 2025"), date(2025, 6, 5)),
        (f"20{ZW}/06/2025", date(2025, 6, 20)),
        ("hôm nay", TODAY),
        ("Hôm nay", TODAY),
        (nfd("HÔM NAY"), TODAY),
        ("hom nay", TODAY),
        ("today", TODAY),
        ("hôm qua", TODAY - timedelta(days=1)),
    ],
)
def test_parse_date(text: str, expected: date) -> None:
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize(
    ("utc", "expected"),
    [
        (datetime(2025, 6, 19, 16, 59, tzinfo=UTC), date(2025, 6, 19)),
        (datetime(2025, 6, 19, 17, 0, tzinfo=UTC), date(2025, 6, 20)),  # midnight in Hà Nội
        (datetime(2025, 12, 31, 23, 0, tzinfo=UTC), date(2026, 1, 1)),
    ],
)
def test_parse_date_today_defaults_to_vietnam_calendar(utc: datetime, expected: date) -> None:
    with time_machine.travel(utc, tick=False):
        assert parse_date("hôm nay") == expected
        assert parse_date("hôm qua") == expected - timedelta(days=1)


@pytest.mark.parametrize(
    "text", ["31/02/2025", "29/02/2025", "32/01/2025", "00/01/2025", "15/13/2025", "1/1/1800"]
)
def test_parse_date_invalid(text: str) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_date(text, today=TODAY)
    assert caught.value.code == "date.invalid"
    assert caught.value.params["text"] == text


@pytest.mark.parametrize(
    "text",
    ["", "mai", "2025", "20062025", "20/06/025", "tháng 6", "20/06/2025 10:00", "abc"],
)
def test_parse_date_format(text: str) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_date(text, today=TODAY)
    assert caught.value.code == "date.format"


# --- yes / no ----------------------------------------------------------------------------

YES = ["có", "Có", "CÓ", "co", "c", "có ạ", "Có ạ!", "yes", "Yes", "y", "ừ", "u", "đúng", "dung"]
YES += ["rồi", "roi", "đã", "da", "1", "vâng", "dạ", "dạ có", "vâng ạ", "có nhé", "ok", "đồng ý"]
YES += [nfd("Có ạ"), nfd("ĐÚNG RỒI"), f"c{ZW}ó", " có. ", "có rồi ạ"]
NO = ["không", "Không", "khong", "k", "K", "ko", "kg", "no", "No", "n", "chưa", "chua", "2"]
NO += ["không ạ", "ko nhé", "dạ không", "dạ chưa ạ", "chưa có", "không có", nfd("KHÔNG")]
NO += [f"kh{ZW}ông", "sai"]


@pytest.mark.parametrize("text", YES)
def test_yes(text: str) -> None:
    assert parse_yes_no(text) is True


@pytest.mark.parametrize("text", NO)
def test_no(text: str) -> None:
    assert parse_yes_no(text) is False


@pytest.mark.parametrize("text", ["", "ạ", "có không", "3", "0", "maybe", "có lẽ", "nhé", "cos"])
def test_yes_no_invalid(text: str) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_yes_no(text)
    assert caught.value.code == "yes_no.invalid"


# --- single choice -----------------------------------------------------------------------

UNITS = [
    ("doan_the", ["Đoàn thể", "Mass organisations"]),
    ("to_cns", ["Tổ công nghệ số cộng đồng", "Community digital technology team"]),
    ("co_quan", ["Cơ quan, đơn vị", "Agencies and units"]),
]
ASSOCIATIONS = [
    ("phu_nu", ["Hội Phụ nữ", "Women's Union"]),
    ("nong_dan", ["Hội Nông dân", "Farmers' Union"]),
    ("ccb", ["Hội Cựu chiến binh", "Veterans' Association"]),
    ("thanh_nien", ["Đoàn Thanh niên", "Youth Union"]),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", "doan_the"),
        ("3", "co_quan"),
        ("1.", "doan_the"),
        ("1)", "doan_the"),
        (" 2 ", "to_cns"),
        ("số 2", "to_cns"),
        ("So 2", "to_cns"),
        ("#3", "co_quan"),
        ("doan_the", "doan_the"),
        ("CO_QUAN", "co_quan"),
        ("Đoàn thể", "doan_the"),
        ("doan the", "doan_the"),
        ("DOAN THE", "doan_the"),
        (nfd("Đoàn thể"), "doan_the"),
        (f"Đoàn{ZW} thể", "doan_the"),
        ("Cơ quan, đơn vị", "co_quan"),
        ("Mass organisations", "doan_the"),
        ("agencies and units", "co_quan"),
        ("tổ", None),  # too short for a prefix: see the negative cases
        ("to cong", "to_cns"),
        ("Tổ công nghệ", "to_cns"),
        ("co quan", "co_quan"),
        ("commun", "to_cns"),
        ("doa", "doan_the"),
    ],
)
def test_parse_choice(text: str, expected: str | None) -> None:
    if expected is None:
        with pytest.raises(AnswerError):
            parse_choice(text, UNITS)
    else:
        assert parse_choice(text, UNITS) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("phụ nữ", "phu_nu"),  # a word inside the label, not its start
        ("nong dan", "nong_dan"),
        ("cựu chiến binh", "ccb"),
        ("thanh niên", "thanh_nien"),
        ("Hội Phụ", "phu_nu"),
        ("hoi n", "nong_dan"),
        ("veter", "ccb"),
        ("youth", "thanh_nien"),
    ],
)
def test_parse_choice_by_word_inside_label(text: str, expected: str) -> None:
    assert parse_choice(text, ASSOCIATIONS) == expected


@pytest.mark.parametrize(
    ("text", "options", "code", "count"),
    [
        ("0", UNITS, "choice.out_of_range", 3),
        ("4", UNITS, "choice.out_of_range", 3),
        ("số 9", UNITS, "choice.out_of_range", 3),
        ("99999999999999999999", UNITS, "choice.unknown", 3),
        ("xyz", UNITS, "choice.unknown", 3),
        ("tổ", UNITS, "choice.unknown", 3),
        ("do", UNITS, "choice.unknown", 3),
        ("trường học", UNITS, "choice.unknown", 3),
        ("hội", ASSOCIATIONS, "choice.ambiguous", 4),
        ("union", ASSOCIATIONS, "choice.ambiguous", 4),
        ("hoi x", ASSOCIATIONS, "choice.unknown", 4),
        ("-1", UNITS, "choice.unknown", 3),
    ],
)
def test_parse_choice_errors(text: str, options: list, code: str, count: int) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_choice(text, options)
    assert caught.value.code == code
    assert caught.value.params["count"] == count


@pytest.mark.parametrize("text", ["", "  ", ZW, "..."])
def test_parse_choice_empty(text: str) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_choice(text, UNITS)
    assert caught.value.code == "choice.empty"


def test_exact_label_wins_over_position() -> None:
    options = [("few", ["1-5"]), ("none", ["0"]), ("many", ["Trên 5"])]
    assert parse_choice("0", options) == "none"
    assert parse_choice("1", options) == "few"
    assert parse_choice("1-5", options) == "few"
    assert parse_choice("trên 5", options) == "many"


# --- multiple choice ---------------------------------------------------------------------

PRODUCTS = [
    ("tin_bai", ["Tin bài", "News articles"]),
    ("anh", ["Ảnh", "Photos"]),
    ("infographic", ["Infographic", "Infographics"]),
    ("video", ["Video, clip", "Videos and clips"]),
    ("khcn", ["Khoa học và công nghệ", "Science and technology"]),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", ["tin_bai"]),
        ("1, 3", ["tin_bai", "infographic"]),
        ("1,3", ["tin_bai", "infographic"]),
        ("1 3", ["tin_bai", "infographic"]),
        ("1;3", ["tin_bai", "infographic"]),
        ("1 và 3", ["tin_bai", "infographic"]),
        ("1 va 3", ["tin_bai", "infographic"]),
        ("1 and 3", ["tin_bai", "infographic"]),
        ("1 & 3", ["tin_bai", "infographic"]),
        ("1+3", ["tin_bai", "infographic"]),
        ("1. 3.", ["tin_bai", "infographic"]),
        ("3, 1", ["tin_bai", "infographic"]),
        ("3, 1, 3, 1", ["tin_bai", "infographic"]),
        ("số 2 và số 5", ["anh", "khcn"]),
        ("1, 2 3; 4\n5", ["tin_bai", "anh", "infographic", "video", "khcn"]),
        ("tin bài, ảnh", ["tin_bai", "anh"]),
        ("Tin bài\nẢnh\nInfographic", ["tin_bai", "anh", "infographic"]),
        (nfd("TIN BÀI; ẢNH"), ["tin_bai", "anh"]),
        (f"tin{ZW} bài, {ZW}ảnh", ["tin_bai", "anh"]),
        ("ảnh và tin bài", ["tin_bai", "anh"]),
        ("Video, clip", ["video"]),
        ("Khoa học và công nghệ", ["khcn"]),
        ("khoa hoc va cong nghe, 1", ["tin_bai", "khcn"]),
        ("1, infog", ["tin_bai", "infographic"]),
        ("photos, videos and clips", ["anh", "video"]),
        ("anh, 2", ["anh"]),
        ("1,,3,", ["tin_bai", "infographic"]),
    ],
)
def test_parse_choices(text: str, expected: list[str]) -> None:
    assert parse_choices(text, PRODUCTS) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "choice.empty"),
        (" , ; \n", "choice.empty"),
        (ZW, "choice.empty"),
        ("1, 9", "choice.out_of_range"),
        ("0", "choice.out_of_range"),
        ("1, xyz", "choice.unknown"),
        ("không có", "choice.unknown"),
        ("khong", "choice.unknown"),
        ("1 và xyz", "choice.unknown"),
        ("in", "choice.unknown"),
    ],
)
def test_parse_choices_errors(text: str, code: str) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_choices(text, PRODUCTS)
    assert caught.value.code == code


def test_parse_choices_ambiguous_piece() -> None:
    with pytest.raises(AnswerError) as caught:
        parse_choices("1, hội", ASSOCIATIONS)
    assert caught.value.code == "choice.ambiguous"


# --- error messages ----------------------------------------------------------------------

CODES = {
    "number.invalid": {},
    "integer.invalid": {},
    "number.ambiguous": {"text": "1,000", "thousands": "1000", "decimal": "1"},
    "number.ambiguous_whole": {
        "text": "1,500 triệu",
        "thousands": "1500 triệu đồng",
        "decimal": "1,5 triệu đồng",
        "unit": "triệu đồng",
    },
    "number.not_integer": {"text": "1,5"},
    "number.too_long": {"max": 15},
    "number.not_whole_unit": {"text": "1.500 đ", "value": "1,5", "unit": "nghìn đồng"},
    "date.invalid": {"text": "31/02/2025"},
    "date.format": {"text": "abc"},
    "date.no_year": {"text": "20/6", "example": "20/6/2026"},
    "yes_no.invalid": {},
    "choice.unknown": {"count": 3},
    "choice.out_of_range": {"count": 3},
    "choice.ambiguous": {"count": 3},
    "choice.empty": {},
    "text.too_long": {"max": MAX_TEXT_LENGTH},
    "time.format": {"text": "abc"},
    "time.invalid": {"text": "25:00"},
    "datetime.format": {"text": "abc"},
    "geo.format": {},
    "geo.range": {"text": "91, 200"},
    "geo.too_few": {"min": 3},
    "number.not_percent": {},
}


def test_every_code_has_both_languages() -> None:
    assert set(PARSE_ERROR_MESSAGES) == set(CODES)
    for texts in PARSE_ERROR_MESSAGES.values():
        assert set(texts) == {"vi", "en"}


@pytest.mark.parametrize(("code", "params"), CODES.items())
def test_messages_format_with_their_params(code: str, params: dict) -> None:
    error = AnswerError(code, **params)
    vi, en = error.message("vi"), error.message("en")
    for lang, text in (("vi", vi), ("en", en)):
        assert "{" not in text and text.strip() == text and text[-1] == "."
        for name in re.findall(r"{(\w+)}", PARSE_ERROR_MESSAGES[code][lang]):
            assert str(params[name]) in text
    assert re.search(r"[àáảãạăâđèéêìíòóôơùúưỳý]", vi.lower()), vi  # real Vietnamese
    assert unicodedata.is_normalized("NFC", vi)
    assert error.message("fr") == vi


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda: parse_decimal("abc"), "number.invalid"),
        (lambda: parse_decimal("1,000"), "number.ambiguous"),
        (lambda: parse_integer("1,5"), "number.not_integer"),
        (lambda: parse_decimal("9" * 16), "number.too_long"),
        (lambda: parse_date("31/02/2025"), "date.invalid"),
        (lambda: parse_date("hôm kia"), "date.format"),
        (lambda: parse_yes_no("có lẽ"), "yes_no.invalid"),
        (lambda: parse_choice("xyz", UNITS), "choice.unknown"),
        (lambda: parse_choice("7", UNITS), "choice.out_of_range"),
        (lambda: parse_choice("hội", ASSOCIATIONS), "choice.ambiguous"),
        (lambda: parse_choices("", UNITS), "choice.empty"),
    ],
)
def test_raised_errors_render(call, code: str) -> None:
    with pytest.raises(AnswerError) as caught:
        call()
    assert isinstance(caught.value, ValueError)
    assert caught.value.code == code
    assert caught.value.message("vi") and caught.value.message("en")


def test_example_formats_in_messages_parse_back() -> None:
    assert parse_decimal("12") == 12 and parse_decimal("1.500") == 1500
    assert parse_decimal("2,5") == Decimal("2.5")
    assert "1.500" in PARSE_ERROR_MESSAGES["number.invalid"]["vi"]
    assert "20/06/2025" in PARSE_ERROR_MESSAGES["date.format"]["vi"]
    assert parse_date("20/06/2025") == date(2025, 6, 20)


def test_long_multi_select_with_many_options() -> None:
    # 2,000 pieces against 30 options: labels are folded once, not once per piece.
    options = [(f"v{i}", [f"Lựa chọn số {i}", f"Option {i}"]) for i in range(1, 31)]
    assert parse_choices("1, " * 1999 + "30", options) == ["v1", "v30"]
