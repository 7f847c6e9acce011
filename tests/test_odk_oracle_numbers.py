"""ODK's engine as the oracle for arithmetic, number formatting, empty answers and boolean
coercions: each table is written by hand, and both ODK Web Forms and our engine must give it.

Where the two differ on purpose, DEVIATIONS keeps both values and the reason, so that a
change on either side is seen. ODK's own spec: https://docs.getodk.org/form-operators-functions/
(numbers are XPath 1.0 IEEE doubles; an impossible number is NaN, stored empty).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.odk_engine import OdkEngine
from tests.odk_oracle import calculated, table_mismatches
from tests.test_odk_oracle_admin_cases import ADMIN_DEVIATIONS


@pytest.fixture(scope="module")
def odk() -> Iterator[OdkEngine]:
    engine = OdkEngine()
    yield engine
    engine.close()


NO_ANSWER = {
    "1 div 3": "0.3333333333333333",
    "2 div 3": "0.6666666666666666",
    "10 div 4": "2.5",
    "6 div 3": "2",
    "int(7 div 2)": "3",
    "int(-2.7)": "-2",
    "round(2.5)": "3",
    "round(-2.5)": "-3",
    "round(1.2345, 2)": "1.23",
    "5 mod 3": "2",
    "-5 mod 3": "-2",
    "pow(2, 10)": "1024",
    "sqrt(2)": "1.4142135623730951",
    "abs(-3.5)": "3.5",
    "floor(-1.5)": "-2",
    "ceiling(1.2)": "2",
    "string(1000000 * 1000000 * 1000000)": "1000000000000000000",
    "0 div 0": "",
    "number('abc')": "",
    "number('')": "",
    "'abc' + 1": "",
    "int('12abc')": "",
    "${a} + 1": "",
    "${a} * 2": "",
    "${d} + ${a}": "",
    "string(${d})": "",
    "concat(${a}, '-', ${d})": "-",
    "${a} = 0": "false",
    "${a} = ''": "true",
    "${t} = ''": "true",
    "${a} > -1": "false",
    "true() + 1": "2",
    "number(true())": "1",
    "string(true())": "true",
    "boolean('0')": "true",
    "boolean(0)": "false",
    # XPath number -> string: the shortest text of the double (JavaRosa: Double.toString)
    "string(1 div 3)": "0.3333333333333333",
    "concat(1 div 3, '')": "0.3333333333333333",
    "concat('x', sqrt(2))": "x1.4142135623730951",
}

ANSWERED = {
    "${a} + 1": "5",
    "${a} * 2": "8",
    "${d} + ${a}": "6.5",
    "string(${d})": "2.5",
    "concat(${a}, '-', ${d})": "4-2.5",
    "${a} div 3": "1.3333333333333333",
    "string(${a} div 3)": "1.3333333333333333",
    "${a} = 4": "true",
    "${a} = '4'": "true",
    "${d} > 2": "true",
    "${a} > ${d}": "true",
    "boolean(${t})": "true",
    "${t} + 1": "",
    "sum(${a})": "4",
}

ZERO = {
    "${a} + 1": "1",
    "${a} * 2": "0",
    "${a} = 0": "true",
    "${a} = ''": "false",
    "${d} + ${a}": "-0.5",
    "concat(${a}, '-', ${d})": "0--0.5",
    "sum(${a})": "0",
}


# XPath compares a boolean with a text as booleans (boolean('') is false), and a number with
# a text as numbers (number('abc') is NaN: = is false)
COERCIONS = {
    "false() = ''": "true",
    "true() = ''": "false",
    "false() != ''": "false",
    "${t} = 5": "false",
    "${a} < 5": "true",
    "${t} > 5": "false",  # 'abc' is NaN: never ordered (test_odk_oracle_admin_cases)
    "${t} >= ${a}": "false",  # as texts 'abc' >= '4' would hold
}


def test_coercions_as_odk(tmp_path: Path, odk: OdkEngine) -> None:
    rows = calculated(odk, tmp_path, list(COERCIONS), {"a": "4", "t": "abc"})
    assert table_mismatches(rows, COERCIONS) == []


def test_numbers_without_answers_as_odk(tmp_path: Path, odk: OdkEngine) -> None:
    rows = calculated(odk, tmp_path, list(NO_ANSWER), {})
    assert table_mismatches(rows, NO_ANSWER) == []


def test_numbers_from_answers_as_odk(tmp_path: Path, odk: OdkEngine) -> None:
    answers = {"a": "4", "d": "2.5", "t": "x"}
    rows = calculated(odk, tmp_path, list(ANSWERED), answers)
    assert table_mismatches(rows, ANSWERED) == []


def test_zero_is_an_answer_not_emptiness(tmp_path: Path, odk: OdkEngine) -> None:
    rows = calculated(odk, tmp_path, list(ZERO), {"a": "0", "d": "-0.5"})
    assert table_mismatches(rows, ZERO) == []


# (expression, answers, ODK Web Forms' text, our value as text, why we differ)
DEVIATIONS = [
    (
        "0.1 + 0.2",
        {},
        "0.30000000000000004",
        "0.3",
        "ours computes decimals exactly; a report's sum of 0.1 and 0.2 is 0.3 for an officer",
    ),
    ("string(3 * 0.1)", {}, "0.30000000000000004", "0.3", "the same exact decimals"),
    (
        "string(round(1.005, 2))",
        {},
        "1",
        "1.01",
        "the same: 1.005 is exact for us, 1.00499999999999989 as a double",
    ),
    (
        "1 div 0",
        {},
        "Infinity",
        "",
        "a division by zero is empty for us (never 'Infinity' in a chat); XPath says Infinity",
    ),
    (
        "boolean(${t})",
        {},
        "true",
        "false",
        "Web Forms follows XPath 1.0 (a node-set of one node is true even when empty); Collect "
        "(JavaRosa XPathFuncExpr.toBoolean unpacks the node to its value '') says false, as ours",
    ),
    (
        "if(${a}, 'yes', 'no')",
        {"a": "0"},
        "yes",
        "no",
        "the node-set rule again: Web Forms takes the answered node as true even when it holds "
        "0; Collect unpacks it to the number 0, false, as ours",
    ),
    ("boolean(${a})", {"a": "0"}, "true", "false", "the same node-set rule"),
    (
        "not(${a})",
        {},
        "false",
        "true",
        "the node-set rule: Collect reads the empty answer, as ours",
    ),
    (
        "${a} and ${t}",
        {"a": "4", "t": "x"},
        "x",
        "true",
        "Web Forms returns the last operand's value from 'and' ('or' likewise); XPath 1.0 and "
        "Collect return a boolean, as ours",
    ),
    (
        "'abc' < 'abd'",
        {},
        "false",
        "true",
        "XPath orders texts as numbers (NaN: false); ours orders two texts that are neither "
        "numbers nor dates alphabetically",
    ),
    (
        "${a} = false()",
        {},
        "false",
        "true",
        "the node-set rule again: Web Forms takes the unanswered node as a node-set of one node, "
        "true; Collect (JavaRosa XPathEqExpr unpacks the node to '' and toBoolean('') is "
        "false) says true, as ours",
    ),
    ("${a} = true()", {}, "true", "false", "the same node-set rule, Collect as ours"),
    (
        "max(${a}, 10)",
        {},
        "",
        "10",
        "XPath's max() is NaN with an unanswered number; ours leaves the empty one out, as in sum",
    ),
    (
        "sum(${a})",
        {},
        "",
        "0",
        "XPath sums number('') = NaN; ours counts an unanswered number as nothing to add",
    ),
]


@pytest.mark.parametrize(
    ("expression", "answers", "odk_text", "our_text", "why"), DEVIATIONS + ADMIN_DEVIATIONS
)
def test_known_deviations_stay_as_recorded(
    tmp_path: Path,
    odk: OdkEngine,
    expression: str,
    answers: dict[str, str],
    odk_text: str,
    our_text: str,
    why: str,
) -> None:
    ((_, ours, theirs),) = calculated(odk, tmp_path, [expression], answers)
    assert theirs == odk_text, why
    assert table_mismatches([(expression, ours, our_text)], {expression: our_text}) == [], why
