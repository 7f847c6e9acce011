"""The web page of one unit's report (/web/don-vi), as served over HTTP, against a hand table.

An officer types a report through the chat; the coordinator opens the unit's page. Each row
is the question's number as the officer saw it ("Câu N"), its label and the answer as the
officer typed it, written the Vietnamese way; a question skipped by its condition leaves a gap
in the numbering and no row. Every expected cell is typed by hand.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from html import unescape
from pathlib import Path

import pytest

from reportbot.forms.loader import parse_yaml_template
from reportbot.store.forms import store_template
from reportbot.store.models import Unit
from tests.conftest import FakeClock
from tests.support import Chat
from tests.test_coordination_chat import seed_people
from tests.test_web_page import Served, client, serving

FORM = """key: so_lieu_web
title: Số liệu thử
period: {kind: six_monthly, deadlines: ["20/06", "20/12"]}
questions:
  - {id: so_nguoi, type: integer, required: true, label: Số người tham dự}
  - {id: kinh_phi, type: decimal, required: true, label: Kinh phí (triệu đồng)}
  - {id: ngay, type: date, required: true, label: Ngày tổ chức}
  - {id: co, type: yes_no, required: true, label: "Đã có kế hoạch?"}
  - {id: ly_do, type: text, required: true, relevant: "${co} = 'no'", label: "Vì sao chưa có?"}
  - id: kenh
    type: select_one
    required: true
    label: Kênh chính
    choices: [{value: web, label: Trang web}, {value: zalo, label: Zalo}]
  - id: su_kien
    type: select_multiple
    required: true
    label: Sự kiện đã tổ chức
    choices:
      - {value: a, label: Ngày KH&CN (18/5)}
      - {value: b, label: Ngày ĐMST (1/10)}
      - {value: c, label: Ngày Chuyển đổi số (10/10)}
  - {id: ghi_chu, type: text, required: true, label: Ghi chú}
"""
TYPED = [
    "/baocao",
    "1.500",
    "12,5",
    "05/03/2026",
    "có",
    "2",
    "1, 3",
    "Dùng <b> & “x”",
    "/gui",
    "có",
]
ROWS = [  # (question, answer) as the page shows them, by hand
    ("1. Số người tham dự", "1.500"),
    ("2. Kinh phí (triệu đồng)", "12,5"),
    ("3. Ngày tổ chức", "05/03/2026"),
    ("4. Đã có kế hoạch?", "Có"),
    # 5, "Vì sao chưa có?", is asked only without a plan: no row, and 6 stays 6
    ("6. Kênh chính", "Zalo"),
    ("7. Sự kiện đã tổ chức", "Ngày KH&CN (18/5); Ngày Chuyển đổi số (10/10)"),
    ("8. Ghi chú", "Dùng <b> & “x”"),
]


@pytest.fixture
async def served(db: str, clock: FakeClock, tmp_path: Path) -> AsyncIterator[Served]:
    await seed_people()
    template, issues = parse_yaml_template(FORM, "so_lieu_web.yaml")
    assert issues == [] and template is not None
    await store_template(template, now=clock.now - timedelta(days=30))
    async with serving(db, clock, tmp_path) as found:
        chat = Chat(found.app.service, "u-hoiphunu")
        for line in TYPED:
            await chat.send(line)
        yield found


async def test_the_unit_page_shows_each_answer_as_typed(served: Served) -> None:
    unit = await Unit.get(code="hoiphunu")
    async with client() as http:
        cookies = await served.cookies(http)
        link = f"{served.base}/web/don-vi/{unit.id}?form=so_lieu_web&period=2026-H2"
        async with http.get(link, cookies=cookies) as response:
            assert response.status == 200
            page = await response.text()
    assert "<h2>Hội Liên hiệp Phụ nữ xã (hoiphunu)</h2>" in page
    assert "Tình trạng: <b>Đã nộp đúng hạn</b>" in page
    assert "Dùng &lt;b&gt; &amp; “x”" in page  # the officer's text is escaped, never markup
    cells = [unescape(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", page)]
    assert list(zip(cells[::2], cells[1::2], strict=True)) == ROWS
