"""A scripted officer filing the Resolution 57 report on Telegram, as a person would.

The officer reads the last message of the chat that asks for something, answers it from the
script, and waits for the bot's next message; when none comes (the bot was killed), they type
the same thing again, as people do. Every answer the platform acknowledged is remembered, so
that the drill can check what the database kept.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from drills.channel import Channel
from tests.fakes.telegram import FakeTelegram

# Question id -> (typed answer, value expected in the database); the report of one unit
# of type "doan_the" (its relevant questions), answered by typing.
SCRIPT: dict[str, tuple[str, object]] = {
    "co_ke_hoach": ("có", "yes"),
    "so_ke_hoach": ("KH-12/HPN", "KH-12/HPN"),
    "ngay_ke_hoach": ("01/03/2026", "2026-03-01"),
    "chuyen_muc_web": ("1", "co"),
    "so_tin_bai_web": ("12", 12),
    "so_infographic_web": ("3", 3),
    "so_video_web": ("2", 2),
    "so_tin_bai_zalo": ("1.000", 1000),
    "so_infographic_zalo": ("0", 0),
    "so_video_zalo": ("4", 4),
    "so_buoi_truyen_thong": ("5", 5),
    "so_nguoi_tham_du": ("250", 250),
    "tong_so_can_bo": ("31", 31),
    "so_can_bo_quan_triet": ("30", 30),
    "tong_can_bo_truyen_thong": ("10", 10),
    "so_can_bo_tt_dao_tao": ("7", 7),
    "su_kien": ("1, 3", ["ngay_18_5", "ngay_10_10"]),
    "binh_dan_hoc_vu_so": ("khong", "no"),
    "kinh_phi": ("15tr", 15_000_000),
    "mo_hinh_hay": (
        "Tổ chức “Ngày chủ nhật số” hằng tháng",
        "Tổ chức “Ngày chủ nhật số” hằng tháng",
    ),
    "kho_khan": ("/boqua", None),
    "de_xuat": ("Xin thêm kinh phí tập huấn", "Xin thêm kinh phí tập huấn"),
    "tep_bao_cao": ("/boqua", None),
}
REPLY_WAIT_S = 3.0  # how long an officer waits for an answer before typing again
QUIET_S = 0.25  # a step's replies come together: read the chat once it is quiet this long


@dataclass
class Acked:
    """An answer the platform acknowledged: to which question the officer meant it."""

    question_id: str
    typed: str


@dataclass
class Officer:
    """One officer: Telegram user id, invite code, what they did and saw."""

    user_id: int
    code: str
    unit_code: str
    labels: dict[str, str]  # question label (vi) -> question id
    acked: list[Acked] = field(default_factory=list)
    retypes: int = 0
    sent: int = 0
    submitted_seen: bool = False
    stuck: str | None = None

    def view(self, tg: FakeTelegram) -> tuple[str, Any]:
        """What the chat asks for now: ("question", qid), ("choose", msg), ("review", None),
        ("missing", None), ("confirm", None), ("done", None) or ("idle", None)."""
        for message in reversed(tg.bot_messages(self.user_id)):
            text = message.get("text", "") or ""
            if "Đã gửi" in text:
                return "done", None
            if text.startswith("Câu ") and "/" in text.split("\n", 1)[0]:
                body = text.split("\n", 1)[1] if "\n" in text else ""
                for label, qid in self.labels.items():
                    if body.startswith(label):
                        return "question", qid
            if "Chọn báo cáo" in text and message.get("reply_markup"):
                return "choose", message
            buttons = (
                [b for row in tg.buttons(message) for b in row]
                if message.get("reply_markup")
                else []
            )
            if any("Gửi báo cáo" in b for b in buttons):
                return "review", None
            if any("Trả lời câu còn thiếu" in b for b in buttons):
                return "missing", None  # a review with required answers still empty
            if buttons == ["Có", "Không"] and not text.startswith("Câu "):
                return "confirm", None
            if "Đăng ký thành công" in text:
                return "idle", None
        return "idle", None

    def next_update(self, tg: FakeTelegram) -> tuple[dict[str, Any], Acked | None] | None:
        """The update the officer sends now, and the answer it carries; None when done."""
        kind, detail = self.view(tg)
        if kind == "done":
            self.submitted_seen = True
            return None
        if kind == "question":
            typed = SCRIPT[detail][0]
            return tg.text_update(self.user_id, typed), Acked(detail, typed)
        if kind == "choose":
            first = tg.buttons(detail)[0][0]
            return tg.press(self.user_id, first, message_id=detail["message_id"]), None
        if kind == "review":
            return tg.text_update(self.user_id, "/gui"), None
        if kind == "missing":
            return tg.text_update(self.user_id, "/tieptuc"), None
        if kind == "confirm":
            return tg.text_update(self.user_id, "có"), None
        return tg.text_update(self.user_id, "/baocao"), None

    async def file_report(self, tg: FakeTelegram, channel: Channel, deadline: float) -> None:
        """Register, then answer what is asked until the bot says the report was sent."""
        start = tg.text_update(self.user_id, f"/start {self.code}")
        if not await self._say(tg, channel, start, None, deadline):
            self.stuck = "registration"
            return
        repeats = 0
        while time.monotonic() < deadline:
            step = self.next_update(tg)
            if step is None:
                return
            update, answer = step
            shown = len(tg.bot_messages(self.user_id))
            if not await self._say(tg, channel, update, answer, deadline):
                break
            if len(tg.bot_messages(self.user_id)) == shown:
                self.retypes += 1  # nothing came back: the same thing again
                repeats += 1
                if repeats > 40:
                    break
            else:
                repeats = 0
        kind, _ = self.view(tg)
        self.submitted_seen = kind == "done"
        if not self.submitted_seen:
            self.stuck = f"stopped at {kind}"

    async def _say(
        self,
        tg: FakeTelegram,
        channel: Channel,
        update: dict[str, Any],
        answer: Acked | None,
        deadline: float,
    ) -> bool:
        """Send one update; wait a little for the bot's answer. False past the deadline."""
        before = len(tg.bot_messages(self.user_id))
        self.sent += 1
        if not await channel.send(update, deadline):
            return False
        if answer is not None:
            self.acked.append(answer)
        wait_until = min(deadline, time.monotonic() + REPLY_WAIT_S)
        while time.monotonic() < wait_until:
            count = len(tg.bot_messages(self.user_id))
            if count > before:
                await self._quiet(tg, count)
                return True
            await asyncio.sleep(0.02)
        return True

    async def _quiet(self, tg: FakeTelegram, count: int) -> None:
        """Wait until no new bot message came for QUIET_S (the rest of the step's replies)."""
        last_change = time.monotonic()
        while time.monotonic() - last_change < QUIET_S:
            await asyncio.sleep(0.03)
            now_count = len(tg.bot_messages(self.user_id))
            if now_count != count:
                count, last_change = now_count, time.monotonic()
