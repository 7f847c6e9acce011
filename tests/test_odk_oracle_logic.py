"""ODK's engine as the oracle for form logic: relevance cascading through nested groups,
constraints on `.` and on other answers, required, choice_filter, and repeats (repeat_count,
"add another" entries, position(), indexed-repeat(), sum/max/count/join over entries).

Each test walks a form step by step through ODK Web Forms and our engine, checks a few
states against a hand-written table, and requires that the engines agree everywhere else,
apart from the recorded deviations (each with its reason).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.odk_engine import OdkEngine
from tests.odk_oracle import check, same_value


@pytest.fixture(scope="module")
def odk() -> Iterator[OdkEngine]:
    engine = OdkEngine()
    yield engine
    engine.close()


LOGIC = r"""
| survey |
| | type | name | label | relevant | constraint | required | calculation | choice_filter |
| | select_one yn | co | Có? | | | yes | | |
| | begin group | g | G | ${co} = 'yes' | | | | |
| | integer | n | N | | . > 0 and . < 100 | yes | | |
| | begin group | g2 | G2 | ${n} > 5 | | | | |
| | text | ghi | Ghi | | | yes | | |
| | calculate | gc | | | | | ${n} * 2 | |
| | end group | | | | | | | |
| | end group | | | | | | | |
| | integer | k | K | | . >= ${n} | | | |
| | select_one tinh | tinh | Tỉnh | | | | | |
| | select_one huyen | huyen | Huyện | | | | | tinh = ${tinh} |
| | select_multiple huyen | nhieu | Nhiều | | | | | tinh = ${tinh} or ${tinh} = '' |
| | text | email | Email | | regex(., '^[a-z]+@[a-z]+\.vn$') | | | |
| | calculate | tong | | | | | ${n} + ${k} | |
| choices |
| | list_name | name | label | tinh |
| | yn | yes | Yes | |
| | yn | no | No | |
| | tinh | hn | Hà Nội | |
| | tinh | hcm | HCM | |
| | huyen | bd | Ba Đình | hn |
| | huyen | hk | Hoàn Kiếm | hn |
| | huyen | q1 | Quận 1 | hcm |
"""

LOGIC_STEPS = [
    {"co": "yes"},
    {"n": "7"},
    {"n": "0"},
    {"n": "3", "k": "2"},
    {"k": "5", "tinh": "hn"},
    {"email": "a@b.vn"},
    {"email": "A@b.vn"},
    {"co": "no"},
]

# (step, name, field, ODK's state = ours), written by hand from the form above
LOGIC_TABLE = [
    (0, "n", "relevant", False),  # its group waits for co = yes
    (1, "n", "relevant", True),
    (1, "n", "required_unmet", True),
    (1, "ghi", "relevant", False),  # the inner group reads n, still empty
    (2, "ghi", "relevant", True),  # n = 7 > 5 opens the nested group
    (2, "ghi", "required_unmet", True),
    (2, "gc", "value", "14"),
    (3, "n", "constraint", False),  # 0 breaks . > 0
    (3, "ghi", "relevant", False),
    (3, "gc", "value", ""),  # a calculation in a group that does not apply is empty
    (4, "k", "constraint", False),  # 2 >= 3 is false
    (4, "tong", "value", "5"),
    (5, "k", "constraint", True),
    (0, "huyen", "choices", []),  # tinh = '' keeps none
    (0, "nhieu", "choices", ["bd", "hk", "q1"]),
    (5, "huyen", "choices", ["bd", "hk"]),
    (6, "email", "constraint", True),
    (7, "email", "constraint", False),  # upper-case A: [a-z] does not match it
    (8, "n", "relevant", False),  # co = no closes the group again: n is cleared
    (8, "tong", "value", ""),
]


def test_relevance_constraints_required_and_filters_as_odk(tmp_path: Path, odk: OdkEngine) -> None:
    result = check(odk, tmp_path, LOGIC, LOGIC_STEPS)
    for step, name, field, want in LOGIC_TABLE:
        assert result.odk[step][name][field] == want, (step, name, field)
    # Ours defers a constraint that reads an unanswered question (k >= ${n} once n is
    # cleared): the chat judges it when n is answered (conversation.answers); ODK fails it
    # now (5 >= NaN). A deferred constraint is not counted; nothing else differs.
    assert [str(d) for d in result.disagreements] == []
    assert result.ours[8]["k"]["constraint"] is None
    assert result.odk[8]["k"]["constraint"] is False
    for step, name, field, want in LOGIC_TABLE:
        if field == "value":
            assert same_value(result.ours[step][name]["value"], want), (step, name)
        elif field in result.ours[step][name]:
            assert result.ours[step][name][field] == want, (step, name, field)


ROSTER = """
| survey |
| | type | name | label | relevant | calculation | repeat_count | constraint |
| | integer | so | Số | | | | |
| | begin repeat | nguoi | Người | | | ${so} | |
| | text | ten | Tên | | | | |
| | integer | tuoi | Tuổi | | | | . > 0 |
| | integer | con | Con | ${tuoi} > 18 and position(..) < 3 | | | |
| | end repeat | | | | | | |
| | calculate | tong | | | sum(${tuoi}) | | |
| | calculate | dem | | | count(${nguoi}) | | |
| | calculate | hai | | | indexed-repeat(${ten}, ${nguoi}, 2) | | |
| | calculate | lon | | | max(${tuoi}) | | |
| | calculate | ds | | | join(', ', ${ten}) | | |
"""

ROSTER_STEPS = [
    {"so": "2"},
    {"ten[1]": "An", "tuoi[1]": "30", "ten[2]": "Bình", "tuoi[2]": "10"},
    {"so": "3", "ten[3]": "Cúc", "tuoi[3]": "20"},
]

# after the last two steps: (name, ODK's text), written by hand
ROSTER_TABLE = [
    (2, "tong", "40"),
    (2, "dem", "2"),
    (2, "hai", "Bình"),
    (2, "lon", "30"),
    (2, "ds", "An, Bình"),
    (3, "tong", "60"),
    (3, "dem", "3"),
    (3, "ds", "An, Bình, Cúc"),
]


def test_a_counted_repeat_as_odk(tmp_path: Path, odk: OdkEngine) -> None:
    result = check(odk, tmp_path, ROSTER, ROSTER_STEPS)
    for step, name, text in ROSTER_TABLE:
        assert result.odk[step][name]["value"] == text, (step, name)
    # position(..) inside an entry: con applies in entry 1 (30 > 18) only, never in entry 3
    assert [result.odk[3][f"con[{k}]"]["relevant"] for k in (1, 2, 3)] == [True, False, False]
    # The one deviation: a sum over entries whose ages are not given yet is empty in ODK
    # (number('') is NaN) and 0 for us (nothing to add), as for sum(${a}) in the numbers.
    assert [str(d) for d in result.disagreements] == [
        "step 0 tong.value: ours 0, ODK ''",
        "step 1 tong.value: ours 0, ODK ''",
    ]


FREE = """
| survey |
| | type | name | label | calculation |
| | begin repeat | r | R | |
| | integer | x | X | |
| | end repeat | | | |
| | calculate | tong | | sum(${x}) |
| | calculate | dem | | count(${r}) |
"""


def test_a_repeat_with_entries_added_as_odk(tmp_path: Path, odk: OdkEngine) -> None:
    result = check(odk, tmp_path, FREE, [{"x[1]": "4"}, {"x[2]": "5", "x[3]": "6"}])
    assert [result.odk[s]["dem"]["value"] for s in (0, 1, 2)] == ["1", "1", "3"]
    assert [result.odk[s]["tong"]["value"] for s in (0, 1, 2)] == ["", "4", "15"]
    assert [str(d) for d in result.disagreements] == ["step 0 tong.value: ours 0, ODK ''"]


# pyxform's own column spelling: the XForm bind attribute under "bind::" (or "bind:" in a
# sheet whose headers never use "::", as pyxform's tutorial.xls writes bind:relevant).
BIND_COLUMNS = {
    "bind::": """
| survey |
| | type | name | label |bind::relevant|bind::constraint|bind::jr:constraintMsg|bind::required|
| | integer | tuoi | Tuổi | | . < 130 | Quá lớn | true() |
| | integer | thang | Tháng | ${tuoi} < 5 | . <= 72 | | |
""",
    "bind:": """
| survey |
| | type | name | label | bind:relevant | bind:constraint | bind:required |
| | integer | tuoi | Tuổi | | . < 130 | true() |
| | integer | thang | Tháng | ${tuoi} < 5 | . <= 72 | |
""",
}


@pytest.mark.parametrize("spelling", list(BIND_COLUMNS))
def test_bind_columns_are_read_as_odk_reads_them(
    tmp_path: Path, odk: OdkEngine, spelling: str
) -> None:
    steps = [{"tuoi": "3"}, {"thang": "80"}, {"tuoi": "140"}]
    result = check(odk, tmp_path, BIND_COLUMNS[spelling], steps)
    assert [result.odk[s]["thang"]["relevant"] for s in (0, 1, 2, 3)] == [
        False,  # ${tuoi} < 5 with tuoi empty: '' < 5 is false
        True,
        True,
        False,
    ]
    assert result.odk[0]["tuoi"]["required_unmet"] is True
    assert result.odk[2]["thang"]["constraint"] is False  # 80 > 72 months
    assert result.odk[3]["tuoi"]["constraint"] is False  # 140 >= 130
    assert [str(d) for d in result.disagreements] == []
