"""The communes left out of the deployment's workbook are named where a coordinator or the IT
officer looks: `reportbot status` (here) and the web page beside the download
(test_web_commune_workbook). Without it, a provincial coordinator reading the deployment's
workbook would take those communes' units for units that filed nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportbot.cli import main

HEAD_VI = (
    "Sổ theo dõi chung không có báo cáo của các xã có bảng tính riêng "
    "(các xã này không phải chưa nộp, báo cáo của họ ở bảng tính riêng):"
)


@pytest.fixture
def deployment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Three communes set up through the CLI: one with a Google sheet, one with a workbook
    path, one with nothing of its own."""
    for name in ("REPORTBOT_LOCALE", "REPORTBOT_GOOGLE_SHEETS_API_URL", "REPORTBOT_SPREADSHEET_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("REPORTBOT_DATABASE_URL", f"sqlite://{tmp_path / 'bot.db'}")
    monkeypatch.setenv("REPORTBOT_MIRROR_XLSX", str(tmp_path / "mirror.xlsx"))
    assert main(["db", "migrate"]) == 0
    assert main(["org", "add", "xa-a", "Xã Đăk Pxi", "--sheet", "1AbC"]) == 0
    assert main(["org", "add", "xa-b", "Xã Ngọc Réo", "--xlsx", "/srv/ngoc-reo.xlsx"]) == 0
    assert main(["org", "add", "xa-c", "Xã Cẩm Thành"]) == 0
    return tmp_path


def _status(capsys: pytest.CaptureFixture[str]) -> list[str]:
    capsys.readouterr()
    main(["status"])
    return capsys.readouterr().out.splitlines()


def test_status_names_the_communes_in_their_own_workbooks(
    deployment: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = _status(capsys)
    at = out.index(HEAD_VI)
    # the local workbook only: a commune given a sheet id is written beside the deployment's
    assert out[at + 1 : at + 3] == [
        f"  Xã Đăk Pxi (xa-a): tệp {deployment / 'mirror-xa-a.xlsx'}",
        "  Xã Ngọc Réo (xa-b): tệp /srv/ngoc-reo.xlsx",
    ]
    assert not any("xa-c" in line for line in out)  # its rows are in the deployment's
    monkeypatch.setenv("REPORTBOT_LOCALE", "en")
    out = _status(capsys)
    at = out.index(
        "The deployment's workbook leaves out the communes with a spreadsheet of their own "
        "(their reports are not missing, they are in that spreadsheet):"
    )
    assert out[at + 2] == "  Xã Ngọc Réo (xa-b): workbook /srv/ngoc-reo.xlsx"


def test_with_google_only_a_commune_with_a_spreadsheet_is_apart(
    deployment: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPORTBOT_GOOGLE_SHEETS_API_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("REPORTBOT_SPREADSHEET_ID", "1Main")
    out = _status(capsys)
    at = out.index(HEAD_VI)
    assert out[at + 1] == (
        "  Xã Đăk Pxi (xa-a): bảng tính Google https://docs.google.com/spreadsheets/d/1AbC"
    )
    # a workbook path alone does not take a commune out of the Google spreadsheet
    assert not any("ngoc-reo" in line or "xa-c" in line for line in out)


def test_status_says_nothing_when_every_commune_is_in_the_workbook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REPORTBOT_LOCALE", raising=False)
    monkeypatch.setenv("REPORTBOT_DATABASE_URL", f"sqlite://{tmp_path / 'bot.db'}")
    assert main(["db", "migrate"]) == 0
    assert main(["org", "add", "xa-c", "Xã Cẩm Thành"]) == 0
    assert not any(line.startswith("Sổ theo dõi chung") for line in _status(capsys))


def test_sheets_status_lists_the_same_communes_as_apart(
    deployment: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    capsys.readouterr()
    assert main(["sheets", "status"]) == 0
    assert "Xã có bảng tính riêng: xa-a, xa-b\n" in capsys.readouterr().out
    monkeypatch.setenv("REPORTBOT_GOOGLE_SHEETS_API_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("REPORTBOT_SPREADSHEET_ID", "1Main")
    assert main(["sheets", "status"]) == 0
    # with Google, xa-b's workbook path alone leaves its rows in the deployment's sheet
    assert "Xã có bảng tính riêng: xa-a\n" in capsys.readouterr().out
