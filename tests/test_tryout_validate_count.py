"""`reportbot forms validate` counts the questions an officer answers, as the publish preview
and the chat do (tryout finding: it said "28 câu hỏi" for the Resolution 57 form whose chat
says "Câu 1/27": the introductory note was counted)."""

from __future__ import annotations

from pathlib import Path

from tests.test_cli import run_cli

FORM = """\
key: thu_dem
version: "1"
title: {vi: Mẫu thử đếm câu}
period: {kind: monthly, deadlines: ["25"]}
questions:
  - id: gioi_thieu
    type: note
    label: {vi: Xin trả lời các câu sau}
  - id: so_lop
    type: integer
    label: {vi: Số lớp}
  - id: ghi_chu
    type: text
    label: {vi: Ghi chú}
"""


def test_validate_counts_answerable_questions_only(tmp_path: Path) -> None:
    path = tmp_path / "thu_dem.yaml"
    path.write_text(FORM, encoding="utf-8")
    result = run_cli(["forms", "validate", str(path)], env={}, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == f"{path}: OK (thu_dem, 2 câu hỏi)"
