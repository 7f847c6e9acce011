"""The communes whose rows are not in the deployment's spreadsheet and workbook.

A commune with a spreadsheet of its own (`reportbot org add --sheet/--xlsx`, `org set-sheet`)
has its units' rows written there only. A coordinator who downloads the deployment's workbook
would read those units as having filed nothing; the web page (beside the download) and
`reportbot status` name these communes and where their rows are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from reportbot.mirror.config import commune_workbook, google_configured, keeps_apart
from reportbot.mirror.xlsx import DEFAULT_XLSX, ENV_XLSX
from reportbot.store.queries.mirror import commune_sheets
from reportbot.vocabulary.catalogue import register

SHEET_ADDRESS = "https://docs.google.com/spreadsheets/d/{id}"

MESSAGES: dict[str, dict[str, str]] = {
    "apart_head": {
        "vi": "Sổ theo dõi chung không có báo cáo của các xã có bảng tính riêng "
        "(các xã này không phải chưa nộp, báo cáo của họ ở bảng tính riêng):",
        "en": "The deployment's workbook leaves out the communes with a spreadsheet of their own "
        "(their reports are not missing, they are in that spreadsheet):",
    },
    "apart_row": {"vi": "{name} ({code}): {where}", "en": "{name} ({code}): {where}"},
    "where_google": {"vi": "bảng tính Google {address}", "en": "Google spreadsheet {address}"},
    "where_xlsx": {"vi": "tệp {path}", "en": "workbook {path}"},
}
APART = register("mirror_apart", MESSAGES)


@dataclass(frozen=True, slots=True)
class ApartCommune:
    """A commune written to its own spreadsheet: a Google spreadsheet's address, or the path
    of its own workbook on the bot's server."""

    code: str
    name: str
    address: str | None
    path: str | None


async def communes_apart(env: Mapping[str, str], base: str | None = None) -> list[ApartCommune]:
    """The communes the mirror keeps out of the deployment's spreadsheet and workbook, by code.

    The same rule as the mirror's router (`config.keeps_apart`): with Google, a commune with a
    spreadsheet id; with the local workbook only, one with an id or a workbook path. `base`:
    the deployment's workbook (default: REPORTBOT_MIRROR_XLSX), beside which a commune's own
    workbook is derived when none was given."""
    google = google_configured(env)
    base = base or env.get(ENV_XLSX) or DEFAULT_XLSX
    return [
        ApartCommune(
            commune.code,
            commune.name,
            SHEET_ADDRESS.format(id=commune.sheet_id) if google else None,
            None if google else str(commune_workbook(base, commune.code, commune.workbook)),
        )
        for commune in await commune_sheets()
        if keeps_apart(commune.sheet_id, commune.workbook, google=google)
    ]


def apart_lines(communes: list[ApartCommune], locale: str) -> list[str]:
    """A heading and one line per commune (none when every commune is in the workbook)."""
    if not communes:
        return []
    lines = [APART.say("apart_head", locale)]
    for commune in communes:
        if commune.address:
            where = APART.say("where_google", locale, address=commune.address)
        else:
            where = APART.say("where_xlsx", locale, path=commune.path)
        lines.append(
            APART.say("apart_row", locale, name=commune.name, code=commune.code, where=where)
        )
    return lines
