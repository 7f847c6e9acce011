"""The `reportbot` command as a new user runs it: a whole report piped into `reportbot chat`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from reportbot.store.models import Answer, FormTemplateRecord, Submission
from tests.conftest import FORMS_DIR, ROOT
from tests.support import NQ57_SCRIPT, nq57_lines

REPORTBOT = [sys.executable, "-m", "reportbot.cli"]


def run_cli(
    args: list[str], *, env: dict[str, str], cwd: Path, stdin: str = "", timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run the command with a clean REPORTBOT_* environment."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("REPORTBOT_")}
    base["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [*REPORTBOT, *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**base, **env},
        timeout=timeout,
        check=False,
    )


async def test_whole_report_piped_into_chat_lands_in_the_database(db: str, tmp_path: Path) -> None:
    lines = ["/baocao", "1", *nq57_lines()[1:]]
    result = run_cli(
        ["chat"],
        env={"REPORTBOT_DATABASE_URL": db, "REPORTBOT_FORMS_DIR": str(FORMS_DIR)},
        cwd=tmp_path,
        stdin="\n".join(lines) + "\n",
    )
    assert result.returncode == 0, result.stderr
    assert "Câu 1/" in result.stdout and "✅ Đã gửi" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    submission = await Submission.get(unit__code="hoiphunu")
    assert submission.status == "submitted"
    expected = {qid for qid, _, value in NQ57_SCRIPT if value is not None}
    stored = set(await Answer.filter(submission=submission).values_list("question_id", flat=True))
    assert stored == expected
    assert await FormTemplateRecord.filter(key="nq57_bao_cao_6_thang").count() == 1


def test_forms_validate_accepts_the_shipped_forms(tmp_path: Path) -> None:
    files = sorted(str(p) for p in FORMS_DIR.glob("*.yaml"))
    result = run_cli(["forms", "validate", *files], env={}, cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert result.stdout.count(": OK") == len(files)


def test_forms_validate_lists_every_error_with_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "key: Bad Key\n"
        "title: {vi: Mẫu lỗi}\n"
        "period: {kind: six_monthly, deadlines: ['20/06', '20/12']}\n"
        "questions:\n"
        "  - id: so_luong\n"
        "    type: integr\n"
        "    label: Số lượng\n"
        "  - id: so_luong\n"
        "    type: integer\n"
        "    label: Lặp\n"
        "    relevant: ${khong_co} > 0\n",
        encoding="utf-8",
    )
    result = run_cli(["forms", "validate", str(bad)], env={"REPORTBOT_LOCALE": "en"}, cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert f"{bad}:1: key:" in lines[0]
    assert any(line.startswith(f"{bad}:6: so_luong: type 'integr'") for line in lines)
    assert any(line.startswith(f"{bad}:8: so_luong: duplicate id") for line in lines)
    assert any(f"{bad}:11: so_luong: relevant: ${{khong_co}}" in line for line in lines)


def test_forms_load_is_idempotent_and_versions_changes(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path / 'forms.db'}"
    form = tmp_path / "mau.yaml"
    text = (FORMS_DIR / "example_monthly.yaml").read_text(encoding="utf-8")
    form.write_text(text, encoding="utf-8")
    env = {"REPORTBOT_DATABASE_URL": url}
    first = run_cli(["forms", "load", str(form)], env=env, cwd=tmp_path)
    again = run_cli(["forms", "load", str(form)], env=env, cwd=tmp_path)
    form.write_text(text + "\n# a comment changes nothing\n", encoding="utf-8")
    comment = run_cli(["forms", "load", str(form)], env=env, cwd=tmp_path)
    form.write_text(text.replace("required: true", "required: false", 1), encoding="utf-8")
    changed = run_cli(["forms", "load", str(form)], env=env, cwd=tmp_path)
    assert "phiên bản 1 (phiên bản mới)" in first.stdout
    assert "phiên bản 1 (không đổi)" in again.stdout and "(không đổi)" in comment.stdout
    assert "phiên bản 2 (phiên bản mới)" in changed.stdout
    listing = run_cli(["forms", "list"], env=env, cwd=tmp_path)
    assert listing.stdout.count("bao_cao_nhanh_cds_hang_thang") == 2


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("REPORTBOT_TIMEZONE", "Mars/Olympus"),
        ("REPORTBOT_LOCALE", "fr"),
        ("REPORTBOT_DATABASE_URL", "mysql://x"),
        ("REPORTBOT_HTTP_PORT", "99999"),
    ],
)
def test_a_wrong_setting_stops_with_one_line_naming_it(
    tmp_path: Path, variable: str, value: str
) -> None:
    result = run_cli(["chat"], env={variable: value}, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert variable in result.stderr and "Traceback" not in result.stderr


def test_an_unreachable_database_is_one_clear_line(tmp_path: Path) -> None:
    env = {"REPORTBOT_DATABASE_URL": "postgres://postgres@127.0.0.1:1/none"}
    result = run_cli(["db", "migrate"], env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert "Không kết nối được cơ sở dữ liệu" in result.stderr
    assert "Traceback" not in result.stderr and result.stderr.strip().count("\n") == 0


def test_a_sqlite_file_in_a_missing_folder_is_one_clear_line(tmp_path: Path) -> None:
    env = {"REPORTBOT_DATABASE_URL": f"sqlite://{tmp_path / 'no' / 'such' / 'bot.db'}"}
    result = run_cli(["chat"], env=env, cwd=tmp_path, timeout=30)
    assert result.returncode == 1
    assert "thư mục" in result.stderr and "không tồn tại" in result.stderr
    assert "does not exist" not in result.stderr  # one language at a time
    assert "Traceback" not in result.stderr and result.stderr.strip().count("\n") == 0
