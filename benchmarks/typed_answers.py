"""How long the slowest answers to a date-time question take to read (the officer brief's
"nothing typed may block the bot").

`parse_datetime` tries every cut of the answer into a date part and a time part; before the
cap on pieces (`parsing_types.MAX_DATETIME_PIECES`) a 2,000-character answer (the most a
shaped answer may be, `shaped.SHAPED_TEXT_LIMIT`) of short words was read a thousand times
over, on the event loop.

    .venv/bin/python benchmarks/typed_answers.py

Prints milliseconds per answer (median of five runs).
"""

from __future__ import annotations

import contextlib
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reportbot.conversation.parsing import AnswerError  # noqa: E402
from reportbot.conversation.parsing_types import parse_datetime  # noqa: E402
from reportbot.conversation.shaped import SHAPED_TEXT_LIMIT  # noqa: E402

NOW = datetime(2026, 11, 26, 10, 0)
ANSWERS = {
    "short words": "a " * (SHAPED_TEXT_LIMIT // 2 - 1) + "a",
    "digits and spaces": "1 " * (SHAPED_TEXT_LIMIT // 2 - 1) + "1",
    "digits and commas": "1," * (SHAPED_TEXT_LIMIT // 2 - 1) + "1",
    "a real answer": "ngày 20 tháng 6 năm 2026 lúc 2 giờ rưỡi chiều",
}


def _read(text: str) -> None:
    with contextlib.suppress(AnswerError):  # most of these are refused: the time is the point
        parse_datetime(text, NOW, NOW.date())


def main() -> None:
    """Print a table: answer, characters, ms to read it."""
    print("| answer | chars | ms |")
    print("| --- | ---: | ---: |")
    for name, text in ANSWERS.items():
        times = []
        for _ in range(5):
            started = time.perf_counter()
            _read(text)
            times.append((time.perf_counter() - started) * 1000)
        print(f"| {name} | {len(text):,} | {statistics.median(times):,.2f} |")


if __name__ == "__main__":
    main()
