"""How often our form engine and ODK Web Forms' engine disagree on real XLSForm workbooks.

    .venv/bin/python benchmarks/odk_oracle.py DIR [--seeds 3] [--details]

Reads every .xlsx/.xls in DIR (read only; nothing is copied). Each workbook the bot accepts
and pyxform converts is filled with seeded random answers (every question we ask, in form
order, one answer per step; a repeat without repeat_count gets two entries), and after each
step both engines' states are compared (tests/odk_oracle.py: relevance, calculated values,
constraints, required, visible choices). Prints a markdown table: per workbook the steps,
the states compared and the disagreements by kind; then the totals.
"""

from __future__ import annotations

import argparse
import logging
import random
import sys
import warnings
from collections import Counter
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reportbot.coordination.publishing.xlsform import load_xlsform  # noqa: E402
from reportbot.forms.schema import FormTemplate, Question  # noqa: E402
from tests.odk_engine import OdkEngine  # noqa: E402
from tests.odk_oracle import Comparison, compare, our_states  # noqa: E402

_WORDS = ("an", "binh", "12", "Hà Nội", "x@y.vn", "abc-1", "")


def _answer(question: Question, rng: random.Random) -> str | None:
    """A random ODK answer text for the question, None for kinds we do not fill."""
    kind = question.type
    if kind == "integer":
        low = int(question.min) if question.min is not None else -5
        high = int(question.max) if question.max is not None else 150
        return str(rng.randint(low, max(low, high)))
    if kind == "decimal":
        return f"{rng.uniform(-10, 200):.2f}"
    if kind == "text":
        return rng.choice(_WORDS)
    if kind == "date":
        return (date(2020, 1, 1) + timedelta(days=rng.randint(0, 2500))).isoformat()
    if kind == "select_one" and question.choices:
        return rng.choice(question.choices).value
    if kind == "select_multiple" and question.choices:
        picked = [c.value for c in question.choices if rng.random() < 0.4]
        return " ".join(picked)
    return None


def _offered(
    template: FormTemplate, answers: dict[str, str], qid: str, question: Question
) -> Question:
    """The question with the choices offered now (a select's choice_filter applied), so a
    random answer is one an officer could give."""
    if question.choice_filter is None:
        return question
    shown = our_states(template, answers).get(qid, {}).get("choices")
    return replace(question, choices=tuple(c for c in question.choices if c.value in (shown or [])))


def random_steps(template: FormTemplate, rng: random.Random) -> list[dict[str, str]]:
    """One answer per step for every question we fill, in form order."""
    uncounted = {r.name for r in template.repeats if r.count is None}
    steps: list[dict[str, str]] = []
    answers: dict[str, str] = {}
    for question in template.questions:
        ids = [question.id]
        if question.repeat is not None:
            entries = 2 if question.repeat in uncounted else 1
            ids = [f"{question.id}[{index}]" for index in range(1, entries + 1)]
        for qid in ids:
            text = _answer(_offered(template, answers, qid, question), rng)
            if text is not None:
                steps.append({qid: text})
                answers[qid] = text
    return steps


def walk(engine: OdkEngine, path: Path, seeds: int) -> tuple[str, list[Comparison]]:
    """('', comparisons) for a workbook both engines take, else (why not, [])."""
    result = load_xlsform(path)
    if result.template is None:
        return "refused by the bot", []
    found = []
    for seed in range(seeds):
        steps = random_steps(result.template, random.Random(seed))
        try:
            found.append(compare(engine, result.template, path, steps, strict=False))
        except Exception as error:  # a refusal by pyxform or ODK's engine: reported per form
            return f"{type(error).__name__}: {str(error).splitlines()[0][:80]}", []
    return "", found


def main() -> None:
    """Walk every workbook of DIR and print the disagreements per workbook."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--details", action="store_true", help="print each disagreement")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    warnings.simplefilter("ignore")
    engine = OdkEngine()
    totals: Counter[str] = Counter()
    print("| workbook | steps | states compared | disagreements |")
    print("| --- | ---: | ---: | --- |")
    for path in sorted(p for p in args.folder.iterdir() if p.suffix in (".xlsx", ".xls")):
        why, comparisons = walk(engine, path, args.seeds)
        if why:
            totals["not walked"] += 1
            print(f"| {path.name} | – | – | not walked: {why} |")
            continue
        kinds = Counter(d.field for c in comparisons for d in c.disagreements)
        compared = sum(len(step) for c in comparisons for step in c.ours)
        steps = sum(len(c.ours) - 1 for c in comparisons)
        totals.update({"walked": 1, "steps": steps, "compared": compared, **kinds})
        totals["clean"] += not kinds
        shown = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) or "0"
        print(f"| {path.name} | {steps} | {compared} | {shown} |")
        if args.details:
            for comparison in comparisons:
                for disagreement in comparison.disagreements[:20]:
                    print(f"|  |  |  | {disagreement} |")
    engine.close()
    print()
    print(
        f"{totals['walked']} workbooks walked ({totals['not walked']} not), "
        f"{totals['clean']} without any disagreement; {totals['steps']} steps, "
        f"{totals['compared']} states compared; disagreements: "
        + ", ".join(f"{k} {totals[k]}" for k in ("relevant", "value", "constraint"))
        + ", "
        + ", ".join(f"{k} {totals[k]}" for k in ("required_unmet", "choices"))
    )


if __name__ == "__main__":
    main()
