"""Review of the money-unit conversion: the unit comes only from the label's bracketed unit
or its "đơn vị: …", read with its accents. Before, any "X đồng" left after the accents were
removed named the unit: "Số tiền công ty đóng bảo hiểm xã hội (đồng)" folds "công ty đóng" to
"cong ty dong", read as tỷ đồng, so "1.500.000 đ" was stored as 0,0015. And the question
asking which reading was meant offered them in đồng, so the bare number typed back was
stored a million times too big.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from reportbot.conversation.answers import Rejected
from tests.typed_support import read_typed

FORM = """
key: kinh_phi
version: "1"
title: {vi: Kinh phí}
unit_types: [phong]
period: {kind: monthly, deadlines: ["20"]}
questions:
  - id: bhxh
    type: decimal
    label: {vi: "Số tiền công ty đóng bảo hiểm xã hội (đồng)"}
  - id: ho_tro
    type: integer
    label: {vi: "Mức hỗ trợ (đồng), tối đa 2 triệu đồng"}
  - id: ty_le
    type: decimal
    label: {vi: "Tỷ lệ đóng góp"}
  - id: trieu
    type: decimal
    label: {vi: "Kinh phí (triệu đồng)"}
  - id: trieu_nguyen
    type: integer
    label: {vi: "Kinh phí (triệu đồng)"}
  - id: nghin
    type: integer
    label: {vi: "Kinh phí (nghìn đồng)", en: "Spent (thousand VND)"}
  - id: dvt
    type: decimal
    label: {vi: "Vốn đầu tư (Đơn vị tính: Tỷ đồng)"}
  - id: nghin_so
    type: integer
    label: {vi: "Kinh phí (1.000 đồng)"}
  - id: trd
    type: decimal
    label: {vi: "Kinh phí (trđ)"}
  - id: vnd
    type: integer
    label: {vi: "Kinh phí (VNĐ)"}
  - id: binh_quan
    type: integer
    label: {vi: "Mức chi bình quân (nghìn đồng/người)"}
  - id: khong_don_vi
    type: integer
    label: {vi: "Ông Tỷ đóng bao nhiêu"}
"""


def _read(qid: str, typed: str) -> object:
    return read_typed(FORM, qid, typed, date(2026, 11, 26))


# Each stored value worked out by hand from the label's unit and the amount typed.
@pytest.mark.parametrize(
    ("qid", "typed", "stored"),
    [
        ("bhxh", "1.500.000 đ", Decimal(1_500_000)),  # was 0,0015 (read as tỷ đồng)
        ("ho_tro", "1.500.000 đ", 1_500_000),  # was 1,5 → refused (read as triệu)
        ("ho_tro", "1,5 triệu", 1_500_000),
        ("ty_le", "1.500.000 đ", Decimal(1_500_000)),  # no unit: as typed
        ("khong_don_vi", "2 triệu", 2_000_000),  # "Tỷ đóng" is a name, no unit
        ("trieu", "1,5 triệu", Decimal("1.5")),
        ("dvt", "500 triệu", Decimal("0.5")),
        ("nghin_so", "1,5 triệu", 1500),
        ("trd", "2.000.000 đ", Decimal(2)),
        ("vnd", "1,5 triệu", 1_500_000),
        ("binh_quan", "1,2 triệu", 1200),  # per person, still in nghìn đồng
    ],
)
def test_the_unit_is_only_the_labels_bracketed_unit(qid: str, typed: str, stored: object) -> None:
    value = _read(qid, typed)
    assert value == stored
    assert type(value) is type(stored)


def test_an_amount_not_whole_in_the_unit_names_the_unit() -> None:
    with pytest.raises(Rejected) as caught:
        _read("nghin", "1.500 đ")
    text = str(caught.value)
    assert "1,5" in text and "nghìn đồng" in text, text


def test_the_ambiguity_question_offers_readings_in_the_question_unit() -> None:
    with pytest.raises(Rejected) as caught:
        _read("trieu", "1,500 triệu")
    text = str(caught.value)
    # 1.500 triệu or 1,5 triệu: written out in triệu, never in đồng
    assert "1500 triệu đồng" in text and "1,5 triệu đồng" in text, text
    assert "1500000" not in text, text
    # whatever the officer types back from the question is stored right
    assert _read("trieu", "1500") == Decimal(1500)
    assert _read("trieu", "1,5") == Decimal("1.5")
    assert _read("trieu", "1500 triệu đồng") == Decimal(1500)
    assert _read("trieu", "1,5 triệu đồng") == Decimal("1.5")


def test_the_ambiguity_in_thousands_is_offered_in_thousands() -> None:
    with pytest.raises(Rejected) as caught:
        _read("nghin", "1,500 triệu")
    text = str(caught.value)
    # 1.500.000.000 đ = 1500000 nghìn; 1.500.000 đ = 1500 nghìn
    assert "1500000 nghìn đồng" in text and "1500 nghìn đồng" in text, text


def test_an_integer_question_in_a_unit_settles_the_ambiguity() -> None:
    # "1,500 nghìn" at whole triệu: 1,5 nghìn = 0,0015 triệu is no whole number, so it can
    # only be 1.500 nghìn = 1,5 triệu, itself not whole: refused naming the unit, never asked
    with pytest.raises(Rejected) as caught:
        _read("trieu_nguyen", "1,500 nghìn")
    text = str(caught.value)
    assert "1,5" in text and "triệu đồng" in text and "hoặc" not in text, text
    # "2,000 triệu" at whole triệu: 2 or 2000 both whole → asked, in triệu
    with pytest.raises(Rejected) as caught:
        _read("trieu_nguyen", "2,000 tỷ")
    text = str(caught.value)
    assert "2000000 triệu đồng" in text and "2000 triệu đồng" in text, text
