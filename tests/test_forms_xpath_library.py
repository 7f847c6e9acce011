"""The rest of ODK's function library (strings, math, checklists, digests, identifiers, times).

Each expected value is written by hand from the ODK XForms spec
(https://getodk.github.io/xforms-spec/#xpath-functions), the XPath 1.0 examples it points to
(https://www.w3.org/TR/1999/REC-xpath-19991116/#section-String-Functions), JavaRosa's
behaviour (XPathFuncExpr: NaN and Infinity here are empty) or the hash functions' published
test vectors (RFC 1321 for MD5, FIPS 180-2 for SHA-256), and the cases of JavaRosa's own
XPathEvalTest (https://github.com/getodk/javarosa,
src/test/java/org/javarosa/xpath/test/XPathEvalTest.java)."""

from __future__ import annotations

import re
import time
import tracemalloc
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from reportbot.coordination.publishing.xlsform import load_xlsform
from reportbot.forms.diagnostics import shown
from reportbot.forms.expressions import ExpressionError, parse_expression
from tests.calc_support import write_workbook

SQUARE = "10 10 0 0;10 20 0 0;20 20 0 0;20 10 0 0;10 10 0 0"
OPEN_SQUARE = SQUARE.rsplit(";", 1)[0]  # without the west edge, a point west of it would
# see one crossing (the east edge) and count as inside
ANSWERS = {"picked": ["a", "c", "d"], "empty": "", "n": 7}

CASES = [
    # XPath 1.0's own examples
    ("translate('bar', 'abc', 'ABC')", "BAr"),
    ("translate('--aaa--', 'abc-', 'ABC')", "AAA"),  # '-' past the end of 'ABC': dropped
    ("translate('aba', 'aa', 'xy')", "xbx"),  # the first mapping of a character wins
    ("substring-before('1999/04/01', '/')", "1999"),
    ("substring-after('1999/04/01', '/')", "04/01"),
    ("substring-after('abc', 'z')", ""),
    # JavaRosa's XPathEvalTest
    ("substring-before('hello', '')", ""),
    ("substring-after('hello', '')", "hello"),
    ("translate('hello', 'l', '')", "heo"),
    ("translate('hello world', 'hello', '')", " wrd"),
    ("translate('hello wor,ld', ' ,', ', ')", "hello,wor ld"),
    ("normalize-space(' \ta\n\t  b \n\t c   \n')", "a b c"),
    ("boolean-from-string(1.0)", True),
    ("boolean-from-string(1.0001)", False),
    ("boolean-from-string(true())", True),
    ("checklist(-1, 1, 'foo', 'bar')", False),
    ("checklist(1, 2, 'foo', 'bar', 'baz')", False),
    ("digest('some text', 'SHA-1', 'base64')", "N6pjx3OY2VRHMmLhoAV8HmMu2nc="),
    ("digest('some text', 'MD5', 'hex')", "552e21cd4cd9918678e3c1a0df491bc3"),
    (
        "digest('some text', 'SHA-512')",
        "4nMrrtyj6sFAeChjfeHbynAsP8ns4Wz1Nt241hOc2F3+dGS4I1spgm9gjM9KxkPimxnGN4WKPYcQpZER30LdtQ==",
    ),
    ("normalize-space('  Nguyễn   Văn\tA  ')", "Nguyễn Văn A"),
    ("normalize-space('a\u00a0 b')", "a\u00a0 b"),  # Java's \\s is ASCII: no-break space kept
    # ODK: true only for "true" (any case) and "1"
    ("boolean-from-string('TRUE')", True),
    ("boolean-from-string('1')", True),
    ("boolean-from-string('yes')", False),
    ("boolean-from-string('0')", False),
    ("boolean-from-string(${empty})", False),
    ("join(', ', 'a', 'b', 'c')", "a, b, c"),
    ("join(', ', ${picked})", "a c d"),  # a multiple choice is one node "a c d" (JavaRosa)
    ("is-selected(${picked}, 'c')", True),
    ("count-non-empty(${empty})", 0),
    ("count-non-empty(${n})", 1),
    # checklist: min/max -1 = no bound; true factors counted
    ("checklist(-1, 2, 'yes', '', 1)", True),  # 'yes' and 1: 2 of 3
    ("checklist(3, -1, 'yes', '', 1)", False),
    ("checklist(1, 1, 0, '', 'x')", True),
    # weighted: weights of the true factors summed, 2 + 1.5 = 3.5
    ("weighted-checklist(3, 5, 'yes', 2, '', 10, 1, 1.5)", True),
    ("weighted-checklist(4, 5, 'yes', 2, '', 10, 1, 1.5)", False),
    # math (XPath 3.0 math:...); JavaRosa's NaN / -Infinity are empty here
    ("sqrt(16)", Decimal(4)),
    ("sqrt(-1)", ""),
    ("sqrt(${empty})", ""),  # '' is NaN as a number
    ("log(0)", ""),
    ("exp(0)", Decimal(1)),
    ("log10(1000)", Decimal(3)),
    ("exp10(2)", Decimal(100)),
    ("pi()", Decimal("3.141592653589793")),
    ("sin(0)", Decimal(0)),
    ("cos(0)", Decimal(1)),
    ("round(atan2(1, 1) * 4, 10)", Decimal("3.1415926536")),
    ("round(asin(1) * 2, 10)", Decimal("3.1415926536")),
    ("exp(100000)", ""),  # too big: empty, not an overflow
    # digest: RFC 1321 and FIPS 180-2 test vectors of 'abc'
    ("digest('abc', 'MD5', 'hex')", "900150983cd24fb0d6963f7d28e17f72"),
    ("digest('abc', 'md5')", "kAFQmDzST7DWlj99KOF/cg=="),  # base64 by default
    (
        "digest('abc', 'SHA-256', 'hex')",
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    ),
    ("digest('abc', 'SHA-3', 'hex')", ""),
    ("base64-decode('SGVsbG8=')", "Hello"),
    ("base64-decode('not base64!')", ""),
    # times: noon is 0.5 and 6pm 0.75 (the spec's examples), in Vietnam's time
    ("decimal-time('12:00:00.000+07:00')", Decimal("0.5")),
    ("decimal-time('18:00:00.000+07:00')", Decimal("0.75")),
    ("decimal-time('05:00:00.000Z')", Decimal("0.5")),  # 05:00 UTC is noon in Hanoi
    ("decimal-time('25:00')", ""),
    ("date-time('2026-06-20T10:30')", datetime(2026, 6, 20, 10, 30)),
    ("date-time(0.5)", datetime(1970, 1, 1, 12, 0)),
    ("date-time(-800000)", ""),  # before year 1: empty, not an overflow
    ("format-date-time(date-time('2026-06-20T10:30'), '%d/%m %H:%M')", "20/06 10:30"),
    ("depend(${n}, ${empty})", 7),
    ("format-date-time(date-time('2026-06-20T10:30'), '%H:%M:%S.%3')", "10:30:00.000"),
    ("enclosed-area('x y')", ""),  # area()'s other name: not a position, empty
    # geofence: the square 10..20 N x 10..20 E (a geoshape repeats its first point)
    (f"geofence('15 15 0 0', '{SQUARE}')", True),
    (f"geofence('25 15 0 0', '{SQUARE}')", False),
    (f"geofence('15 9.99 0 0', '{SQUARE}')", False),
    (f"geofence('15 5 0 0', '{OPEN_SQUARE}')", False),  # not closed: closed here, so west
    (f"geofence('north', '{SQUARE}')", ""),
]


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_function(source: str, expected: object) -> None:
    value = parse_expression(source).evaluate(ANSWERS)
    assert value == expected
    if isinstance(expected, bool | str):
        assert type(value) is type(expected)


def test_without_an_argument_normalize_space_and_string_length_read_the_answer() -> None:
    rule = parse_expression("string-length(normalize-space()) >= 3 and string-length() < 10")
    assert rule.uses_current()
    assert rule.evaluate({}, "  a  b  ") is True  # "a b": 3 characters; 8 as typed
    assert rule.evaluate({}, " a ") is False


def test_uuid_is_a_version_4_uuid_and_a_length_gives_that_many_characters() -> None:
    first, second = (parse_expression("uuid()").evaluate({}) for _ in range(2))
    shape = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
    assert shape.fullmatch(first) and shape.fullmatch(second) and first != second
    assert re.fullmatch(r"[0-9A-Z]{8}", parse_expression("uuid(8)").evaluate({}))
    assert parse_expression("uuid(100000)").evaluate({}) == ""  # bounded


def test_random_is_a_number_from_zero_to_one() -> None:
    values = {parse_expression("random()").evaluate({}) for _ in range(20)}
    assert all(Decimal(0) <= value < Decimal(1) for value in values) and len(values) > 1


def test_a_weighted_checklist_needs_pairs() -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_expression("weighted-checklist(1, 2, ${n})")
    assert (
        shown(caught.value.message, "vi")
        == "hàm weighted-checklist() cần số chẵn đối số (vị trí 0)"
    )


@pytest.mark.parametrize(
    ("source", "vietnamese"),
    [
        ("jr:itext('x')", "hàm ODK jr:itext() không dùng được ở vị trí 0: bot hiển thị nhãn"),
        ("randomize(${n})", "hàm ODK randomize() không dùng được ở vị trí 0: bot liệt kê"),
        ("version()", "hàm ODK version() không dùng được ở vị trí 0: bot không đọc phiên bản"),
        ("property('deviceid')", "hàm ODK property() không dùng được ở vị trí 0: bot không có"),
        ("1 + current()", "hàm ODK current() không dùng được ở vị trí 4: đường dẫn current()"),
        ("extract-signed(${n}, 'k')", "hàm ODK extract-signed() không dùng được ở vị trí 0"),
        ("/data/n > 1", "đường dẫn XPath ở vị trí 0 không được hỗ trợ"),
        ("${n}/x", "đường dẫn XPath ở vị trí 4 không được hỗ trợ"),
        ("${n} = ’yes’", "dấu nháy cong ’ ở vị trí 7: biểu thức cần dấu nháy thẳng"),
        ("${last-saved#n} + 1", "${last-saved#...} ở vị trí 0 chưa được hỗ trợ"),
    ],
)
def test_odk_functions_the_bot_cannot_run_are_refused_with_the_reason(
    source: str, vietnamese: str
) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_expression(source)
    assert shown(caught.value.message, "vi").startswith(vietnamese)


@pytest.mark.parametrize(
    "source",
    [
        "translate(., 'abc', 'xyz')",
        "normalize-space(.)",
        "digest(., 'SHA-512', 'hex')",
        "string-length(join(., ., ., .))",
        "substring-after(., 'b')",
        "exp10(.)",
        "sqrt(.)",
        "checklist(1, 2, ., ., .)",
    ],
)
def test_hostile_answers_take_bounded_time(source: str) -> None:
    """Each runs on a 1,000,000-character answer (cut to 100,000) and on a huge number."""
    expression = parse_expression(source)
    for answer in ("a " * 500_000, "9" * 99):
        started = time.perf_counter()
        expression.evaluate({}, current=answer)
        assert time.perf_counter() - started < 2.0  # generous for a loaded machine


def test_join_with_a_pasted_separator_over_a_list_stops_at_the_text_limit() -> None:
    """An officer pastes 65,000 characters into the answer an admin's join() uses as its
    separator, over a 1,000-row list: the text is cut at 100,000 characters as it is built
    (it used to build 65 MB first; 1.24 GB over 20,000 rows)."""
    rows = tuple({"name": f"r{i}", "label": "x"} for i in range(1_000))
    expression = parse_expression("join(${s}, instance('a')/root/item/name)", lists={"a": rows})
    pasted = "-" * 65_000
    tracemalloc.start()
    try:
        value = expression.evaluate({"s": pasted})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # by hand: r0, the 65,000 dashes, r1, then 34,996 of the next 65,000 dashes
    assert value == "r0" + pasted + "r1" + "-" * 34_996
    assert peak < 10_000_000
    short = parse_expression("join(${s}, instance('a')/root/item[position() < 4]/name)",
                             lists={"a": rows})  # fmt: skip
    assert short.evaluate({"s": ", "}) == "r0, r1, r2"


def test_an_unanchored_regex_is_pointed_out_in_the_preview(tmp_path: Path) -> None:
    """ODK Collect's regex() needs the whole answer to match, web forms (Enketo) and the bot
    a part: '[0-9]{10}' lets 11 digits through here. The preview says so, row and fix."""
    survey = [
        ["type", "name", "label", "constraint"],
        ["text", "sdt", "Số điện thoại", "regex(., '[0-9]{10}')"],
        ["text", "ma", "Mã", "regex(., '^[A-Z]{2}$')"],  # anchored: the same everywhere
        ["text", "so", "Số", "regex(., 'a|b')"],
        # '^a' or 'b$': Collect takes only "a" or "b", the bot any answer starting with a
        ["text", "hai", "Hai", "regex(., '^a|b$')"],
        ["text", "nhom", "Nhóm", "regex(., '^(a|b)$')"],  # anchored: the same everywhere
        ["text", "do", "Đô", "regex(., '[0-9]+\\$')"],  # \$ is a dollar sign, not the end
    ]
    result = load_xlsform(write_workbook(tmp_path / "f.xlsx", survey))
    assert result.issues == [], [str(i) for i in result.issues]
    notes = [shown(warning, "vi") for warning in result.warnings if "regex" in warning]
    assert notes == [
        "survey, dòng 2, cột constraint: regex '[0-9]{10}' không có ^…$: ODK Collect đòi cả câu "
        "trả lời khớp, bot (như biểu mẫu web) nhận câu trả lời chỉ chứa một đoạn khớp; muốn "
        "khớp cả câu trả lời thì viết '^[0-9]{10}$'",
        "survey, dòng 4, cột constraint: regex 'a|b' không có ^…$: ODK Collect đòi cả câu "
        "trả lời khớp, bot (như biểu mẫu web) nhận câu trả lời chỉ chứa một đoạn khớp; muốn "
        "khớp cả câu trả lời thì viết '^(a|b)$'",
        "survey, dòng 5, cột constraint: regex '^a|b$' không có ^…$: ODK Collect đòi cả câu "
        "trả lời khớp, bot (như biểu mẫu web) nhận câu trả lời chỉ chứa một đoạn khớp; muốn "
        "khớp cả câu trả lời thì viết '^(a|b)$'",
        "survey, dòng 7, cột constraint: regex '[0-9]+\\$' không có ^…$: ODK Collect đòi cả "
        "câu trả lời khớp, bot (như biểu mẫu web) nhận câu trả lời chỉ chứa một đoạn khớp; "
        "muốn khớp cả câu trả lời thì viết '^[0-9]+\\$$'",
    ]
    answers = parse_expression("regex(., '[0-9]{10}')")
    assert answers.evaluate({}, "09123456789") is True  # 11 digits: what the note warns about
