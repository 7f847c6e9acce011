"""The forms folder: the YAML templates the bot loads at start (and `reportbot forms load`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from reportbot.forms.loader import TemplateIssue, load_yaml_template
from reportbot.store.forms import StoredTemplate, store_template


@dataclass
class FormsLoadResult:
    """What loading a folder of templates did."""

    stored: list[StoredTemplate] = field(default_factory=list)
    issues: list[TemplateIssue] = field(default_factory=list)


async def load_forms(paths: list[Path], *, now: datetime | None = None) -> FormsLoadResult:
    """Validate and store templates; a file with any issue is not stored. `now`: the
    application's clock, a new version's publication time (None: the wall clock)."""
    result = FormsLoadResult()
    for path in paths:
        template, issues = load_yaml_template(path)
        if template is None:
            result.issues.extend(issues)
            continue
        result.stored.append(await store_template(template, path.name, now=now))
    return result


def form_files(folder: Path) -> list[Path]:
    """The YAML templates in a folder, in name order."""
    if not folder.is_dir():
        return []
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
