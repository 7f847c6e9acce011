"""The command's operations surface: `--version`, and OS errors as one line with exit code 1.

The tests run the real command as a subprocess on a SQLite database filled by a piped-in
report, as an admin would. Paths are made unusable in ways that hold even for root (a file
where a folder should be, a folder where a file should be, /proc which refuses new files);
the permission case runs too when the tests are not run as root.
"""

from __future__ import annotations

import os
from importlib.metadata import version
from pathlib import Path

import pytest

from tests.conftest import FORMS_DIR, ROOT
from tests.support import nq57_lines
from tests.test_cli import run_cli

FORM = "nq57_bao_cao_6_thang"


@pytest.fixture(scope="module")
def filed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A folder with a database holding one filed report whose sheet change is still pending."""
    folder = tmp_path_factory.mktemp("ops-cli")
    (folder / "a-file").write_text("not a folder\n")
    env = {
        "REPORTBOT_DATABASE_URL": f"sqlite://{folder / 'bot.db'}",
        "REPORTBOT_FORMS_DIR": str(FORMS_DIR),
        # The mirror cannot be written during the chat: the change stays pending for `flush`.
        "REPORTBOT_MIRROR_XLSX": str(folder / "a-file" / "mirror.xlsx"),
    }
    lines = ["/baocao", "1", *nq57_lines()[1:]]
    result = run_cli(["chat"], env=env, cwd=folder, stdin="\n".join(lines) + "\n", timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return folder, env


def one_clear_line(result, path: str) -> str:
    """Exit 1, no traceback, exactly one `reportbot:` line, naming `path`; return it."""
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output and 'File "' not in output
    lines = [line for line in output.splitlines() if line.startswith("reportbot: ")]
    assert len(lines) == 1, output
    assert path in lines[0], lines[0]
    return lines[0]


def test_version_comes_from_the_package_metadata(tmp_path: Path) -> None:
    result = run_cli(["--version"], env={}, cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.strip() == f"reportbot {version('reportbot')}"


def test_report_to_a_path_under_a_file_is_one_line(filed) -> None:
    folder, env = filed
    target = folder / "a-file" / "report.xlsx"
    result = run_cli(["report", "--form", FORM, "--output", str(target)], env=env, cwd=folder)
    line = one_clear_line(result, str(folder / "a-file"))
    assert line.startswith("reportbot: ") and "(File exists)" in line


def test_report_onto_a_folder_is_one_line(filed) -> None:
    folder, env = filed
    (folder / "a-folder.xlsx").mkdir(exist_ok=True)
    target = folder / "a-folder.xlsx"
    result = run_cli(["report", "--form", FORM, "--output", str(target)], env=env, cwd=folder)
    line = one_clear_line(result, str(target))
    assert "đây là thư mục, không phải tệp" in line and "Is a directory" not in line


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder anyway")
def test_report_into_a_read_only_folder_is_one_line(filed) -> None:
    folder, env = filed
    locked = folder / "locked"
    locked.mkdir(exist_ok=True)
    locked.chmod(0o500)
    try:
        target = locked / "report.xlsx"
        result = run_cli(["report", "--form", FORM, "--output", str(target)], env=env, cwd=folder)
        assert "không có quyền" in one_clear_line(result, str(locked))
    finally:
        locked.chmod(0o700)


@pytest.mark.skipif(not Path("/proc/self").exists(), reason="needs Linux /proc")
def test_sheets_flush_into_a_folder_that_refuses_files_is_one_line(filed) -> None:
    folder, env = filed
    result = run_cli(
        ["sheets", "flush"], env={**env, "REPORTBOT_MIRROR_XLSX": "/proc/m.xlsx"}, cwd=folder
    )
    line = one_clear_line(result, "/proc/")
    assert "No such file or directory" in line  # the reason, in the one line


def test_sheets_flush_to_a_path_under_a_file_is_one_line(filed) -> None:
    folder, env = filed
    result = run_cli(["sheets", "flush"], env=env, cwd=folder)
    one_clear_line(result, str(folder / "a-file" / "mirror.xlsx"))


def test_status_reads_without_changing_anything(filed) -> None:
    folder, env = filed
    before = (folder / "bot.db").stat().st_mtime_ns
    result = run_cli(["status"], env=env, cwd=folder)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"reportbot {version('reportbot')}" in out
    shipped = sorted(f.stem for f in (ROOT / "migrations").glob("0*.py"))
    applied = f"migration: {len(shipped)}, mới nhất {shipped[-1]}"
    assert f"kết nối được; {applied}" in out
    assert "Mẫu báo cáo đang dùng: 2" in out  # the two shipped forms
    assert "Đơn vị / người dùng: 7 / 2" in out  # demo: 7 units, an officer and a coordinator
    assert "Hàng đợi gửi: 1," in out  # the sheet change the broken mirror kept
    assert (folder / "bot.db").stat().st_mtime_ns == before


def test_status_on_a_database_never_migrated_says_so(tmp_path: Path) -> None:
    env = {"REPORTBOT_DATABASE_URL": f"sqlite://{tmp_path / 'empty.db'}"}
    result = run_cli(["status"], env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert "reportbot db migrate" in result.stdout and "Traceback" not in result.stderr


def test_status_names_the_migrations_an_upgrade_has_not_applied(tmp_path: Path) -> None:
    import sqlite3

    database = tmp_path / "old.db"
    env = {"REPORTBOT_DATABASE_URL": f"sqlite://{database}"}
    assert run_cli(["db", "migrate"], env=env, cwd=tmp_path).returncode == 0
    shipped = sorted(f.stem for f in (ROOT / "migrations").glob("0*.py"))
    with sqlite3.connect(database) as connection:  # as if the newest one came with an upgrade
        connection.execute("DELETE FROM tortoise_migrations WHERE name = ?", (shipped[-1],))
    result = run_cli(["status"], env=env, cwd=tmp_path)
    assert result.returncode == 1
    expected = f"  chưa chạy 1 migration ({shipped[-1]}): chạy `reportbot db migrate`"
    assert expected in result.stdout.splitlines()
    result = run_cli(["status"], env={**env, "REPORTBOT_LOCALE": "en"}, cwd=tmp_path)
    assert f"  migrations not applied: 1 ({shipped[-1]}); run" in result.stdout
