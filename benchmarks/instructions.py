"""Instructions per durable answer through the service: a figure the machine's load cannot move.

On a shared 2-core machine CPU times swing by a third from run to run; the number of machine
instructions a run executes does not (valgrind's cachegrind counts them, at ~50x the time).
Each tree runs `benchmarks/conversation.py --json --backends sqlite` (the real service, group
commit, aiosqlite's thread included) for a small and a large number of officers, under
cachegrind; the difference over the difference in answers is the cost of one more answer,
without the start-up (imports, seeding, forms) that both runs share.

Caveat, measured (benchmarks/RESULTS.md, brief "perf"): the same commit gave 741k-933k
instructions per answer over four runs. Under valgrind the threads' interleaving still decides
how many steps each group commit holds, and a batch's fixed cost is shared by that many: the
figure resolves about +-12 %, so compare several runs, not one.

    .venv/bin/python benchmarks/instructions.py --baseline REF [--ours REF2] [--officers 20,100]

Prints instructions per answer for the baseline (git commit REF, a `git archive` copy) and
this tree (or commit REF2, also a copy: a tree that cannot change while it is measured), and
their ratio (above 1: ours executes fewer). The four runs go two at a time. Needs `valgrind`.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._trees import export  # noqa: E402

REFS = re.compile(r"I\s+refs:\s+([\d,]+)")


def counted(tree: Path, officers: int) -> tuple[int, int]:
    """(answers, instructions) of one conversation run of `tree` under cachegrind."""
    done = subprocess.run(
        [
            "valgrind",
            "--tool=cachegrind",
            "--cache-sim=no",
            "--cachegrind-out-file=/dev/null",
            sys.executable,
            str(tree / "benchmarks" / "conversation.py"),
            "--json",
            "--backends",
            "sqlite",
            "--officers",
            str(officers),
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
    )
    refs = REFS.search(done.stderr)
    if refs is None:
        raise RuntimeError(f"no instruction count from valgrind: {done.stderr[-500:]}")
    answers = json.loads(done.stdout.strip().splitlines()[-1])["answers"]
    return int(answers), int(refs.group(1).replace(",", ""))


def per_answer(tree: Path, small: int, large: int) -> float:
    """Instructions of one more answer: (large run - small run) / (their answers' difference)."""
    with ThreadPoolExecutor(2) as pool:
        few, many = pool.map(lambda n: counted(tree, n), (small, large))
    return (many[1] - few[1]) / (many[0] - few[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", required=True, help="a git commit to compare with")
    parser.add_argument("--ours", help="a git commit to measure instead of the working tree")
    parser.add_argument("--officers", default="20,100", help="the small and the large run")
    args = parser.parse_args()
    small, large = (int(n) for n in args.officers.split(","))
    with tempfile.TemporaryDirectory() as tmp:
        base_tree = export(args.baseline, Path(tmp) / "base", Path(__file__))
        our_tree = export(args.ours, Path(tmp) / "ours", Path(__file__)) if args.ours else ROOT
        base = per_answer(base_tree, small, large)
        ours = per_answer(our_tree, small, large)
    name = args.ours or "this tree"
    print(f"sqlite, {small} and {large} officers, instructions per answer (cachegrind)")
    print(f"{'tree':20} {'instructions':>14} {'ratio':>6}")
    print(f"{'baseline ' + args.baseline:20} {base:>14,.0f} {1:>6.2f}")
    print(f"{name:20} {ours:>14,.0f} {base / ours:>6.2f}")


if __name__ == "__main__":
    main()
