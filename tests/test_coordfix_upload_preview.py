"""The admin's chat preview of a template says whose units will be asked: the admin's commune
or province (the form is published for it), or the commune a form already kept, never "tất cả
đơn vị" for a narrower publication."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from connectors.base import Attachment
from reportbot.app import Application
from tests.conftest import FakeClock
from tests.province_support import form_yaml, local, publish, running, seed_province
from tests.support import Chat


@pytest.fixture
async def app(db: str, tmp_path: Path) -> AsyncIterator[Application]:
    organisations = await seed_province()
    await publish("kept_b", "Báo cáo riêng của xã Bình Minh", organisations["xa-b"])
    async with running(db, tmp_path, FakeClock(local(2026, 12, 10, 9, 0))) as application:
        yield application


def upload(folder: Path, key: str, title: str, unit_types: str = "[]") -> Attachment:
    path = folder / f"{key}.yaml"
    path.write_text(form_yaml(key, title, unit_types), encoding="utf-8")
    return Attachment(kind="file", path=str(path), name=path.name, size=path.stat().st_size)


async def preview_line(app: Application, who: str, sent: Attachment) -> str:
    replies = await Chat(app.service, who).send(attachment=sent)
    (line,) = [x for x in replies[0].text.splitlines() if x.startswith("• Đơn vị phải nộp:")]
    return line


async def test_a_communes_admin_is_told_the_form_is_for_their_commune(
    app: Application, tmp_path: Path
) -> None:
    sent = upload(tmp_path, "moi_a", "Báo cáo mới của xã")
    line = await preview_line(app, "a-xa-a", sent)
    assert line == "• Đơn vị phải nộp: tất cả đơn vị thuộc Xã An Bình"


async def test_a_provinces_admin_is_told_the_province(app: Application, tmp_path: Path) -> None:
    sent = upload(tmp_path, "moi_tinh", "Báo cáo mới của tỉnh", "[doan_the]")
    line = await preview_line(app, "a-hoa-binh", sent)
    assert line == "• Đơn vị phải nộp: đoàn thể thuộc Tỉnh Hòa Bình"


async def test_a_new_version_keeps_and_names_the_commune_it_was_for(
    app: Application, tmp_path: Path
) -> None:
    sent = upload(tmp_path, "kept_b", "Báo cáo riêng của xã Bình Minh (sửa)")
    line = await preview_line(app, "a-None", sent)
    assert line == "• Đơn vị phải nộp: tất cả đơn vị thuộc Xã Bình Minh"


async def test_a_new_form_of_the_whole_deployment_is_for_every_unit(
    app: Application, tmp_path: Path
) -> None:
    sent = upload(tmp_path, "moi_chung", "Báo cáo chung")
    assert await preview_line(app, "a-None", sent) == "• Đơn vị phải nộp: tất cả đơn vị"
