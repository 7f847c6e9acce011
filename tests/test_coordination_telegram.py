"""Admin and coordinator commands over the real Telegram connector, against the fake Bot API."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pyxform.xls2json_backends import md_table_to_workbook

from connectors.telegram import TelegramConnector, create
from reportbot.app import Application
from reportbot.config import Settings
from reportbot.store.models import FormTemplateRecord, Identity, Invite, Person
from tests.conftest import FakeClock
from tests.fakes.telegram import BOT_USERNAME, FakeTelegram, bot_env
from tests.support import load_shipped_forms
from tests.test_coordination_chat import XLSFORMS, seed_people, seed_reports

ADMIN = 424242
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
async def telegram_app(
    db: str, clock: FakeClock, tmp_path: Path, tg: FakeTelegram
) -> AsyncIterator[Application]:
    """The bot with the coordination commands and a Telegram connector; an admin on Telegram."""
    await seed_people()
    await load_shipped_forms()
    admin = await Person.get(role="admin")
    await Identity.create(
        platform="telegram", external_id=str(ADMIN), chat_id=str(ADMIN), person=admin
    )
    settings = Settings(database_url=db, media_dir=tmp_path / "media", env=bot_env(tg))
    app = Application(settings, clock=clock)
    await app.service.start()
    connector = create(app.context_for()("telegram"))
    assert isinstance(connector, TelegramConnector)
    app.connectors.append(connector)
    await connector.start()
    yield app
    await connector.stop()
    await app.service.close()


def workbook_bytes(name: str, folder: Path) -> bytes:
    path = folder / f"{Path(name).stem}.xlsx"
    md_table_to_workbook((XLSFORMS / name).read_text(encoding="utf-8")).save(path)
    return path.read_bytes()


async def test_an_xlsform_sent_on_telegram_is_checked_then_published(
    telegram_app: Application, tg: FakeTelegram, tmp_path: Path
) -> None:
    bad = workbook_bytes("many_errors.md", tmp_path)
    tg.enqueue(tg.document_update(ADMIN, bad, "mau loi.xlsx", XLSX_MIME))
    (errors,) = await tg.wait_bot_messages(ADMIN, 1)
    assert errors["text"].startswith("❌ Mẫu “mau loi.xlsx” chưa dùng được, có 10 lỗi cần sửa:")
    assert (
        "mau loi.xlsx: trang survey, dòng 9, cột type: loại câu hỏi “xml-external” không dùng được"
        in (errors["text"])
    )

    good = workbook_bytes("nq57_rut_gon.md", tmp_path)
    tg.enqueue(tg.document_update(ADMIN, good, "bao_cao_nhanh.xlsx", XLSX_MIME))
    messages = await tg.wait_bot_messages(ADMIN, 2)
    preview = messages[-1]
    assert "📝 Xem trước mẫu “Báo cáo nhanh Nghị quyết 57”" in preview["text"]
    assert tg.buttons(preview) == [["Có", "Không"]]
    tg.enqueue(tg.press(ADMIN, "Có"))
    await tg.wait_for(
        lambda: any("✅ Đã đăng" in text for text in tg.sent_texts(ADMIN)), what="published"
    )
    assert await FormTemplateRecord.filter(key="nq57_rut_gon", version=1).exists()


async def test_summary_files_and_invites_reach_telegram(
    telegram_app: Application, tg: FakeTelegram, clock: FakeClock
) -> None:
    await seed_reports()
    clock.set_local(datetime(2026, 12, 22, 9, 0))
    tg.enqueue(tg.text_update(ADMIN, "/tonghop"))
    # Three files are rendered in a thread (the chart with matplotlib): seconds on a busy
    # machine, hence a longer deadline than the fake's default.
    await tg.wait_calls("sendPhoto", 1, timeout=60)
    documents = await tg.wait_calls("sendDocument", 2, timeout=60)
    sent = documents[0].files["document"]
    folder = Path(telegram_app.settings.media_dir) / "reports"
    (xlsx,) = folder.glob("*.xlsx")
    assert sent == xlsx.read_bytes()
    assert load_workbook(xlsx).sheetnames[0] == "Tổng hợp"
    assert tg.calls_of("sendPhoto")[0].files["photo"][:8] == b"\x89PNG\r\n\x1a\n"
    summary = next(text for text in tg.sent_texts(ADMIN) if text.startswith("📑 Tổng hợp"))
    assert "Đã nộp 4/7 đơn vị (đúng hạn 3, muộn 1); chưa nộp 3." in summary

    # Without REPORTBOT_TELEGRAM_BOT_USERNAME the link uses the running bot's own username.
    tg.enqueue(tg.text_update(ADMIN, "/moi cns_thon1"))
    await tg.wait_for(
        lambda: any("Mã mời" in text for text in tg.sent_texts(ADMIN)), what="the invite"
    )
    card = next(text for text in tg.sent_texts(ADMIN) if "Mã mời" in text)
    code = re.search(r"Mã mời: ([A-Z0-9]{8})", card).group(1)  # type: ignore[union-attr]
    assert f"https://t.me/{BOT_USERNAME}?start={code}" in card
    assert await Invite.filter(code=code, unit__code="cns_thon1").exists()
