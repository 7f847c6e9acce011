"""CPU of the Telegram send path before any HTTP: a reply's pieces and their request bodies.

The webhook benchmark (`benchmarks/telegram.py`) measures the whole bot; on a shared machine
its CPU per update moves by ±15 % from run to run, more than this path weighs. This one
measures the path alone, in one process. For each of 2,800 replies (100 officers x 28 steps:
"Đã lưu." and a question with two choices and two navigation buttons):

- ours: `render.pieces` (keyboards kept per distinct question, `keyboards.keyboard_of`) and
  the JSON body `client.send_text` posts;
- baseline, in the same run: aiogram's usual way, as the connector did before: every button
  and the keyboard validated as models, the `SendMessage` method model, its dump and
  aiogram's walk over every value (`prepare_value`), the JSON body.

    .venv/bin/python benchmarks/telegram_send.py

Prints microseconds per reply (best and median of 7 passes), the ratio, and whether both ways
give the same bodies (they must).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aiogram.methods import SendMessage  # noqa: E402
from aiogram.types import InlineKeyboardMarkup  # noqa: E402

from connectors.base import Choice, Outgoing  # noqa: E402
from connectors.binding import question_token  # noqa: E402
from connectors.telegram import client, keyboards  # noqa: E402
from connectors.telegram.config import TelegramConfig  # noqa: E402
from connectors.telegram.render import MAX_BUTTONS, pieces  # noqa: E402

OFFICERS, STEPS, QUESTIONS, PASSES = 100, 28, 27, 7
NAVIGATION = (
    Choice("⬅️ Quay lại", "/quaylai", button_only=True),
    Choice("⏭ Bỏ qua", "/boqua", button_only=True),
)


def reply(step: int) -> list[Outgoing]:
    """What the engine answers an answer: saved, and the next question with its buttons."""
    number = step % QUESTIONS + 1
    question = Outgoing(
        f"Câu {number}/{QUESTIONS}\nĐơn vị đã ban hành kế hoạch thực hiện Nghị quyết 57 chưa?",
        question_id=f"q{number}",
        question=question_token(f"q{number}", "v1"),
        choices=(Choice("Có", "yes"), Choice("Không", "no"), *NAVIGATION),
    )
    return [Outgoing("Đã lưu."), question]


def main() -> None:
    """Run both ways over the same replies; print figures and the ratio."""
    bot = client.make_bot(TelegramConfig(token="123456789:" + "A" * 35, api_url="http://x"))
    session = bot.session

    def ours(messages: list[Outgoing]) -> list[str]:
        bodies = []
        for piece in pieces(messages):
            payload: dict[str, Any] = {"chat_id": "42", "text": piece.text}
            if piece.markup_json is not None:
                payload["reply_markup"] = piece.markup_json
            bodies.append(session.json_dumps(payload))
        return bodies

    def baseline(messages: list[Outgoing]) -> list[str]:
        bodies = []
        text = "\n\n".join(m.text for m in messages)  # joined as `pieces` joins them
        for message in messages[-1:]:
            token = keyboards.binding(message) or ""
            buttons = keyboards._buttons(message, token) or []
            markup = InlineKeyboardMarkup(inline_keyboard=keyboards._rows(buttons))
            assert len(buttons) <= MAX_BUTTONS
            method = SendMessage(chat_id="42", text=text, reply_markup=markup)
            payload = session.json_payload(bot, method, {})
            bodies.append(session.json_dumps(payload))
        return bodies

    replies = [reply(step) for step in range(OFFICERS * STEPS)]
    same = all(ours(r) == baseline(r) for r in replies[:QUESTIONS])
    figures = {}
    for name, way in (("baseline (aiogram's way)", baseline), ("reportbot", ours)):
        passes = []
        for _ in range(PASSES):
            started = time.process_time()
            for messages in replies:
                way(messages)
            passes.append((time.process_time() - started) / len(replies) * 1e6)
        figures[name] = passes
        print(
            f"{name:26s} µs/reply: best {min(passes):6.1f}  median {statistics.median(passes):6.1f}"
        )
    base, mine = (statistics.median(p) for p in figures.values())
    print(f"ratio baseline/reportbot (median): {base / mine:.1f}; same bodies: {same}")


if __name__ == "__main__":
    main()
