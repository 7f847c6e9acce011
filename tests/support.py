"""Test helpers: seeding a small commune, loading forms, and chatting through the service."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from connectors.base import Capabilities, Incoming, Outgoing, render_plain
from drills.ports import free_port
from reportbot.conversation.values import encode_value
from reportbot.forms.schema import FormTemplate
from reportbot.forms_folder import load_forms
from reportbot.service import ConversationService
from reportbot.store.models import (
    Answer,
    FormTemplateRecord,
    Identity,
    Person,
    Submission,
    Unit,
)

# A whole Resolution 57 report for a unit of type `doan_the`, as an officer would type it:
# (expected question id, what is typed, expected stored value).
NQ57_SCRIPT: tuple[tuple[str, str, object], ...] = (
    ("co_ke_hoach", "có", "yes"),
    ("so_ke_hoach", "KH-12/HPN", "KH-12/HPN"),
    ("ngay_ke_hoach", "01/03/2026", "2026-03-01"),
    ("chuyen_muc_web", "1", "co"),
    ("so_tin_bai_web", "12", 12),
    ("so_infographic_web", "3", 3),
    ("so_video_web", "2", 2),
    ("so_tin_bai_zalo", "1.000", 1000),
    ("so_infographic_zalo", "0", 0),
    ("so_video_zalo", "4", 4),
    ("so_buoi_truyen_thong", "5", 5),
    ("so_nguoi_tham_du", "250", 250),
    ("tong_so_can_bo", "30", 30),
    ("so_can_bo_quan_triet", "30", 30),
    ("tong_can_bo_truyen_thong", "10", 10),
    ("so_can_bo_tt_dao_tao", "7", 7),
    ("su_kien", "1, 3", ["ngay_18_5", "ngay_10_10"]),
    ("binh_dan_hoc_vu_so", "khong", "no"),
    ("kinh_phi", "15tr", 15_000_000),
    (
        "mo_hinh_hay",
        "Tổ chức “Ngày chủ nhật số” hằng tháng",
        "Tổ chức “Ngày chủ nhật số” hằng tháng",
    ),
    ("kho_khan", "/boqua", None),
    ("de_xuat", "Xin thêm kinh phí tập huấn", "Xin thêm kinh phí tập huấn"),
    ("tep_bao_cao", "/boqua", None),
)


async def stored_answers(unit_code: str = "hoiphunu") -> dict[str, object]:
    """The stored answers of a unit's Resolution 57 report (dates as ISO text)."""
    from datetime import date

    from reportbot.conversation.values import decode_value
    from reportbot.forms.loader import load_yaml_template
    from reportbot.store.models import Answer, Submission
    from tests.conftest import NQ57

    template = load_yaml_template(NQ57)[0]
    submission = await Submission.get(unit__code=unit_code)
    answers: dict[str, object] = {}
    for row in await Answer.filter(submission=submission):
        value = decode_value(template.question(row.question_id), row.value)
        answers[row.question_id] = value.isoformat() if isinstance(value, date) else value
    return answers


def nq57_lines() -> list[str]:
    """The typed lines of the whole report, from /baocao to the confirmation."""
    return ["/baocao", *(typed for _, typed, _ in NQ57_SCRIPT), "/gui", "có"]


async def seed_commune() -> dict[str, Person]:
    """Units of every type and one officer per unit, each with a console identity."""
    units = {
        "hoiphunu": ("Hội Liên hiệp Phụ nữ xã", "doan_the"),
        "th_dakpxi": ("Trường Tiểu học Đăk Pxi", "truong_hoc"),
        "cns_thon1": ("Tổ công nghệ số cộng đồng thôn 1", "to_cns"),
        "vhxh": ("Phòng Văn hóa - Xã hội", "phong"),
    }
    people: dict[str, Person] = {}
    for code, (name, unit_type) in units.items():
        unit = await Unit.create(code=code, name=name, type=unit_type)
        person = await Person.create(name=f"Cán bộ {code}", unit=unit, role="officer")
        await Identity.create(
            platform="console", external_id=f"u-{code}", chat_id=f"u-{code}", person=person
        )
        people[code] = person
    return people


# When the shipped forms are taken as published: long before every test's clock, so every
# period a test looks at is owed (reportbot.owed), whatever the machine's own date.
FORMS_PUBLISHED = datetime(2025, 1, 2, 8, 0, tzinfo=UTC)


async def load_shipped_forms(*paths: Path, published: datetime = FORMS_PUBLISHED) -> None:
    """Store the shipped form templates (or the given ones), published at `published`."""
    from tests.conftest import FORMS_DIR, NQ57

    chosen = list(paths) or [NQ57]
    result = await load_forms(chosen, now=published)
    assert not result.issues, result.issues
    assert FORMS_DIR.is_dir()


@dataclass
class Chat:
    """One person's chat with the service, as plain text (numbered choices)."""

    service: ConversationService
    user_id: str
    platform: str = "console"
    capabilities: Capabilities = field(default_factory=Capabilities)
    transcript: list[tuple[str, str]] = field(default_factory=list)
    update_counter: int = 0

    async def send(
        self,
        text: str | None = None,
        *,
        choice: str | None = None,
        choices: Sequence[str] | None = None,
        update_id: str | None = None,
        **extra: object,
    ) -> list[Outgoing]:
        """Send one message; return the replies (also kept in the transcript)."""
        message = Incoming(
            platform=self.platform,
            user_id=self.user_id,
            chat_id=self.user_id,
            text=text,
            choice=choice,
            choices=tuple(choices) if choices is not None else None,
            update_id=update_id,
            **extra,  # type: ignore[arg-type]
        )
        replies = list(await self.service(message))
        shown = "\n\n".join(render_plain(r, self.capabilities) for r in replies)
        self.transcript.append((text or choice or "", shown))
        return replies

    async def say(self, text: str) -> str:
        """Send text and return all replies joined as one string."""
        replies = await self.send(text)
        return "\n\n".join(render_plain(r, self.capabilities) for r in replies)

    async def answer_until(self, question_id: str) -> str:
        """Open the current Resolution 57 report (`/baocao`, then 2) and type the script's
        answers up to `question_id`, not answering it; the last reply (that question)."""
        reply = await self.say("/baocao")
        reply = await self.say("2")  # the current period, after the overdue first half
        for qid, typed, _ in NQ57_SCRIPT:
            if qid == question_id:
                return reply
            reply = await self.say(typed)
        raise AssertionError(f"{question_id} is not in the script")


async def store_submission(
    template: FormTemplateRecord,
    unit_code: str,
    answers: Mapping[str, Any],
    *,
    status: str,
    period_key: str,
    moment: datetime,
    submitted_at: datetime | None,
) -> Submission:
    """Store a unit's report and its answers as the bot would have (revision 1 unless a draft)."""
    submission = await Submission.create(
        form_key=template.key,
        template=template,
        unit=await Unit.get(code=unit_code),
        period_key=period_key,
        status=status,
        revision=0 if status == "draft" else 1,
        submitted_at=submitted_at,
        created_at=moment,
        updated_at=moment,
    )
    for question_id, value in answers.items():
        await Answer.create(
            submission=submission,
            question_id=question_id,
            value=encode_value(value),
            updated_at=moment,
        )
    return submission


def markdown_xlsform(folder: Path, name: str, markdown: str) -> FormTemplate:
    """A test's own XLSForm, written from pyxform's markdown table into `folder/name.xlsx` and
    loaded as an admin would publish it; the load must raise no issue."""
    from pyxform.xls2json_backends import md_table_to_workbook

    from reportbot.coordination.publishing.xlsform import load_xlsform

    path = folder / f"{name}.xlsx"
    md_table_to_workbook(markdown).save(path)
    result = load_xlsform(path)
    assert result.issues == [], [str(i) for i in result.issues]
    assert result.template is not None
    return result.template


def sqlite_app_env(folder: Path) -> dict[str, str]:
    """The settings of an Application on its own SQLite file in `folder`, the shipped forms,
    a free local port and a media folder (what a test bot needs, nothing else)."""
    from tests.conftest import FORMS_DIR

    return {
        "REPORTBOT_DATABASE_URL": f"sqlite://{folder / 'bot.db'}",
        "REPORTBOT_FORMS_DIR": str(FORMS_DIR),
        "REPORTBOT_HTTP_HOST": "127.0.0.1",
        "REPORTBOT_HTTP_PORT": str(free_port()),
        "REPORTBOT_MEDIA_DIR": str(folder / "media"),
    }
