"""The page bodies: filing status of each form, and one unit's answers (Vietnamese).

Pure functions from the same data the chat commands use (`coordination.reporting.status`) to
HTML; every piece of text from people goes through `esc`.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from reportbot.conversation.calculated import CALCULATED, labelled_values
from reportbot.conversation.numbering import question_numbers
from reportbot.conversation.values import format_value, is_empty
from reportbot.coordination.reporting.formatting import bucket_label, local_date, local_time
from reportbot.coordination.reporting.status import PeriodStatus, UnitStatus
from reportbot.coordination.reporting.unit_view import UnitView
from reportbot.forms.schema import FormTemplate, pick
from reportbot.periods import Period
from reportbot.web.layout import esc, page, url_part

LOCALE = "vi"
FILES = (("xlsx", "Excel (.xlsx)"), ("docx", "Word (.docx)"), ("png", "Biểu đồ (.png)"))


Section = tuple[PeriodStatus, str | None]
"""A period's standing, and the key of the period before it (None: none to show)."""


def status_page(
    sections: list[Section],
    now: datetime,
    tz: tzinfo,
    *,
    person_name: str,
    has_mirror: bool,
    chosen: bool = False,
    apart: list[str] | None = None,
) -> str:
    """Periods unit by unit: by default each form's current period (and a previous one still
    owed); `chosen`: the one period asked for, with a way back to the current ones. `apart`:
    a heading and the communes the workbook leaves out (`mirror.apart.apart_lines`)."""
    parts = [
        f'<p class="muted">Xin chào {esc(person_name)} · số liệu lúc {esc(local_time(now, tz))}</p>'
    ]
    if has_mirror:
        parts.append(
            '<section class="files"><h2>Sổ theo dõi</h2>'
            '<a href="/web/so-theo-doi.xlsx" download>Tải sổ theo dõi (.xlsx)</a>'
            + _apart_note(apart or [])
            + "</section>"
        )
    if chosen:
        parts.append('<p><a href="/web/">← Các kỳ hiện tại</a></p>')
    if not sections:
        parts.append("<section><p>Chưa có mẫu báo cáo nào đang dùng.</p></section>")
    for status, earlier in sections:
        parts.append(_period_section(status, now, tz, earlier))
    return page("Tình hình nộp báo cáo", "".join(parts))


def _apart_note(lines: list[str]) -> str:
    """Beside the download: the communes whose reports are in their own spreadsheet."""
    if not lines:
        return ""
    items = "".join(f"<li>{esc(line)}</li>" for line in lines[1:])
    return f'<p class="muted" id="apart">{esc(lines[0])}</p><ul>{items}</ul>'


def _period_section(status: PeriodStatus, now: datetime, tz: tzinfo, earlier: str | None) -> str:
    period = status.period
    section_id = f"{status.form_key}--{period.key}"
    late = status.overdue(now)
    overdue = " · <b>đã quá hạn</b>" if late else ""
    counts = "".join(
        f"<li>{esc(bucket_label(bucket, LOCALE, overdue=late))}: "
        f'<b data-bucket="{bucket}">{count}</b></li>'
        for bucket, count in status.counts().items()
    )
    total = (
        f'<li>Tổng: <b data-bucket="total">{len(status.units)}</b> đơn vị, đã nộp '
        f'<b data-bucket="filed">{status.filed}</b></li>'
    )
    base = f"/web/bao-cao/{url_part(status.form_key)}/{url_part(period.key)}"
    files = "".join(
        f'<a href="{esc(base)}.{fmt}" download>{esc(label)}</a>' for fmt, label in FILES
    )
    rows = "".join(_unit_row(unit, status, tz, late) for unit in status.units)
    back = (
        f'<p><a href="/web/?form={esc(url_part(status.form_key))}&amp;period='
        f'{esc(url_part(earlier))}">← Kỳ trước</a></p>'
        if earlier
        else ""
    )
    return (
        f'<section id="{esc(section_id)}"><h2>{esc(pick(status.template.title, LOCALE))}</h2>'
        f'<p class="muted">Kỳ {esc(period.label(LOCALE))} · hạn nộp '
        f"{esc(local_date(period.deadline, tz))}{overdue}</p>"
        f'<ul class="counts">{counts}{total}</ul>'
        f'<div class="files">Tải báo cáo tổng hợp: {files}</div>'
        '<div class="scroll"><table><thead><tr><th>Đơn vị</th><th>Tình trạng</th>'
        f"<th>Nộp lúc</th></tr></thead><tbody>{rows}</tbody></table></div>{back}</section>"
    )


def _unit_row(unit: UnitStatus, status: PeriodStatus, tz: tzinfo, overdue: bool) -> str:
    link = (
        f"/web/don-vi/{unit.unit_id}?form={url_part(status.form_key)}"
        f"&period={url_part(status.period.key)}"
    )
    reopened = " (mở lại)" if unit.reopened else ""
    state = bucket_label(unit.bucket, LOCALE, overdue=overdue)
    return (
        f'<tr><td><a href="{esc(link)}">{esc(unit.label)}</a></td>'
        f'<td class="b-{unit.bucket}">{esc(state)}{reopened}</td>'
        f"<td>{esc(local_time(unit.submitted_at, tz))}</td></tr>"
    )


def unit_page(
    *,
    unit_name: str,
    unit_code: str,
    template: FormTemplate,
    period: Period,
    state: str,
    view: UnitView | None,
) -> str:
    """One unit's report for one form and period: its state and every answer in form order,
    with the form's question numbers (those the officer sees in chat), then its labelled
    calculations as stored when it was sent."""
    head = (
        f"<h2>{esc(unit_name)} ({esc(unit_code)})</h2>"
        f'<p class="muted">{esc(pick(template.title, LOCALE))} · kỳ '
        f"{esc(period.label(LOCALE))}</p><p>Tình trạng: <b>{esc(state)}</b></p>"
    )
    rows = [] if view is None else _answer_rows(view)
    table = (
        '<div class="scroll"><table><thead><tr><th>Câu hỏi</th><th>Trả lời</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
        if rows
        else "<p>Chưa có câu trả lời nào.</p>"
    )
    back = '<p><a href="/web/">← Tình hình nộp báo cáo</a></p>'
    return page(unit_name, f"{back}<section>{head}{table}</section>")


def _answer_rows(view: UnitView) -> list[str]:
    """A table row per answer (numbered), then one per labelled calculation ("tự tính")."""
    rows = []
    numbers = question_numbers(view.template)
    for question in view.template.questions:
        if not question.answerable or is_empty(view.answers.get(question.id)):
            continue
        value = format_value(question, view.answers[question.id], LOCALE)
        rows.append(
            f"<tr><td>{numbers[question.id]}. {esc(pick(question.label, LOCALE))}</td>"
            f'<td class="answer">{esc(value)}</td></tr>'
        )
    if not rows:
        return rows
    mark = CALCULATED[LOCALE]
    for label, value in labelled_values(view.template, view.calculated, LOCALE):
        rows.append(
            f'<tr><td>{esc(label)} <i>({mark})</i></td><td class="answer">{esc(value)}</td></tr>'
        )
    return rows
