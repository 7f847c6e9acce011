"""ODK's engine as the oracle for four things an admin meets in real forms: a text answer
compared with a number, an answer compared with true()/false(), a number written with an
exponent, and a choice hidden by a choice_filter after it was chosen.

Each table is written by hand; where the bot differs on purpose, DEVIATIONS keeps ODK Web
Forms' text, ours and the reason (forms/XPATH.md says the same to admins). The rules: XPath 1.0
https://www.w3.org/TR/1999/REC-xpath-19991116/ (3.4 comparisons, 4.2 string(), 4.4 number()),
ODK's https://getodk.github.io/xforms-spec/#xpath-functions.
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


# --- a text answer against a number -------------------------------------------------------
# XPath 3.4: `=` with a number and `<`, `>` always read the other side as a number; a text
# that is no number is NaN, equal to nothing and never ordered.
TEXT_AGAINST_NUMBER = """
| survey |
| | type | name | label | relevant | constraint | calculation |
| | select_one so | code | Mã | | | |
| | text | ten | Tên | | | |
| | integer | n | N | ${code} > 2 | | |
| | text | ghi | Ghi | ${ten} > 5 | | |
| | integer | k | K | | . <= ${ten} | |
| | calculate | la1 | | | | ${code} = 1 |
| | calculate | khac1 | | | | ${ten} != 1 |
| choices |
| | list_name | name | label |
| | so | 1 | Một |
| | so | 2 | Hai |
| | so | 10 | Mười |
"""

TEXT_STEPS = [
    {"code": "1", "ten": "abc"},
    {"k": "3"},
    {"code": "10", "ten": "12"},
    {"ten": "7 người"},
]

# (step, name, field, ODK's state = ours), written by hand from the form above
TEXT_TABLE = [
    (1, "n", "relevant", False),  # 1 > 2
    (1, "ghi", "relevant", False),  # 'abc' > 5: NaN (ours ordered texts: 'abc' > '5')
    (1, "la1", "value", "true"),  # '1' = 1 as numbers
    (1, "khac1", "value", "true"),  # NaN != 1
    (2, "k", "constraint", False),  # 3 <= NaN
    (3, "n", "relevant", True),  # 10 > 2 as numbers (as texts '10' < '2')
    (3, "ghi", "relevant", True),  # 12 > 5
    (3, "k", "constraint", True),  # 3 <= 12
    (3, "la1", "value", "false"),
    (4, "ghi", "relevant", False),  # '7 người' is no number (ours said '7 người' > '5')
    (4, "k", "constraint", False),  # 3 <= NaN (ours said '3' <= '7 người')
]


def test_a_text_answer_against_a_number_as_odk(tmp_path: Path, odk: OdkEngine) -> None:
    result = check(odk, tmp_path, TEXT_AGAINST_NUMBER, TEXT_STEPS)
    for step, name, field, want in TEXT_TABLE:
        assert result.odk[step][name][field] == want, (step, name, field)
        if field == "value":
            assert same_value(result.ours[step][name]["value"], want), (step, name)
        else:
            assert result.ours[step][name][field] == want, (step, name, field)
    assert [str(d) for d in result.disagreements] == []
