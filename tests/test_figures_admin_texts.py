"""The count an administrator reads when a template cannot be published, in both languages,
against the problems written by hand: one problem is "1 lỗi" / "problems to fix (1)", never
"1 problems".
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reportbot.app import Application
from reportbot.reminders.messages import kind_name
from reportbot.store.models import Person
from tests.support import Chat
from tests.test_coordination_chat import app, attachment  # noqa: F401  (fixture)

# One problem by hand: the question type "integr" does not exist.
ONE_PROBLEM = (
    'key: mau_loi\ntitle: Mẫu lỗi\nversion: "1"\n'
    'period: {kind: annual, deadlines: ["31/12"]}\nquestions:\n'
    "  - {id: so, type: integr, label: Số}\n"
)
HEAD = {
    "vi": "❌ Mẫu “mau_loi.yaml” chưa dùng được, có 1 lỗi cần sửa:",
    "en": "❌ The form “mau_loi.yaml” cannot be used yet; problems to fix (1):",
}


@pytest.mark.parametrize("locale", ["vi", "en"])
async def test_one_problem_is_counted_as_one(
    app: Application,  # noqa: F811
    tmp_path: Path,
    locale: str,
) -> None:
    await Person.filter(name="Lê Quản Trị").update(locale=locale)
    bad = tmp_path / "mau_loi.yaml"
    bad.write_text(ONE_PROBLEM, encoding="utf-8")
    reply = (await Chat(app.service, "u-admin").send(attachment=attachment(bad)))[0].text
    lines = reply.splitlines()
    assert lines[0] == HEAD[locale]
    assert sum(line.startswith("• ") for line in lines) == 1, reply


# The reminder kinds as `reportbot periods` and `remind --dry-run` list them, by hand.
KINDS = {
    "d-7": ("trước hạn 7 ngày", "7 day(s) before"),
    "d-1": ("trước hạn 1 ngày", "1 day(s) before"),
    "d-0": ("ngày hết hạn", "deadline day"),
    "late-2": ("quá hạn lần 2", "overdue #2"),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_reminder_kinds_are_named_with_their_number(kind: str) -> None:
    assert (kind_name(kind, "vi"), kind_name(kind, "en")) == KINDS[kind]
