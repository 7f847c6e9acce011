"""The consolidated report as files: an .xlsx workbook, a .docx report and a PNG chart."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import tzinfo
from pathlib import Path

from reportbot.conversation.parsing import fold
from reportbot.coordination.reporting.consolidate import Consolidation
from reportbot.store.queries.organisations import Scope, organisation_by_id

FORMATS = ("xlsx", "docx", "png")
# The kind of an administrative unit at the head of its name, left out of the date line's place
# ("Xã An Bình" -> "An Bình, ngày …"), kept when only a number follows ("Phường 3, ngày …").
PLACE_KIND = re.compile(
    r"^(?:xã|phường|thị trấn|thị xã|tỉnh|thành phố|huyện|quận|đặc khu)\s+", re.IGNORECASE
)
# The issuing body before the kind ("UBND xã An Bình", "Ủy ban nhân dân phường 3").
AUTHORITY_WORDS = re.compile(r"^(?:ubnd|(?:ủy|uỷ) ban nhân dân)\s+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ReportHeader:
    """Who issues the report and who signs it: the commune's authority, the office, the place
    for the date line, the signer's title and name, and the recipients ("Nơi nhận")."""

    authority: str = "UBND XÃ ĐĂK PXI"
    office: str = "PHÒNG VĂN HÓA - XÃ HỘI"
    office_name: str = "Phòng Văn hóa - Xã hội"
    office_short: str = "VHXH"
    place: str = "Đăk Pxi"
    signer: str = "TRƯỞNG PHÒNG"
    signer_name: str = ""
    recipients: tuple[str, ...] = ("UBND xã (b/c)",)
    addressee: str = "Ủy ban nhân dân xã"  # whom the closing sentence reports to

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ReportHeader:
        """Overrides from REPORTBOT_REPORT_AUTHORITY, _OFFICE, _OFFICE_NAME, _OFFICE_SHORT,
        _PLACE, _SIGNER_TITLE (or _SIGNER; "|" starts a new line, as in "KT. TRƯỞNG PHÒNG|PHÓ
        TRƯỞNG PHÒNG"), _SIGNER_NAME and _RECIPIENTS (separated by ";";
        "Lưu: VT, <office short>" is always added last)."""
        defaults = cls()
        title = env.get("REPORTBOT_REPORT_SIGNER_TITLE") or env.get("REPORTBOT_REPORT_SIGNER")
        recipients = tuple(
            item.strip().rstrip(";.")
            for item in (env.get("REPORTBOT_REPORT_RECIPIENTS") or "").split(";")
            if item.strip().rstrip(";.")
        )
        return cls(
            authority=env.get("REPORTBOT_REPORT_AUTHORITY") or defaults.authority,
            office=env.get("REPORTBOT_REPORT_OFFICE") or defaults.office,
            office_name=env.get("REPORTBOT_REPORT_OFFICE_NAME") or defaults.office_name,
            office_short=env.get("REPORTBOT_REPORT_OFFICE_SHORT") or defaults.office_short,
            place=env.get("REPORTBOT_REPORT_PLACE") or defaults.place,
            signer=(title or defaults.signer).strip(),
            signer_name=(env.get("REPORTBOT_REPORT_SIGNER_NAME") or "").strip(),
            recipients=recipients or defaults.recipients,
        )

    def for_organisation(self, name: str, kind: str = "") -> ReportHeader:
        """This header for a report over the units of one commune or province, named `name`:
        its authority ("UBND TỈNH HÒA BÌNH"), the place of the date line and, when its name
        says its kind, whom the report goes to ("kính báo cáo Ủy ban nhân dân tỉnh", "UBND tỉnh
        (b/c)" in place of the default "UBND xã (b/c)") are that organisation's; the office
        and signer stay as configured. A name without its kind ("Hòa Bình") takes the stored
        `kind` ("province": "tỉnh")."""
        name = " ".join(unicodedata.normalize("NFC", name).split())[:200]
        if not name:
            return self
        issued = fold(name).startswith(("ubnd", "uy ban nhan dan"))
        authority = name.upper() if issued else f"UBND {name.upper()}"
        header = replace(self, authority=authority, place=_place(name))
        said = PLACE_KIND.match(AUTHORITY_WORDS.sub("", name, count=1))
        word = said.group(0).strip().lower() if said else STORED_KIND_WORDS.get(kind, "")
        if not word:
            return header
        recipients = self.recipients
        if recipients == ReportHeader().recipients:  # the default, not the deployment's own
            recipients = (f"UBND {word} (b/c)",)
        return replace(header, addressee=f"Ủy ban nhân dân {word}", recipients=recipients)


# The word of an organisation's stored kind, for a name that does not say it.
STORED_KIND_WORDS = {"province": "tỉnh", "commune": "xã"}


def _place(name: str) -> str:
    """The place of the date line: the name without "UBND"/"Ủy ban nhân dân" and its kind
    ("UBND xã An Bình" -> "An Bình"), the kind kept before a bare number ("Phường 3")."""
    unit = AUTHORITY_WORDS.sub("", name, count=1) or name
    rest = PLACE_KIND.sub("", unit, count=1)
    if not rest or rest.isdecimal():
        return unit[:1].upper() + unit[1:]
    return rest


async def header_for(header: ReportHeader, scope: Scope) -> ReportHeader:
    """The header of a report over `scope`: a coordinator of a commune or a province (other
    than the default commune) signs under that organisation's name; everyone else under the
    configured header (REPORTBOT_REPORT_*)."""
    if scope.everything or scope.root_id is None:
        return header
    organisation = await organisation_by_id(scope.root_id)
    if organisation is None or organisation.is_default:
        return header
    return header.for_organisation(organisation.name, organisation.kind)


def write_report(
    consolidation: Consolidation,
    fmt: str,
    path: Path,
    *,
    tz: tzinfo,
    header: ReportHeader | None = None,
) -> Path:
    """Write the consolidated report in one format ('xlsx', 'docx' or 'png') to `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "xlsx":
        from reportbot.coordination.reporting.reports.workbook import write_workbook

        write_workbook(consolidation, path, tz=tz)
    elif fmt == "docx":
        from reportbot.coordination.reporting.reports.document import write_document

        write_document(consolidation, path, tz=tz, header=header or ReportHeader())
    elif fmt == "png":
        from reportbot.coordination.reporting.reports.chart import write_chart

        write_chart(consolidation, path)
    else:
        raise ValueError(f"unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return path


def default_name(consolidation: Consolidation, fmt: str) -> str:
    """A file name such as 'tong-hop-nq57_bao_cao_6_thang-2026-H2.xlsx'."""
    return f"tong-hop-{consolidation.form_key}-{consolidation.period.key}.{fmt}"
