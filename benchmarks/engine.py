"""How much one message costs in the conversation engine alone (no database, no service).

N officers (one unit each, the same templates) each file the whole Resolution 57 report
through `engine.handle`, from `/baocao` to the confirmation; steps are applied to in-memory
reports the way the service applies them after a commit. Prints CPU µs per message (best of
several rounds; CPU time of the process, so other work on a shared machine counts less).

    .venv/bin/python benchmarks/engine.py [--officers 100] [--rounds 5] [--baseline REF [--turns 3]]

With `--baseline REF` the same measurement runs, in the same invocation, on a copy of the
tree at git commit REF (exported with `git archive` into a temporary directory); the
baseline and this tree then run alternately `--turns` times, each in a fresh process, and
the best of each and their ratio are printed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._trees import export, run_json  # noqa: E402

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=TZ)


def _apply(reports: dict, change) -> None:
    """Apply a step's change as the service does after the commit."""
    view = change.view
    if change.create:
        view.id = len(reports) + 1
        reports[view.key] = view
    view.answers.update(change.set_answers)
    for qid in change.clear_answers:
        view.answers.pop(qid, None)
    view.status = change.status or view.status
    view.revision = change.revision if change.revision is not None else view.revision
    view.submitted_at = change.submitted_at or view.submitted_at


def measure(officers: int, rounds: int) -> dict[str, float]:
    """Best-of-rounds cost per message, in µs, for `officers` officers filing the report."""
    from connectors.base import Incoming
    from reportbot.conversation.engine import handle
    from reportbot.conversation.session import Env, FormOffer, PersonInfo, UnitInfo
    from reportbot.forms.loader import load_yaml_template
    from tests.support import nq57_lines

    template = load_yaml_template(ROOT / "forms" / "nq57_bao_cao_6_thang.yaml")[0]
    lines = ["/baocao", "1", *nq57_lines()[1:]]
    offers = {template.key: FormOffer(template, 1)}
    best = float("inf")
    messages = 0
    for _ in range(rounds):
        people = []
        for n in range(officers):
            unit = UnitInfo(n, f"u{n}", f"Đơn vị {n}", "doan_the")
            people.append((PersonInfo(n, f"Cán bộ {n}", "officer", "vi", unit), {}))
        messages = 0
        started = time.process_time()  # CPU time: the machine is shared, wall time is not ours
        for person, reports in people:
            state = {}
            for line in lines:
                env = Env(NOW, TZ, person, offers, reports)
                step = handle(state, Incoming("bench", str(person.id), "c", text=line), env)
                if step.state is not None:
                    state = step.state
                if step.change is not None:
                    _apply(reports, step.change)
                messages += 1
        elapsed = time.process_time() - started
        best = min(best, elapsed / messages)
        statuses = {v.status for _, reports in people for v in reports.values()}
        if statuses != {"submitted"}:
            raise RuntimeError(f"reports not submitted: {statuses}")
    return {"messages": messages, "us_per_message": best * 1e6}


def _run(tree: Path, officers: int, rounds: int) -> dict[str, float]:
    """One measurement of `tree` in a fresh process."""
    args = ["--officers", str(officers), "--rounds", str(rounds), "--json"]
    return run_json(tree, "engine.py", args)


def _compare(ref: str, officers: int, rounds: int, turns: int) -> list[tuple[str, dict]]:
    """Baseline and this tree measured alternately `turns` times (each in a fresh process),
    so that a change of the machine's load hits both; the best of each is kept."""
    best: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        baseline = export(ref, Path(tmp), Path(__file__))
        trees = {f"baseline {ref}": baseline, "this tree": ROOT}
        for _ in range(turns):
            for name, tree in trees.items():
                result = _run(tree, officers, rounds)
                if name not in best or result["us_per_message"] < best[name]["us_per_message"]:
                    best[name] = result
    return list(best.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--baseline", help="a git commit to measure in the same run")
    parser.add_argument(
        "--turns", type=int, default=3, help="alternations of baseline and this tree"
    )
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.json:
        print(json.dumps(measure(args.officers, args.rounds)))
        return
    if args.baseline:
        rows = _compare(args.baseline, args.officers, args.rounds, args.turns)
    else:
        rows = [("this tree", measure(args.officers, args.rounds))]
    base = rows[0][1]["us_per_message"]
    print(f"{'tree':24} {'messages':>9} {'µs/message':>11} {'messages/s':>11} {'ratio':>6}")
    for name, result in rows:
        cost = result["us_per_message"]
        print(
            f"{name:24} {result['messages']:>9} {cost:>11.1f} {1e6 / cost:>11.0f} "
            f"{base / cost:>6.2f}"
        )


if __name__ == "__main__":
    main()
