"""What storing calculations costs per message in the conversation engine (issue 15).

Each step that changes an answer now computes every calculation of the form again and adds
the values that moved to the step's change (`conversation/storing.py`). N officers each
file a form of Q integer questions and C calculations (sums, a rate, a grade, reading one
another) through `engine.handle`, from `/baocao` to the confirmation. The same run measures
the engine with the storing switched off (the baseline) and prints both and the ratio.
CPU µs per message, best of several rounds (CPU time: the machine is shared).

    .venv/bin/python benchmarks/calculations.py [--officers 50] [--rounds 5] [--calcs 30]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=TZ)


def form(questions: int, calculations: int) -> Any:
    """A monthly form: q1..qQ integers, then calculations over them and over each other."""
    from reportbot.forms.loader import build_template

    items = [
        {"id": f"q{n}", "type": "integer", "label": f"Câu {n}"} for n in range(1, questions + 1)
    ]
    calcs = [{"name": "c1", "calculation": "${q1} + ${q2}", "label": "Tổng 1"}]
    for n in range(2, calculations + 1):
        kind = n % 3
        q = f"q{(n % questions) + 1}"
        if kind == 0:
            source = f"round(${{{q}}} div (${{c{n - 1}}} + 1) * 100, 1)"
        elif kind == 1:
            source = f"if(${{c{n - 1}}} >= 50, 'đạt', 'chưa đạt')"
            source = f"${{c{n - 2}}} + ${{{q}}}" if n % 2 else source
        else:
            source = f"${{c{n - 2 if n > 2 else 1}}} + ${{{q}}}"
        calcs.append({"name": f"c{n}", "calculation": source, "label": f"Số {n}"})
    data = {
        "key": "bench_calc",
        "title": "Bench",
        "period": {"kind": "monthly", "deadlines": ["20"]},
        "questions": items,
        "calculations": calcs,
    }
    template, issues = build_template(data, "bench")
    assert template is not None, issues
    return template


def _apply(reports: dict, change: Any) -> None:
    """Apply a step's change as the service does after the commit."""
    view = change.view
    if change.create:
        view.id = len(reports) + 1
        reports[view.key] = view
    view.answers.update(change.set_answers)
    view.calculated.update(change.set_calculated)
    for qid in change.clear_answers:
        view.answers.pop(qid, None)
    view.status = change.status or view.status


def measure(template: Any, officers: int, rounds: int) -> tuple[float, int]:
    """Best-of-rounds CPU µs per message, and the messages of one round."""
    from connectors.base import Incoming
    from reportbot.conversation.engine import handle
    from reportbot.conversation.session import Env, FormOffer, PersonInfo, UnitInfo

    lines = ["/baocao", "1", *(str(n * 7 % 40) for n in range(len(template.questions)))]
    lines += ["/gui", "có"]
    offers = {template.key: FormOffer(template, 1)}
    best, messages = float("inf"), 0
    for _ in range(rounds):
        messages = 0
        started = time.process_time()
        for n in range(officers):
            person = PersonInfo(n, f"Cán bộ {n}", "officer", "vi", UnitInfo(n, f"u{n}", "Đv", "x"))
            reports: dict = {}
            state: Any = {}
            for line in lines:
                env = Env(NOW, TZ, person, offers, reports)
                step = handle(state, Incoming("bench", str(n), "c", text=line), env)
                state = step.state if step.state is not None else state
                if step.change is not None:
                    _apply(reports, step.change)
                messages += 1
        best = min(best, (time.process_time() - started) / messages * 1e6)
    return best, messages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--calcs", type=int, default=30)
    args = parser.parse_args()
    from reportbot.conversation import turn

    template = form(args.questions, args.calcs)
    storing = turn.store_calculations
    turn.store_calculations = lambda *_args: None  # the baseline: values not stored
    off, messages = measure(template, args.officers, args.rounds)
    turn.store_calculations = storing
    on, _ = measure(template, args.officers, args.rounds)
    print(f"form: {args.questions} questions, {args.calcs} calculations; {messages} messages")
    print(f"baseline (not stored): {off:8.1f} µs/message")
    print(f"stored with each step: {on:8.1f} µs/message")
    print(f"ratio: {on / off:.2f}")


if __name__ == "__main__":
    main()
