"""How long a template regex built for catastrophic backtracking takes (issue 11, item 8).

The bot runs `regex(., pattern)` through `reportbot.forms.expressions` (RE2, linear time). The
baseline, measured in the same run, is the engine the bot used before: Python's backtracking
`re`, on short inputs only (it grows as the 4th power of the length on `.*.*.*=`; 10,000
characters would take hours).

    .venv/bin/python benchmarks/regex_bound.py

Prints milliseconds per evaluation (median of several runs) and the ratio to the baseline.
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reportbot.forms.expressions import parse_expression  # noqa: E402

# pattern -> input sizes for the backtracking baseline (it is exponential on the last two)
PATTERNS = {
    ".*.*.*=": [50, 100, 200, 400],
    "^(a|aa)+$": [16, 20, 24, 28],
    "(x+x+)+y": [10, 14, 18, 22],
}
SIZES = [400, 1_000, 10_000, 99_999]  # the bot refuses inputs over 100,000 characters


def _subject(pattern: str, size: int) -> str:
    return ("a" if "a" in pattern else "x") * size + "!"


def _median_ms(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def ms_guess(baseline: dict[int, float]) -> bool:
    """Whether the last baseline run was slow enough to measure the next one only once."""
    return bool(baseline) and max(baseline.values()) > 100


def main() -> None:
    """Print a table: pattern, engine, input size, ms per evaluation, ratio to the baseline."""
    print("| pattern | engine | chars | ms | old / new |")
    print("| --- | --- | ---: | ---: | ---: |")
    for pattern, baseline_sizes in PATTERNS.items():
        compiled = re.compile(pattern)
        baseline: dict[int, float] = {}
        for size in baseline_sizes:
            subject = _subject(pattern, size)
            ms = _median_ms(
                lambda s=subject, c=compiled: c.search(s), 1 if ms_guess(baseline) else 3
            )
            baseline[size] = ms
            print(f"| `{pattern}` | re (old) | {size:,} | {ms:,.2f} | 1.00 |")
            if ms > 1_000:  # the next size would take minutes
                break
        expression = parse_expression(f"regex(., '{pattern}')")
        for size in SIZES:
            subject = _subject(pattern, size)
            ms = _median_ms(lambda s=subject, e=expression: e.evaluate({}, current=s), 7)
            base_size = max(baseline)
            ratio = f"{baseline[base_size] / ms:,.0f}× (re at {base_size:,})"
            print(f"| `{pattern}` | RE2 (bot) | {size:,} | {ms:,.3f} | {ratio} |")


if __name__ == "__main__":
    main()
