"""A money question whose label names its unit ("Kinh phí (triệu đồng)") and an amount typed
with its own unit ("1,5 triệu", "1.500.000 đ", "500k"): the amount is stored in the
question's unit. Before, "1,5 triệu" at "(triệu đồng)" was stored as 1.500.000 (million
đồng: 1,5 nghìn tỷ), a figure the officer never typed. A bare number is in the question's
unit, as before."""

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
  - id: trieu
    type: decimal
    label: {vi: "Kinh phí đã chi (triệu đồng)", en: "Spent (million VND)"}
  - id: nghin
    type: integer
    label: {vi: "Kinh phí (nghìn đồng)", en: "Spent (thousand VND)"}
  - id: ty
    type: decimal
    label: {vi: "Vốn đầu tư, đơn vị: tỷ đồng"}
  - id: dong
    type: integer
    label: {vi: "Kinh phí đã chi (đồng)"}
  - id: trd
    type: decimal
    label: {vi: "Kinh phí (tr.đ)"}
"""


def _read(qid: str, typed: str) -> object:
    return read_typed(FORM, qid, typed, date(2026, 11, 26))


# Each stored value worked out by hand: the amount in đồng divided by the question's unit.
@pytest.mark.parametrize(
    ("qid", "typed", "stored"),
    [
        ("trieu", "1,5 triệu", Decimal("1.5")),
        ("trieu", "1.500.000 đ", Decimal("1.5")),
        ("trieu", "1.500.000đ", Decimal("1.5")),
        ("trieu", "500k", Decimal("0.5")),
        ("trieu", "2 tỷ", Decimal(2000)),
        ("trieu", "15tr", Decimal(15)),
        ("trieu", "1,5", Decimal("1.5")),  # a bare number: the question's unit
        ("trieu", "12 ạ", Decimal(12)),
        ("nghin", "1,5 triệu", 1500),
        ("nghin", "200.000 đồng", 200),
        ("nghin", "250", 250),
        ("ty", "1,5 tỷ", Decimal("1.5")),
        ("ty", "500 triệu", Decimal("0.5")),
        ("dong", "1,5 triệu", 1_500_000),  # a question in đồng: as before
        ("trd", "2tr5", Decimal("2.5")),
    ],
)
def test_an_amount_typed_with_its_unit_is_stored_in_the_question_unit(
    qid: str, typed: str, stored: object
) -> None:
    value = _read(qid, typed)
    assert value == stored
    assert type(value) is type(stored)


def test_an_amount_that_is_no_whole_number_of_the_unit_is_refused_clearly() -> None:
    with pytest.raises(Rejected) as caught:
        _read("nghin", "1.500 đ")  # 1,5 nghìn đồng: the question takes whole thousands
    text = str(caught.value)
    assert "1,5" in text and "1.500 đ" in text, text
