"""How long the slowest answers to a date-time or a choice question take to read (the officer
brief's "nothing typed may block the bot").

`parse_datetime` tries every cut of the answer into a date part and a time part; before the
cap on pieces (`parsing_types.MAX_DATETIME_PIECES`) a 2,000-character answer (the most a
shaped answer may be, `shaped.SHAPED_TEXT_LIMIT`) of short words was read a thousand times
over, on the event loop. A choice answer of 20,000 characters (`parsing.MAX_TEXT_LENGTH`)
on a list of 300 options: "1 2 1 2 …" looked each number up again (10,000 look-ups), and a
long answer at a one-choice question was compiled into a pattern to find a label it starts.

    .venv/bin/python benchmarks/typed_answers.py

Prints milliseconds per answer (median of five runs).
"""

from __future__ import annotations

import contextlib
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reportbot.conversation.parsing import MAX_TEXT_LENGTH, AnswerError  # noqa: E402
from reportbot.conversation.parsing_choices import parse_choice, parse_choices  # noqa: E402
from reportbot.conversation.parsing_types import parse_datetime  # noqa: E402
from reportbot.conversation.shaped import SHAPED_TEXT_LIMIT  # noqa: E402

NOW = datetime(2026, 11, 26, 10, 0)
ANSWERS = {
    "short words": "a " * (SHAPED_TEXT_LIMIT // 2 - 1) + "a",
    "digits and spaces": "1 " * (SHAPED_TEXT_LIMIT // 2 - 1) + "1",
    "digits and commas": "1," * (SHAPED_TEXT_LIMIT // 2 - 1) + "1",
    "a real answer": "ngày 20 tháng 6 năm 2026 lúc 2 giờ rưỡi chiều",
}
OPTIONS = [(f"v{n}", [f"Thôn {n} xã Đăk Pxi", f"Village {n}"]) for n in range(1, 301)]
CHOICES = {
    "several: 1 2 1 2 …": (parse_choices, "1 2 " * (MAX_TEXT_LENGTH // 4)),
    "one: 1, 2, 3 …": (parse_choice, ", ".join(map(str, range(1, 4000)))[:MAX_TEXT_LENGTH]),
    "one: thon thon …": (parse_choice, "thon " * (MAX_TEXT_LENGTH // 5)),
    "several: a real answer": (parse_choices, "1, 3 và 5 ạ"),
}


def _median_ms(run: Callable[[], object]) -> float:
    times = []
    for _ in range(5):
        started = time.perf_counter()
        with contextlib.suppress(AnswerError):  # most of these are refused: the time matters
            run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    """Print a table: question, answer, characters, ms to read it."""
    print("| question | answer | chars | ms |")
    print("| --- | --- | ---: | ---: |")
    for name, text in ANSWERS.items():
        ms = _median_ms(lambda t=text: parse_datetime(t, NOW, NOW.date()))
        print(f"| date-time | {name} | {len(text):,} | {ms:,.2f} |")
    for name, (parse, text) in CHOICES.items():
        ms = _median_ms(lambda p=parse, t=text: p(t, OPTIONS))
        print(f"| 300 options | {name} | {len(text):,} | {ms:,.2f} |")


if __name__ == "__main__":
    main()
