"""Template and XLSForm problems reach the admin in their language (issues 15 and 16):
each is a catalogue code with parameters, names the offending value and its place, and says
how to fix it; no English is left inside a Vietnamese message."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

from reportbot.coordination.publishing import xlsform_texts
from reportbot.coordination.publishing.publish import check_template_file
from reportbot.coordination.publishing.xlsform import load_xlsform
from reportbot.forms import check_texts, check_texts_indicators, check_texts_rules
from reportbot.forms.diagnostics import FIX, Said, shown
from reportbot.forms.loader import parse_yaml_template
from reportbot.vocabulary.catalogue import placeholders

ROOT = Path(__file__).resolve().parents[1]
CATALOGUES = {
    "formcheck": check_texts.TEXTS,
    "formrule": check_texts_rules.TEXTS,
    "formindicator": check_texts_indicators.TEXTS,
    "xlsform": xlsform_texts.TEXTS,
}
# Words of the English messages admins used to read inside a Vietnamese frame.
ENGLISH_WORDS = [
    "must",
    "is",
    "not",
    "are",
    "the",
    "of",
    "a",
    "an",
    "cannot",
    "needs",
    "needed",
    "unknown",
    "invalid",
    "duplicate",
    "reserved",
    "supported",
    "ignored",
    "only",
    "letters",
    "digits",
    "question",
    "questions",
    "list",
    "sheet",
    "row",
    "column",
    "expected",
    "got",
    "empty",
    "required",
    "without",
    "with",
    "from",
    "text",
    "number",
    "choice",
    "choices",
    "value",
    "values",
    "never",
    "mean",
    "did",
    "file",
    "workbook",
    "read",
    "deadline",
    "deadlines",
    "period",
    "start",
    "after",
    "before",
    "expression",
    "unexpected",
    "missing",
    "inside",
    "loop",
    "label",
    "labels",
    "mapping",
    "officers",
    "see",
    "language",
]
# Names an admin writes in the file (columns, types, keywords) are quoted as they are.
IDENTIFIERS = re.compile(
    r"\b(?:label::vi|list_name|form_title|form_id|constraint_message|choice_filter|"
    r"repeat_count|unit_types|select_one|select_multiple|six_monthly|one_off|begin repeat|"
    r"end group|end repeat|begin loop over|begin loop|end loop|calculate|calculation|"
    r"relevant|constraint|required|default|choices|survey|settings|deadlines|reminders|"
    r"parameters|repeats|metadata|questions|version|period|title|label|name|type|key|kind|id|note|text|"
    r"integer|decimal|start|end|step|yes|no|vi|en|value|group|range|min|max|regex|xlsform\.org)\b"
)
DETAILS = ("expr_", "default_", "period_", "warn_", "at_", "where_", "fix_line")


def _codes() -> list[tuple[str, str, dict[str, str]]]:
    return [
        (namespace, code, texts)
        for namespace, table in CATALOGUES.items()
        for code, texts in table.items()
    ]


def _vi_without_values(texts: dict[str, str]) -> str:
    params = {name: "«X»" for name in placeholders(texts["vi"])}
    text = texts["vi"].format_map(params)
    text = re.sub(r"\$\{[^}]*\}", " ", text.replace("«X»", " "))  # ${q}: a name
    return IDENTIFIERS.sub(" ", text)


@pytest.mark.parametrize(("namespace", "code", "texts"), _codes(), ids=lambda v: str(v)[:40])
def test_every_problem_reads_in_vietnamese_without_english_words(
    namespace: str, code: str, texts: dict[str, str]
) -> None:
    words = set(re.findall(r"\w+", _vi_without_values(texts).lower()))
    assert not words & set(ENGLISH_WORDS), f"{namespace}:{code}: {texts['vi']!r}"
    assert texts["en"].strip()


def test_every_problem_has_a_line_saying_how_to_fix_it() -> None:
    missing = [
        f"{namespace}:{code}"
        for namespace, code, _texts in _codes()
        if not code.endswith(FIX)
        and not code.startswith(DETAILS)
        and code + FIX not in CATALOGUES[namespace]
    ]
    assert "formrule:period_problem" not in missing
    assert missing == []


YAML = """key: bao_cao
title: Báo cáo
period: {kind: annual, deadlines: ["20/12"]}
questions:
  - id: co_ke_hoach
    type: yes_no
    label: Có kế hoạch?
  - id: so
    type: integr
    label: Số
    relevant: "${co_ke_hoach} = 'có'"
"""


def test_a_yaml_problem_names_file_line_value_and_fix_in_each_language() -> None:
    template, issues = parse_yaml_template(YAML, "bao_cao.yaml")
    assert template is None
    vi = [issue.render("vi") for issue in issues]
    assert vi[0] == (
        "bao_cao.yaml, dòng 9, so: type: loại câu hỏi 'integr' không có; các loại: "
        + vi[0].split("các loại: ", 1)[1]
    )
    assert "→ Cách sửa: Chọn một loại trong danh sách" in vi[0]
    assert vi[1].startswith(
        "bao_cao.yaml, dòng 11, so: relevant: ${co_ke_hoach} không bao giờ có giá trị 'có' "
        "(các giá trị: 'yes', 'no')\n  → Cách sửa: "
    )
    english = issues[1].render("en")
    assert english.startswith(str(issues[1]) + "\n  → How to fix: Compare with a choice value")
    assert isinstance(issues[1].message, Said) and issues[1].message.key.endswith(
        "impossible_value"
    )


INDICATORS = (
    YAML.replace("type: integr", "type: integer").split("    relevant")[0]
    + """indicators:
  - {key: co, kind: count, question: so, value: "yes", target: 150, label: Số đơn vị có}
"""
)


def test_an_indicator_problem_reads_in_vietnamese_with_its_fix() -> None:
    template, issues = parse_yaml_template(INDICATORS, "bao_cao.yaml")
    assert template is None
    vi = [issue.render("vi") for issue in issues]
    assert vi == [
        "bao_cao.yaml, dòng 12, chỉ tiêu co: question: 'so' là câu hỏi loại integer, cần loại "
        "select_multiple, select_one, yes_no\n  → Cách sửa: Chọn một câu hỏi thuộc loại "
        "select_multiple, select_one, yes_no."
    ]
    assert str(issues[0]).endswith(
        "question: 'so' is a integer question, not " + ("select_multiple, select_one, yes_no")
    )
    assert (
        issues[0]
        .render("en")
        .endswith(
            "→ How to fix: Choose a question of type " + ("select_multiple, select_one, yes_no.")
        )
    )


def _workbook(path: Path, *, relevant: str, extra_sheet: str = "choises") -> Path:
    book = Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(["type", "name", "label", "requried", "relevant"])
    survey.append(["select_one yn", "co_ke_hoach", "Có kế hoạch?", "yes", None])
    survey.append(["integer", "so_nguoi", "Số người", None, relevant])
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", "label"])
    choices.append(["yn", "yes", "Có"])
    choices.append(["yn", "no", "Không"])
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id"])
    settings.append(["Kế hoạch", "ke_hoach"])
    book.create_sheet(extra_sheet).append(["ghi chú"])
    book.save(path)
    return path


def test_an_impossible_comparison_in_an_xlsform_is_refused_on_its_row(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "ke_hoach.xlsx", relevant="${co_ke_hoach} = 'có'")
    result = load_xlsform(path)
    assert result.template is None
    (issue,) = result.issues
    assert (issue.sheet, issue.row, issue.column) == ("survey", 3, "relevant")
    assert issue.render("vi").startswith(
        "ke_hoach.xlsx: trang survey, dòng 3, cột relevant: ${co_ke_hoach} không bao giờ có "
        "giá trị 'có' (các giá trị: 'yes', 'no')\n  → Cách sửa: So sánh với giá trị"
    )


def test_the_preview_warns_of_a_misspelt_column_and_an_unknown_sheet(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "ke_hoach.xlsx", relevant="${co_ke_hoach} = 'yes'")
    check = check_template_file(path, "ke_hoach.xlsx", "vi")
    assert check.errors == [] and check.template is not None
    assert "cột “requried” bị bỏ qua: bot không đọc cột này — có phải “required”?" in (
        check.warnings
    )
    assert "trang “choises” bị bỏ qua: có phải “choices”?" in check.warnings
    english = check_template_file(path, "ke_hoach.xlsx", "en").warnings
    assert "column “requried” ignored: did you mean “required”?" in english
    assert all(shown(w, "vi") == w for w in check.warnings)


def _validate(paths: list[Path], locale: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPORTBOT_")}
    env |= {"PYTHONPATH": str(ROOT), "REPORTBOT_LOCALE": locale}
    return subprocess.run(
        [sys.executable, "-m", "reportbot.cli", "forms", "validate", *map(str, paths)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
        check=False,
    )


def test_forms_validate_reads_workbooks_and_speaks_the_cli_language(tmp_path: Path) -> None:
    bad = _workbook(tmp_path / "sai.xlsx", relevant="${co_ke_hoach} = 'có'")
    good = _workbook(tmp_path / "dung.xlsx", relevant="${co_ke_hoach} = 'yes'")
    refused = _validate([bad], "vi", tmp_path)
    assert refused.returncode == 1, refused.stderr
    assert f"{bad}: trang survey, dòng 3, cột relevant: ${{co_ke_hoach}} không bao giờ" in (
        refused.stdout
    )
    assert "→ Cách sửa:" in refused.stdout
    assert not {"never", "column", "row"} & set(re.findall(r"[a-z]+", refused.stdout))
    accepted = _validate([good], "en", tmp_path)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert f"{good}: note: column “requried” ignored: did you mean “required”?" in (accepted.stdout)
    assert f"{good}: OK (ke_hoach, 2 questions)" in accepted.stdout
