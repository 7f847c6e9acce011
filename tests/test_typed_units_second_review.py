"""Second review of money units and polite words before a number.

Before: labels whose unit was written without accents, followed by a remark ("(triệu đồng,
làm tròn)"), after "Đơn vị"/"ĐVT" with no colon, or as "(1,000 VND)" / "(VND million)" named
no unit, so "1,5 triệu" was stored in đồng (1500000 instead of 1,5). At a whole "(triệu
đồng)" question "1,500 triệu" was stored as 1500 without asking (most likely meant 1,5).
"vang 12" (vâng without accents) was refused; "da 12" / "thua 12" are refused without saying
to type just the number.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from reportbot.conversation.answers import Rejected
from reportbot.conversation.parsing import AnswerError, parse_decimal
from tests.typed_support import read_typed

TODAY = date(2026, 11, 26)

FORM = """
key: kinh_phi
version: "1"
title: {vi: Kinh phí}
unit_types: [phong]
period: {kind: monthly, deadlines: ["20"]}
questions:
  - id: khong_dau
    type: decimal
    label: {vi: "Kinh phi (trieu dong)"}
  - id: lam_tron
    type: decimal
    label: {vi: "Kinh phí (triệu đồng, làm tròn)"}
  - id: uoc_tinh
    type: decimal
    label: {vi: "Kinh phí (triệu đồng - ước tính)"}
  - id: don_vi
    type: decimal
    label: {vi: "Kinh phí. Đơn vị triệu đồng"}
  - id: dvt
    type: decimal
    label: {vi: "Kinh phí, ĐVT triệu đồng"}
  - id: nghin_vnd
    type: integer
    label: {vi: "Kinh phí (1,000 VND)"}
  - id: vnd_million
    type: decimal
    label: {vi: "Kinh phí", en: "Spent (VND million)"}
  - id: cong_ty
    type: decimal
    label: {vi: "Số tiền (công ty đóng)"}
  - id: muc_d
    type: decimal
    label: {vi: "Kinh phí (triệu đồng) theo mục (d)"}
  - id: trieu_nguyen
    type: integer
    label: {vi: "Kinh phí (triệu đồng)"}
"""


def _read(qid: str, typed: str) -> object:
    return read_typed(FORM, qid, typed, TODAY)


# Each stored value worked out by hand from the label's unit and the amount typed.
@pytest.mark.parametrize(
    ("qid", "typed", "stored"),
    [
        ("khong_dau", "1,5 triệu", Decimal("1.5")),  # was 1500000
        ("lam_tron", "1,5 triệu", Decimal("1.5")),  # was 1500000
        ("uoc_tinh", "1,5 triệu", Decimal("1.5")),  # was 1500000
        ("don_vi", "1,5 triệu", Decimal("1.5")),  # was 1500000
        ("dvt", "1,5 triệu", Decimal("1.5")),  # was 1500000
        ("nghin_vnd", "1,5 triệu", 1500),  # was 1500000
        ("vnd_million", "1,5 triệu", Decimal("1.5")),  # was 1500000
        ("cong_ty", "1.500.000 đ", Decimal(1_500_000)),  # "công ty đóng" is no tỷ đồng
    ],
)
def test_the_unit_is_read_accent_free_and_before_a_remark(
    qid: str, typed: str, stored: object
) -> None:
    value = _read(qid, typed)
    assert value == stored
    assert type(value) is type(stored)


def test_a_whole_trieu_question_asks_what_1_comma_500_trieu_means() -> None:
    with pytest.raises(Rejected) as caught:
        _read("trieu_nguyen", "1,500 triệu")
    text = str(caught.value)
    # offered 1.500 triệu; 1,5 triệu is no whole triệu, said so, never stored as 1500
    assert "1500 triệu đồng" in text and "1,5 triệu đồng" in text, text
    assert "số nguyên" in text and "không ghi được" in text, text
    with pytest.raises(Rejected) as caught:
        read_typed(FORM, "trieu_nguyen", "1,500 triệu", TODAY, locale="en")
    english = str(caught.value)
    assert "whole number of triệu đồng" in english and "1500 triệu đồng" in english, english
    assert _read("trieu_nguyen", "1500") == 1500
    assert _read("trieu_nguyen", "1500 triệu đồng") == 1500


@pytest.mark.parametrize(("typed", "value"), [("vang 12", 12), ("vang 1.500.000 đ", 1_500_000)])
def test_vang_without_accents_comes_off(typed: str, value: int) -> None:
    assert parse_decimal(typed) == value


@pytest.mark.parametrize("typed", ["da 12", "thua 12"])
def test_da_and_thua_are_refused_asking_for_just_the_number(typed: str) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_decimal(typed)
    assert caught.value.code == "number.invalid"
    assert "chỉ gõ con số" in caught.value.message("vi")
    assert "just the number" in caught.value.message("en")


def test_a_list_item_d_is_no_dong() -> None:
    # "(d)" is the list item "điểm d", not "(đ)": the label's unit stays triệu đồng
    assert _read("muc_d", "2 triệu") == Decimal(2)


def test_a_bare_1_comma_500_at_a_whole_trieu_question_is_asked_too() -> None:
    """Typed without its unit, "1,500" is as likely 1,5 triệu: before, 1500 triệu (1,5 tỷ
    đồng) was stored without a word."""
    with pytest.raises(Rejected) as caught:
        _read("trieu_nguyen", "1,500")
    text = str(caught.value)
    assert "1500 triệu đồng" in text and "1,5 triệu đồng" in text, text
    assert _read("trieu_nguyen", "1.500") == 1500  # a dot groups thousands: no question
    assert _read("trieu_nguyen", "12") == 12
