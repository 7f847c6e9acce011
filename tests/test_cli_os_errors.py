"""An operating-system error is one line wholly in the reader's language for the causes an
admin meets (docs: errno(3)); only rarer ones keep the system's own English text."""

from __future__ import annotations

import errno
import os

import pytest

from reportbot.cli.errors import describe_os_error

COMMON = {
    errno.ENOENT: ("không tìm thấy tệp hoặc thư mục", "no such file or folder"),
    errno.EACCES: ("không có quyền truy cập", "permission denied"),
    errno.EPERM: ("không được phép", "not permitted"),
    errno.ENOSPC: ("hết dung lượng đĩa", "the disk is full"),
    errno.EROFS: ("ổ đĩa chỉ cho đọc", "the disk is read-only"),
    errno.EISDIR: ("đây là thư mục, không phải tệp", "this is a folder, not a file"),
    errno.ENOTDIR: (
        "một phần của đường dẫn không phải thư mục",
        "part of the path is not a folder",
    ),
}


@pytest.mark.parametrize("code", sorted(COMMON))
def test_a_common_cause_is_said_in_one_language(code: int) -> None:
    error = OSError(code, os.strerror(code), "/srv/bao-cao.xlsx")
    vi, en = COMMON[code]
    assert describe_os_error(error, "vi") == f"/srv/bao-cao.xlsx: {vi}"
    assert describe_os_error(error, "en") == f"/srv/bao-cao.xlsx: {en}"


def test_a_rarer_cause_keeps_the_systems_words_to_search_for() -> None:
    error = OSError(errno.EEXIST, os.strerror(errno.EEXIST), "/srv/a")
    assert describe_os_error(error, "vi") == f"/srv/a: đã có một tệp trùng tên ({error.strerror})"
    assert describe_os_error(error, "en") == f"/srv/a: {error.strerror}"
    unknown = OSError(errno.EIO, os.strerror(errno.EIO), "/dev/sdz")
    assert describe_os_error(unknown, "vi") == f"/dev/sdz: {unknown.strerror}"


@pytest.fixture
def cli(tmp_path, monkeypatch: pytest.MonkeyPatch):
    """`reportbot` in this process on a fresh SQLite database, Vietnamese."""
    from reportbot.cli import main

    for name in [k for k in os.environ if k.startswith("REPORTBOT_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("REPORTBOT_DATABASE_URL", f"sqlite://{tmp_path / 'bot.db'}")
    return main


def test_an_import_of_a_missing_file_says_why_in_one_language(
    cli, tmp_path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "khong-co.csv"
    assert cli(["units", "import", str(missing)]) == 1
    assert f"{missing}:1: tệp: không đọc được tệp: không tìm thấy tệp hoặc thư mục" in (
        capsys.readouterr().out
    )
    assert cli(["forms", "import", str(tmp_path / "khong-co.yaml")]) == 1
    out = capsys.readouterr().out
    assert "không đọc được tệp: không tìm thấy tệp hoặc thư mục" in out
    assert "No such file" not in out
    monkeypatch.setenv("REPORTBOT_LOCALE", "en")
    assert cli(["people", "import", str(tmp_path)]) == 1  # a folder, not a file
    assert f"{tmp_path}:1: file: cannot read: this is a folder, not a file" in (
        capsys.readouterr().out
    )


def test_a_mistyped_workbook_name_is_told_to_check_the_path_not_to_save_yaml(
    cli, tmp_path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An admin who mistypes `mau.xlsx` was told to save the file as UTF-8 YAML: a file that
    cannot be opened at all is a path to check, whatever its kind."""
    assert cli(["forms", "import", str(tmp_path / "mau-tiem-chung.xlsx")]) == 1
    out = capsys.readouterr().out
    assert "không đọc được tệp: không tìm thấy tệp hoặc thư mục" in out
    assert "→ Cách sửa: Kiểm tra lại tên và đường dẫn của tệp (và quyền đọc tệp)." in out
    assert "YAML" not in out
    monkeypatch.setenv("REPORTBOT_LOCALE", "en")
    assert cli(["forms", "import", str(tmp_path / "mau-tiem-chung.xlsx")]) == 1
    out = capsys.readouterr().out
    assert "→ How to fix: Check the file's name and path (and that it may be read)." in out
    assert "YAML" not in out
