"""How many real XLSForm workbooks the bot accepts unchanged (issue 15).

    .venv/bin/python benchmarks/xlsform_corpus.py DIR [--details]

Reads every .xlsx/.xls in DIR (read only; nothing is copied) with the bot's XLSForm reader and
with pyxform itself (`parse_file_to_json`, what `xls2xform` runs), and prints a markdown table:
file, accepted or refused by the bot, the refused features, and whether pyxform converts it;
then the share accepted, over all workbooks and over those pyxform converts.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
import warnings
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pyxform.xls2json import parse_file_to_json  # noqa: E402

from reportbot.coordination.publishing.xlsform import XlsIssue, load_xlsform  # noqa: E402

_QUOTED = re.compile(r"[“\"']([^”\"']{1,40})[”\"']")


def feature_of(issue: XlsIssue) -> str:
    """A short name for what an issue refuses (a type, a column, or the message's start)."""
    message = issue.message
    lowered = message.lower()
    if "not supported" in lowered or "are not supported" in lowered:
        quoted = _QUOTED.search(message)
        if quoted and "type" in lowered:
            return quoted.group(1)
        return message.split(" are not supported")[0].split(" is not supported")[0][:40]
    if issue.column:
        return f"{issue.column}: {message[:50]}"
    return message[:60]


def pyxform_converts(path: Path) -> bool:
    """Whether pyxform itself turns the workbook into a form."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parse_file_to_json(str(path), warnings=[])
    except Exception:  # any pyxform refusal or crash counts as "does not convert"
        return False
    return True


def main() -> None:
    """Print the corpus table and the shares accepted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--details", action="store_true", help="print every issue")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    paths = sorted(
        p for p in args.folder.iterdir() if p.suffix.lower() in (".xlsx", ".xls") and p.is_file()
    )
    print("| file | bot | refused features | pyxform |")
    print("| --- | --- | --- | --- |")
    accepted = converts = both = 0
    features: Counter[str] = Counter()
    for path in paths:
        result = load_xlsform(path)
        ok = result.template is not None
        converted = pyxform_converts(path)
        accepted += ok
        converts += converted
        both += ok and converted
        names = sorted({feature_of(issue) for issue in result.issues})
        features.update(names)
        shown = "; ".join(names)[:160]
        print(
            f"| {path.name} | {'accepted' if ok else 'refused'} | {shown} | "
            f"{'yes' if converted else 'no'} |"
        )
        if args.details:
            for issue in result.issues:
                print(f"|   | | {issue} | |")
    total = len(paths)
    print()
    print(f"accepted: {accepted}/{total} ({100 * accepted / max(total, 1):.0f} %)")
    print(f"pyxform converts: {converts}/{total}")
    print(
        f"accepted among those pyxform converts: {both}/{converts} "
        f"({100 * both / max(converts, 1):.0f} %)"
    )
    print()
    print("refusals by feature (workbooks):")
    for name, count in features.most_common():
        print(f"  {count:3d}  {name}")


if __name__ == "__main__":
    main()
