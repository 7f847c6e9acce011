"""One spreadsheet per commune (issue 17): each commune given its own sheet receives only its
units' rows, the rest stays in the deployment's; one commune's failing sheet (403) keeps its
own changes and never the other communes'. Real store (SQLite and PostgreSQL), the local
workbook and gspread over HTTP against the Sheets fake."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from connectors.base import Outgoing
from reportbot.cli import main
from reportbot.cli.status import _report
from reportbot.mirror.communes import CommuneRouter
from reportbot.mirror.config import commune_workbook, routed_backend_from_env
from reportbot.mirror.ratelimit import RetryPolicy
from reportbot.mirror.records import STATUS_SHEET_TITLE
from reportbot.mirror.source import StoreMirrorSource
from reportbot.mirror.worker import MirrorWorker
from reportbot.reminders.compose import sheet_notices, with_notices
from reportbot.store import outbox
from reportbot.store.models import FormTemplateRecord, OutboxEntry, Submission, Unit
from reportbot.store.queries.organisations import add_organisation, set_sheet
from tests.conftest import TZ, FakeClock
from tests.fakes.sheets_hub import FakeSheetsHub
from tests.support import load_shipped_forms, seed_commune, store_submission

FAST = RetryPolicy(attempts=2, base_s=0.001, cap_s=0.01)
FILED = datetime(2026, 11, 20, 9, 0, tzinfo=TZ)


async def _two_communes() -> dict[str, int]:
    """Commune A owns hoiphunu, commune B th_dakpxi; vhxh and cns_thon1 stay in the default
    commune. Each of hoiphunu, th_dakpxi and vhxh has filed 2026-H2 (one sheet change each)."""
    await seed_commune()
    await load_shipped_forms()
    a = await add_organisation("xa-a", "Xã Đăk Pxi")
    b = await add_organisation("xa-b", "Xã Ngọc Réo")
    await Unit.filter(code="hoiphunu").update(organisation_id=a.id)
    await Unit.filter(code="th_dakpxi").update(organisation_id=b.id)
    template = await FormTemplateRecord.filter(key="nq57_bao_cao_6_thang").first()
    assert template is not None
    ids = {}
    for code in ("hoiphunu", "th_dakpxi", "vhxh"):
        filed = await store_submission(
            template,
            code,
            {"co_ke_hoach": "yes"},
            status="submitted",
            period_key="2026-H2",
            moment=FILED,
            submitted_at=FILED,
        )
        await outbox.enqueue(outbox.SHEET_TOPIC, str(filed.id), FILED)
        ids[code] = filed.id
    return ids


def _ids(rows: list[list[Any]]) -> list[Any]:
    """The submission ids of a form worksheet (header skipped)."""
    return [row[0] for row in rows[1:] if row and row[0] not in (None, "")]


def _workbook(path: Path) -> dict[str, list[list[Any]]]:
    book = load_workbook(path)
    return {
        name: [list(r) for r in book[name].iter_rows(values_only=True)] for name in book.sheetnames
    }


def _status_units(rows: list[list[Any]]) -> set[str]:
    codes = {"hoiphunu", "th_dakpxi", "cns_thon1", "vhxh"}
    return {str(row[0]) for row in rows if row and row[0] in codes}


async def test_each_commune_workbook_holds_only_its_units(
    db: str, clock: FakeClock, tmp_path: Path
) -> None:
    ids = await _two_communes()
    base = tmp_path / "mirror.xlsx"
    await set_sheet("xa-a", "1AbC-commune-a")  # an id: its workbook is derived from the base
    await set_sheet("Xã Ngọc Réo", None, str(tmp_path / "ngoc-reo.xlsx"))
    backend = routed_backend_from_env({"REPORTBOT_MIRROR_XLSX": str(base)}, tz="Asia/Ho_Chi_Minh")
    worker = MirrorWorker(backend, StoreMirrorSource(TZ, clock=clock))
    assert await worker.run_once() == 3
    assert await OutboxEntry.all().count() == 0

    books = {
        "default": _workbook(base),
        "a": _workbook(commune_workbook(str(base), "xa-a")),
        "b": _workbook(tmp_path / "ngoc-reo.xlsx"),
    }
    assert commune_workbook(str(base), "xa-a") == tmp_path / "mirror-xa-a.xlsx"
    wanted = {"default": ids["vhxh"], "a": ids["hoiphunu"], "b": ids["th_dakpxi"]}
    for name, sheets in books.items():
        forms = [rows for title, rows in sheets.items() if title != STATUS_SHEET_TITLE]
        assert [_ids(rows) for rows in forms] == [[wanted[name]]], name
    # Each status sheet lists its own commune's units only.
    assert _status_units(books["a"][STATUS_SHEET_TITLE]) == {"hoiphunu"}
    assert _status_units(books["b"][STATUS_SHEET_TITLE]) == {"th_dakpxi"}
    assert _status_units(books["default"][STATUS_SHEET_TITLE]) == {"vhxh", "cns_thon1"}
    await backend.close()


async def test_a_commune_without_its_own_sheet_stays_in_the_deployment_workbook(
    db: str, clock: FakeClock, tmp_path: Path
) -> None:
    ids = await _two_communes()
    base = tmp_path / "mirror.xlsx"
    await set_sheet("xa-a", None, str(tmp_path / "a.xlsx"))
    backend = routed_backend_from_env({"REPORTBOT_MIRROR_XLSX": str(base)})
    assert await MirrorWorker(backend, StoreMirrorSource(TZ, clock=clock)).run_once() == 3
    forms = [rows for t, rows in _workbook(base).items() if t != STATUS_SHEET_TITLE]
    assert sorted(_ids(forms[0])) == sorted([ids["th_dakpxi"], ids["vhxh"]])
    assert not (tmp_path / "mirror-xa-b.xlsx").exists()

    # Back to the deployment's sheet: the next change of A's unit goes there again.
    await set_sheet("xa-a", None, None)
    await outbox.enqueue(outbox.SHEET_TOPIC, str(ids["hoiphunu"]), FILED)
    assert await MirrorWorker(backend, StoreMirrorSource(TZ, clock=clock)).run_once() == 1
    forms = [rows for t, rows in _workbook(base).items() if t != STATUS_SHEET_TITLE]
    assert ids["hoiphunu"] in _ids(forms[0])
    await backend.close()


class _Monotonic:
    """The router's pause clock, moved by hand."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


async def test_a_403_on_one_commune_sheet_leaves_the_others_flowing(
    db: str, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = await _two_communes()
    async with FakeSheetsHub("sheet-main", "sheet-a", "sheet-b") as hub:
        env = {
            "REPORTBOT_GOOGLE_SHEETS_API_URL": hub.base_url,
            "REPORTBOT_SPREADSHEET_ID": "sheet-main",
        }
        await set_sheet("xa-a", "sheet-a")
        await set_sheet("xa-b", "sheet-b")
        hub.denied.add("sheet-b")  # nobody shared B's sheet with the service account
        backend = routed_backend_from_env(env, retry=FAST)
        assert isinstance(backend, CommuneRouter)
        pause_clock = backend.clock = _Monotonic()
        source = StoreMirrorSource(TZ, clock=clock)
        worker = MirrorWorker(backend, source)

        assert await worker.run_once() == 2  # A's and the deployment's rows, not B's
        # One request budget for the service account, whichever spreadsheet is written.
        budgets = {
            id(b._writes) for b in [backend.default, backend.backend(_target(backend, "xa-a"))]
        }
        assert len(budgets) == 1
        assert await _sheet_ids(hub, "sheet-main") == [ids["vhxh"]]
        assert await _sheet_ids(hub, "sheet-a") == [ids["hoiphunu"]]
        assert hub.books["sheet-b"].titles() == ["Trang tính1"]  # untouched
        kept = await OutboxEntry.get()
        assert kept.key == str(ids["th_dakpxi"]) and kept.attempts == 1
        assert "403" in (kept.last_error or "") and "xa-b" in (kept.last_error or "")
        assert kept.due_at > clock()  # waits out B's pause; the others are not held behind it
        assert worker.consecutive_failures == 0  # no backoff for everyone
        assert await source.failures() == [(kept.last_error, 1, 1)]
        await _reported(kept.last_error or "", capsys)

        # While B is paused: A's next change is written; B's sheet is not called again.
        calls_to_b = hub.requests.count("sheet-b")
        await Submission.filter(id=ids["hoiphunu"]).update(revision=2)
        await outbox.enqueue(outbox.SHEET_TOPIC, str(ids["hoiphunu"]), clock())
        await outbox.enqueue(outbox.SHEET_TOPIC, str(ids["th_dakpxi"]), clock())
        assert await worker.run_once() == 1
        assert hub.requests.count("sheet-b") == calls_to_b
        revision = await _cell(hub, "sheet-a", "Lần gửi")
        assert revision == 2

        # Someone shares B's sheet; after the pause its rows arrive, in B's sheet only.
        hub.denied.clear()
        pause_clock.now += 301
        clock.advance(seconds=301)
        assert await worker.run_once() == 1
        assert await _sheet_ids(hub, "sheet-b") == [ids["th_dakpxi"]]
        assert await _sheet_ids(hub, "sheet-main") == [ids["vhxh"]]
        assert await OutboxEntry.all().count() == 0
        assert await sheet_notices() == []
        await backend.close()


async def test_a_flush_where_every_sheet_failed_is_not_a_success(db: str, clock: FakeClock) -> None:
    await _two_communes()
    async with FakeSheetsHub("sheet-main", "sheet-a", "sheet-b") as hub:
        env = {
            "REPORTBOT_GOOGLE_SHEETS_API_URL": hub.base_url,
            "REPORTBOT_SPREADSHEET_ID": "sheet-main",
        }
        await set_sheet("xa-a", "sheet-a")
        await set_sheet("xa-b", "sheet-b")
        hub.denied.update({"sheet-main", "sheet-a", "sheet-b"})  # nothing shared at all
        backend = routed_backend_from_env(env, retry=FAST)
        assert isinstance(backend, CommuneRouter)
        backend.clock = _Monotonic()
        worker = MirrorWorker(backend, StoreMirrorSource(TZ, clock=clock))
        assert await worker.run_once() == 0
        assert worker.last_success_at is None  # health must not say the sheet is fine
        assert worker.last_error is not None and "403" in worker.last_error
        assert await OutboxEntry.all().count() == 3  # every change kept
        await backend.close()


def test_org_commands_give_and_take_a_commune_sheet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REPORTBOT_DATABASE_URL", f"sqlite://{tmp_path / 'bot.db'}")
    monkeypatch.delenv("REPORTBOT_LOCALE", raising=False)
    assert main(["db", "migrate"]) == 0
    assert main(["org", "add", "tinh", "Tỉnh Kon Tum", "--kind", "province"]) == 0
    assert main(["org", "add", "xa-a", "Xã Đăk Pxi", "--parent", "tinh", "--sheet", "1AbC"]) == 0
    assert "được ghi vào bảng tính riêng: 1AbC" in capsys.readouterr().out
    assert main(["org", "add", "xa-b", "Xã Ngọc Réo", "--parent", "tinh"]) == 0
    assert main(["org", "set-sheet", "xa-b", "--xlsx", "/srv/ngoc-reo.xlsx"]) == 0
    out = capsys.readouterr().out
    assert "bảng tính riêng: tệp Excel riêng cạnh tệp chung" not in out
    assert "bảng tính riêng: /srv/ngoc-reo.xlsx" in out and "reportbot sheets resync" in out

    refused = {
        ("set-sheet", "mac-dinh", "1X"): "là xã mặc định",
        ("set-sheet", "tinh", "1X"): "không phải xã",
        ("set-sheet", "khong-co", "1X"): "Không tìm thấy xã “khong-co”",
        ("set-sheet", "xa-a"): "Cần mã bảng tính Google, --xlsx ĐƯỜNG_DẪN hoặc --clear",
    }
    for argv, reason in refused.items():
        assert main(["org", *argv]) == 1, argv
        assert reason in capsys.readouterr().err, argv

    assert main(["org", "list"]) == 0
    rows = {line.split(" · ")[0].strip(): line for line in capsys.readouterr().out.splitlines()}
    assert rows["xa-a"].endswith(" · bảng tính riêng: 1AbC · tệp Excel riêng cạnh tệp chung")
    assert rows["xa-b"].endswith(" · bảng tính riêng: /srv/ngoc-reo.xlsx")
    assert "bảng tính riêng" not in rows["mac-dinh"] + rows["tinh"]

    monkeypatch.setenv("REPORTBOT_MIRROR_XLSX", str(tmp_path / "mirror.xlsx"))
    assert main(["sheets", "status"]) == 0
    assert "Xã có bảng tính riêng: xa-a, xa-b\n" in capsys.readouterr().out

    assert main(["org", "set-sheet", "Xã Đăk Pxi", "--clear"]) == 0
    assert "được ghi vào bảng tính chung" in capsys.readouterr().out
    monkeypatch.setenv("REPORTBOT_LOCALE", "en")
    assert main(["org", "list"]) == 0
    out = capsys.readouterr().out
    assert "own spreadsheet: /srv/ngoc-reo.xlsx" in out and "1AbC" not in out
    assert "bảng tính" not in out


async def _reported(error: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The IT officer sees the failing sheet in `reportbot status`; the digest carries it."""
    capsys.readouterr()
    assert await _report("vi") == 0
    out = capsys.readouterr().out
    assert "Lỗi ghi bảng tính: 1\n" in out
    assert f"  ⚠️ {error} (1 thay đổi chờ, 1 lần thử)" in out
    notices = await sheet_notices()
    digest = Outgoing("Tổng hợp")
    assert with_notices(digest, notices, "vi").text.splitlines()[-2:] == [
        "⚠️ Cần quản trị viên xử lý:",
        f"• Không ghi được bảng tính: {error} (1 thay đổi chờ)",
    ]
    assert with_notices(digest, notices, "en").text.splitlines()[-2:] == [
        "⚠️ For the bot's administrator:",
        f"• Cannot write a spreadsheet: {error} (changes waiting: 1)",
    ]
    # The stored error names the commune and quotes Google, in no language of ours: each
    # language's line is wholly in that language (it said "Cannot write bảng tính của …").
    assert error.startswith("Xã Ngọc Réo (xa-b): Google Sheets: ")


def _target(backend: CommuneRouter, key: str) -> Any:
    return next(target for target, _ in backend._backends.values() if target.key == key)


async def _sheet_ids(hub: FakeSheetsHub, spreadsheet_id: str) -> list[Any]:
    book = hub.books[spreadsheet_id]
    forms = [t for t in book.titles() if t not in (STATUS_SHEET_TITLE, "Trang tính1")]
    assert len(forms) == 1, forms
    return _ids(book.values(forms[0]))


async def _cell(hub: FakeSheetsHub, spreadsheet_id: str, header: str) -> Any:
    book = hub.books[spreadsheet_id]
    title = next(t for t in book.titles() if t not in (STATUS_SHEET_TITLE, "Trang tính1"))
    rows = book.values(title)
    return rows[1][rows[0].index(header)]


async def test_resync_moves_a_commune_rows_to_its_new_sheet(
    db: str, clock: FakeClock, tmp_path: Path
) -> None:
    ids = await _two_communes()
    base = tmp_path / "mirror.xlsx"
    backend = routed_backend_from_env({"REPORTBOT_MIRROR_XLSX": str(base)})
    worker = MirrorWorker(backend, StoreMirrorSource(TZ, clock=clock))
    assert await worker.run_once() == 3  # no commune has a sheet yet: all in the deployment's
    await set_sheet("xa-a", None, str(tmp_path / "a.xlsx"))
    assert await worker.resync() == 3
    forms = [rows for t, rows in _workbook(base).items() if t != STATUS_SHEET_TITLE]
    assert sorted(_ids(forms[0])) == sorted([ids["th_dakpxi"], ids["vhxh"]])
    forms = [rows for t, rows in _workbook(tmp_path / "a.xlsx").items() if t != STATUS_SHEET_TITLE]
    assert _ids(forms[0]) == [ids["hoiphunu"]]
    await backend.close()
