"""The forms folder: the YAML templates the bot loads at start (and `reportbot forms load`,
which also takes XLSForm workbooks named on its command line)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from reportbot.forms.loader import TemplateIssue, load_template_checked
from reportbot.store.forms import StoredTemplate, store_template


@dataclass
class FormsLoadResult:
    """What loading a folder of templates did."""

    stored: list[StoredTemplate] = field(default_factory=list)
    issues: list[TemplateIssue] = field(default_factory=list)
    # (file, warning) of stored XLSForm workbooks: features ignored in a chat (shown())
    warnings: list[tuple[Path, Any]] = field(default_factory=list)


async def load_forms(paths: list[Path], *, now: datetime | None = None) -> FormsLoadResult:
    """Validate and store templates; a file with any issue is not stored. `now`: the
    application's clock, a new version's publication time (None: the wall clock)."""
    result = FormsLoadResult()
    for path in paths:
        # a workbook is read as `forms validate` reads it, never as YAML text
        template, issues, warnings = load_template_checked(path)
        if template is None:
            result.issues.extend(issues)
            continue
        result.warnings.extend((path, warning) for warning in warnings)
        result.stored.append(await store_template(template, path.name, now=now))
    return result


def form_files(folder: Path) -> list[Path]:
    """The YAML templates in a folder, in name order."""
    if not folder.is_dir():
        return []
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
