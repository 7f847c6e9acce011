"""The `required` column written as a condition (ODK: an XPath expression in the required
column, docs.getodk.org/form-logic "Requiring responses"; xlsform.org #required): the
question must be answered only while the condition holds. It used to be refused with
"only yes or no".
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pyxform.xls2json_backends import md_table_to_workbook

from reportbot.coordination.publishing.xlsform import load_xlsform
from reportbot.forms.loader import template_from_definition, template_to_definition
from tests.odk_engine import OdkEngine
from tests.odk_oracle import check
from tests.test_engine import Harness

WORKBOOK = """
| survey |
| | type | name | label | required | required_message |
| | select_one yn | co_kinh_phi | Có kinh phí? | yes | |
| | integer | kinh_phi | Kinh phí | ${co_kinh_phi} = 'yes' | Xin ghi số kinh phí |
| | text | ghi_chu | Ghi chú | | |
| choices |
| | list_name | name | label |
| | yn | yes | Có |
| | yn | no | Không |
| settings |
| | form_id |
| | kinh_phi |
"""


def load(tmp_path: Path, markdown: str = WORKBOOK) -> object:
    path = tmp_path / "kinh_phi.xlsx"
    md_table_to_workbook(markdown).save(path)
    return load_xlsform(path)


def test_a_condition_is_read_and_kept(tmp_path: Path) -> None:
    result = load(tmp_path)
    assert result.issues == []  # type: ignore[attr-defined]
    template = result.template  # type: ignore[attr-defined]
    asked, amount, note = template.questions
    assert (asked.required, asked.required_if) == (True, None)
    assert amount.required is False  # not always: only while the condition holds
    assert amount.required_if.source == "${co_kinh_phi} = 'yes'"
    assert amount.required_message == {"vi": "Xin ghi số kinh phí"}
    assert (note.required, note.required_if) == (False, None)
    assert template_from_definition(template_to_definition(template)) == template


@pytest.mark.parametrize(
    ("condition", "problem"),
    [
        ("${chua_co} = 'yes'", "column required: ${chua_co} is not a question of this form"),
        ("${co_kinh_phi} = ", "column required: "),
        ("${co_kinh_phi} = 'co'", "column required: "),  # a label, not the value 'yes'
    ],
)
def test_a_bad_condition_is_refused_by_row_and_column(
    tmp_path: Path, condition: str, problem: str
) -> None:
    result = load(tmp_path, WORKBOOK.replace("${co_kinh_phi} = 'yes'", condition))
    issues = [str(issue) for issue in result.issues]  # type: ignore[attr-defined]
    assert len(issues) == 1, issues
    assert f"kinh_phi.xlsx: survey, row 3, {problem}" in issues[0], issues
    assert result.template is None  # type: ignore[attr-defined]


def test_the_officer_may_skip_only_while_the_condition_fails(tmp_path: Path) -> None:
    template = load(tmp_path).template  # type: ignore[attr-defined]
    bot = Harness(forms=(template,))
    bot.say("/baocao")
    bot.say("1")
    assert "Không bắt buộc" not in bot.say("Có")
    assert bot.say("/boqua").startswith("Xin ghi số kinh phí")  # refused, nothing stored
    assert "kinh_phi" not in next(iter(bot.reports.values())).answers
    other = Harness(forms=(template,))
    other.say("/baocao")
    other.say("1")
    other.say("Không")
    skipped = other.say("/boqua")
    assert not skipped.startswith("Xin ghi số kinh phí")
    assert "Ghi chú" in skipped  # on to the next question


def test_the_review_and_send_follow_the_condition(tmp_path: Path) -> None:
    template = load(tmp_path).template  # type: ignore[attr-defined]
    bot = Harness(forms=(template,))
    bot.say("/baocao")
    bot.say("1")
    assert "(Không bắt buộc – gõ /boqua để bỏ qua)" in bot.say("Không")  # kinh_phi now
    bot.say("/boqua")
    review = bot.say("/boqua")
    assert "2. Kinh phí: — chưa trả lời" in review and "❗" not in review
    bot.say("/sua 1")
    review = bot.say("Có")  # kinh_phi is required now, and still empty
    assert "2. Kinh phí: ❗ — chưa trả lời" in review
    assert "Còn 1 câu bắt buộc chưa trả lời" in review
    sent = bot.say("/gui")
    assert sent.startswith("Còn 1 câu bắt buộc chưa trả lời") and sent.endswith("Kinh phí")
    assert next(iter(bot.reports.values())).status == "draft"


@pytest.fixture(scope="module")
def odk() -> Iterator[OdkEngine]:
    engine = OdkEngine()
    yield engine
    engine.close()


ORACLE = """
| survey |
| | type | name | label | required | relevant |
| | select_one yn | co | Có? | | |
| | integer | n | N | ${co} = 'yes' | |
| | integer | m | M | ${n} > 5 and ${co} = 'yes' | |
| | text | t | T | true() | ${n} > 0 |
| | text | f | F | false() | |
| choices |
| | list_name | name | label |
| | yn | yes | Yes |
| | yn | no | No |
"""

ORACLE_STEPS = [{"co": "yes"}, {"n": "7"}, {"m": "1", "co": "no"}, {"t": "x"}]

# (step, name, ODK's required_unmet = ours), written by hand from the form above
ORACLE_TABLE = [
    (0, "n", False),  # co empty: '' = 'yes' is false
    (0, "f", False),
    (1, "n", True),
    (1, "m", False),  # n empty: NaN > 5 is false
    (2, "n", False),
    (2, "m", True),
    (2, "t", True),
    (3, "n", False),
    (3, "m", False),  # co = no
    (4, "n", False),
    (4, "t", False),  # answered
]


def test_required_conditions_as_odk(tmp_path: Path, odk: OdkEngine) -> None:
    result = check(odk, tmp_path, ORACLE, ORACLE_STEPS)
    for step, name, want in ORACLE_TABLE:
        assert result.odk[step][name]["required_unmet"] == want, (step, name)
        assert result.ours[step][name]["required_unmet"] == want, (step, name)
    assert [str(d) for d in result.disagreements] == []


ROSTER = """
| survey |
| | type | name | label | required | repeat_count |
| | integer | so | Số | | |
| | begin repeat | nguoi | Người | | ${so} |
| | integer | tuoi | Tuổi | | |
| | text | truong | Trường | ${tuoi} < 18 | |
| | end repeat | | | | |
"""


def test_a_condition_inside_a_repeat_reads_its_own_entry_as_odk(
    tmp_path: Path, odk: OdkEngine
) -> None:
    steps = [{"so": "2"}, {"tuoi[1]": "10", "tuoi[2]": "40"}, {"truong[1]": "A"}]
    result = check(odk, tmp_path, ROSTER, steps)
    # (step, entry) -> ODK's required_unmet of truong[entry], written by hand
    table = {(1, 1): False, (1, 2): False, (2, 1): True, (2, 2): False, (3, 1): False}
    for (step, entry), want in table.items():
        assert result.odk[step][f"truong[{entry}]"]["required_unmet"] == want, (step, entry)
        assert result.ours[step][f"truong[{entry}]"]["required_unmet"] == want, (step, entry)
    assert [str(d) for d in result.disagreements] == []
