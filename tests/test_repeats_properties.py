"""Invariants of repeat expansion and choice filtering, checked on generated inputs."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from reportbot.forms.choice_filter import visible_choices
from reportbot.forms.loader import build_template
from reportbot.forms.repeat_expand import expand
from reportbot.forms.repeats import MAX_ENTRIES, consolidated, entry_id
from reportbot.forms.schema import FormTemplate

ROSTER = {
    "key": "ho",
    "title": "Hộ",
    "period": {"kind": "annual", "deadlines": ["20/12"]},
    "repeats": [{"name": "tv", "label": "Thành viên", "count": "${n}"}],
    "questions": [
        {"id": "n", "type": "integer", "label": "Số người"},
        {"id": "ten", "type": "text", "label": "Tên", "repeat": "tv"},
        {"id": "tuoi", "type": "integer", "label": "Tuổi", "repeat": "tv"},
        {"id": "ghi_chu", "type": "text", "label": "Ghi chú"},
    ],
}
CASCADE = {
    "key": "dia_ban",
    "title": "Địa bàn",
    "period": {"kind": "annual", "deadlines": ["20/12"]},
    "questions": [
        {
            "id": "tinh",
            "type": "select_one",
            "label": "Tỉnh",
            "choices": [{"value": v, "label": v} for v in ("a", "b", "c")],
        },
        {
            "id": "huyen",
            "type": "select_one",
            "label": "Huyện",
            "choice_filter": "tinh = ${tinh}",
            "choices": [],  # filled per example
        },
    ],
}


def built(data: dict) -> FormTemplate:
    template, issues = build_template(data)
    assert template is not None, issues
    return template


TEMPLATE = built(ROSTER)


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=-5, max_value=MAX_ENTRIES + 20))
def test_expansion_writes_out_exactly_the_counted_entries(count: int) -> None:
    expanded = expand(TEMPLATE, {"n": count}, {})
    entries = max(0, min(count, MAX_ENTRIES))
    expected = ["n"]
    for index in range(1, entries + 1):
        expected += [entry_id("ten", index), entry_id("tuoi", index)]
    assert [q.id for q in expanded.questions] == [*expected, "ghi_chu"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=120), max_size=12), st.integers(0, 14))
def test_consolidation_sums_the_counted_entries_only(ages: list[int], count: int) -> None:
    answers: dict = {"n": count}
    for index, age in enumerate(ages, start=1):
        answers[entry_id("tuoi", index)] = age
    figures = consolidated(TEMPLATE, answers)
    counted = ages[:count]
    if counted:
        assert figures["tuoi"] == sum(counted)
    else:
        assert "tuoi" not in figures
    assert not any("[" in key for key in figures)


districts = st.lists(
    st.tuples(st.sampled_from(["x", "y", "z", "w"]), st.sampled_from(["a", "b", "c"])),
    min_size=1,
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(districts, st.sampled_from(["a", "b", "c"]))
def test_a_filter_keeps_exactly_the_matching_choices_once_each(
    rows: list[tuple[str, str]], chosen: str
) -> None:
    data = dict(CASCADE)
    questions = [dict(q) for q in CASCADE["questions"]]
    questions[1]["choices"] = [
        {"value": name, "label": f"{name}-{tinh}", "extra": {"tinh": tinh}} for name, tinh in rows
    ]
    data["questions"] = questions
    question = built(data).question("huyen")
    assert question is not None
    kept = visible_choices(question, {"tinh": chosen})
    expected: list[str] = []
    for name, tinh in rows:  # by hand: the first choice of each name whose tinh matches
        if tinh == chosen and name not in expected:
            expected.append(name)
    assert [c.value for c in kept] == expected
    assert all(dict(c.extra)["tinh"] == chosen for c in kept)


def test_decimal_entries_are_summed_exactly() -> None:
    data = dict(ROSTER)
    data["questions"] = [*ROSTER["questions"][:2], {**ROSTER["questions"][2], "type": "decimal"}]
    template = built(data)
    answers = {"n": 2, entry_id("tuoi", 1): "0.1", entry_id("tuoi", 2): "0.2"}  # as stored
    assert consolidated(template, answers)["tuoi"] == Decimal("0.3")
