"""`reportbot periods [FORM]` and `reportbot remind --dry-run [--at DATETIME]`.

    reportbot periods                      current and next period of every form, with reminders
    reportbot periods nq57_bao_cao_6_thang --at 2026-06-01
    reportbot remind --dry-run --at 2026-12-19T08:00   what would be sent to whom, and when

Registered by `reportbot.cli`; each command is `async (args, settings) -> int`.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, Any

from connectors.base import Capabilities, render_plain
from reportbot.config import Settings
from reportbot.forms.schema import FormTemplate, pick
from reportbot.periods import Period, current_period, period_at, periods_between
from reportbot.reminders import policy_from_settings, store
from reportbot.reminders.schedule import (
    ACTIVE,
    EXPIRED,
    Policy,
    Slot,
    days_off_lines,
    is_deliverable,
    next_deliverable,
    slots_for,
    slots_in_view,
    upcoming_slots,
)
from reportbot.vocabulary.format import date_text, datetime_text, day_month_text, time_text

if TYPE_CHECKING:  # for the type only: preview() imports the worker where it runs
    from reportbot.reminders.worker import ReminderWorker

EXIT_USAGE = 2
EXIT_FAILURE = 1
SHOWN_RECIPIENTS = 20


def register(commands: Any) -> None:
    """Add `periods` and `remind` to the `reportbot` command."""
    periods = commands.add_parser(
        "periods", help="current and next reporting periods of the forms, with reminders"
    )
    periods.add_argument("form", nargs="?", help="a form key (default: every form)")
    _add_at(periods, "pretend the clock shows this local time")
    periods.set_defaults(func=_periods)

    remind = commands.add_parser("remind", help="preview the reminders (the bot sends them)")
    remind.add_argument(
        "--dry-run", action="store_true", help="show what would be sent to whom and when"
    )
    _add_at(remind, "preview at this local time instead of now")
    remind.set_defaults(func=_remind)


def _add_at(parser: argparse.ArgumentParser, text: str) -> None:
    parser.add_argument(
        "--at",
        metavar="DATETIME",
        type=_moment,
        help=f"{text} (YYYY-MM-DD or YYYY-MM-DDTHH:MM)",
    )


def _moment(value: str) -> datetime:
    try:
        return datetime.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"{value!r}: cần dạng YYYY-MM-DD hoặc YYYY-MM-DDTHH:MM (expected an ISO date/time)"
        ) from exc


def _now(args: argparse.Namespace, tz: tzinfo) -> datetime:
    at: datetime | None = getattr(args, "at", None)
    if at is None:
        return datetime.now(UTC)
    return (at if at.tzinfo else at.replace(tzinfo=tz)).astimezone(UTC)


def _local(moment: datetime, tz: tzinfo) -> str:
    return datetime_text(moment, tz)


async def _templates(settings: Settings) -> dict[str, FormTemplate]:
    """The stored templates, or those of the forms folder when none is stored yet."""
    from reportbot.forms.loader import load_yaml_template
    from reportbot.forms_folder import form_files
    from reportbot.reminders.worker import ReminderWorker

    worker = ReminderWorker(lambda: [], tz=settings.timezone, clock=lambda: datetime.now(UTC))
    found = await worker.templates()
    if found:
        return found
    for path in form_files(settings.forms_dir):
        template, _ = load_yaml_template(path)
        if template is not None:
            found[template.key] = template
    return found


# ---------------------------------------------------------------------------------------------
# reportbot periods


async def _periods(args: argparse.Namespace, settings: Settings) -> int:
    from reportbot.store.database import close_database, open_database

    tz = settings.timezone
    now = _now(args, tz)
    policy = policy_from_settings(settings)
    await open_database(settings.database_url)
    try:
        templates = await _templates(settings)
    finally:
        await close_database()
    if args.form:
        if args.form not in templates:
            known = ", ".join(sorted(templates)) or "—"
            print(
                f"reportbot: không có mẫu báo cáo {args.form!r} (no such form); có (known): "
                f"{known}",
                file=sys.stderr,
            )
            return EXIT_FAILURE
        templates = {args.form: templates[args.form]}
    if not templates:
        print("(chưa có mẫu báo cáo nào / no templates)")
        return 0
    print(f"Lúc (at) {_local(now, tz)} ({tz})")
    for template in templates.values():
        print()
        print(_periods_of(template, now, tz, policy))
    return 0


def _periods_of(template: FormTemplate, now: datetime, tz: tzinfo, policy: Policy) -> str:
    spec = template.period
    lines = [
        f"{template.key} — {pick(template.title, 'vi')} "
        f"({spec.kind}; hạn/due {', '.join(spec.deadlines)})"
    ]
    current = current_period(spec, now, tz)
    if spec.kind == "one_off":
        found = periods_between(
            spec, datetime(1, 1, 2, tzinfo=UTC), datetime.max.replace(tzinfo=UTC), tz
        )
        once = found[0] if found else None
        if current is None and once is not None:
            state = "chưa mở (not open yet)" if now < once.opens_at else "đã qua (past)"
            lines.append(f"  đợt duy nhất (one-off), {state}:")
            lines.extend(_period_lines(template, once, tz, policy))
        elif current is not None:
            lines.append("  hiện tại (current):")
            lines.extend(_period_lines(template, current, tz, policy))
        return "\n".join(lines)
    upcoming = period_at(spec, now, tz, 1)
    for title, period in (("hiện tại (current)", current), ("tiếp theo (next)", upcoming)):
        if period is not None:
            lines.append(f"  {title}:")
            lines.extend(_period_lines(template, period, tz, policy))
    return "\n".join(lines)


def _period_lines(template: FormTemplate, period: Period, tz: tzinfo, policy: Policy) -> list[str]:
    cutoff = f"{date_text(period.cutoff_start)} – {date_text(period.cutoff_end)}"
    reminders = []
    for slot in slots_for(template, period, policy, tz):
        when = f"{time_text(slot.due_at, tz)} {day_month_text(slot.due_at, tz)}"
        gone = slot.due_at >= slot.expires_at
        reminders.append(f"{slot.kind} {when}" + (" (bỏ/skipped)" if gone else ""))
    return [
        f"    {period.key}  {period.label_vi} ({period.label_en})",
        f"    mở (opens)          {_local(period.opens_at, tz)}",
        f"    hạn nộp (deadline)  {_local(period.deadline, tz)}",
        f"    chốt số liệu (data cut-off)  {cutoff}",
        "    nhắc (reminders)    " + ", ".join(reminders),
        *days_off_lines(slots_for(template, period, policy, tz), policy, tz),
    ]


# ---------------------------------------------------------------------------------------------
# reportbot remind --dry-run


async def _remind(args: argparse.Namespace, settings: Settings) -> int:
    if not args.dry_run:
        print(
            "reportbot: bot tự gửi nhắc khi đang chạy; dùng --dry-run để xem trước "
            "(the running bot sends reminders; use --dry-run to preview them)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    from reportbot.store.database import close_database, open_database

    tz = settings.timezone
    now = _now(args, tz)
    await open_database(settings.database_url)
    try:
        print(await preview(settings, now))
    finally:
        await close_database()
    return 0


async def preview(settings: Settings, now: datetime) -> str:
    """The dry-run report: every reminder around `now`, its state, and who it would go to."""
    from reportbot.reminders.worker import ReminderWorker

    tz = settings.timezone
    policy = policy_from_settings(settings)
    worker = ReminderWorker(lambda: [], tz=tz, clock=lambda: now, policy=policy)
    templates = await worker.templates()
    lines = [f"Lúc (at) {_local(now, tz)} ({tz})"]
    if not is_deliverable(now, policy, tz):
        lines.append(
            "Ngoài giờ gửi (outside delivery hours): tin đến hạn sẽ đi lúc (due messages go at) "
            + _local(next_deliverable(now, policy, tz), tz)
        )
    if not templates:
        lines.append("(chưa có mẫu báo cáo nào / no templates stored)")
        return "\n".join(lines)
    published = await worker.publications(templates)
    in_view = slots_in_view(templates.values(), now, policy, tz, published)
    collected = await worker.collect(templates, in_view, now)
    sends: dict[tuple[str, str, str], list[Any]] = defaultdict(list)
    for due in collected.plan.send:
        sends[(due.slot.form_key, due.slot.period.key, due.slot.kind)].append(due)
    skips = Counter((d.slot.form_key, d.slot.period.key, d.slot.kind) for d in collected.plan.skip)
    names = await store.people(d.recipient.person_id for d in collected.plan.send)
    accounts = await store.addresses([d.recipient.person_id for d in collected.plan.send])
    total = 0
    current: tuple[str, str] | None = None
    ordered = sorted(
        upcoming_slots(templates.values(), now, policy, tz, periods=1, published=published),
        key=lambda s: (s.period.deadline, s.form_key, s.due_at, s.kind),
    )
    for slot in ordered:
        group = (slot.form_key, slot.period.key)
        if group != current:
            current = group
            template = templates[slot.form_key]
            lines.append("")
            lines.append(
                f"{pick(template.title, 'vi')} – {slot.period.label_vi} "
                f"[{slot.form_key} {slot.period.key}], hạn (due) {_local(slot.period.deadline, tz)}"
            )
        key = (slot.form_key, slot.period.key, slot.kind)
        rows = collected.deliveries.get(group, {})
        done = Counter(row.status for (_, kind), row in rows.items() if kind == slot.kind)
        lines.append(
            f"  {slot.kind:<14}{_local(slot.due_at, tz)}  {_state(slot, now, done, skips[key])}"
        )
        dues = sends.get(key, [])
        total += len(dues)
        if dues:
            lines.extend(await _send_lines(worker, slot, dues, templates, names, accounts))
    lines.append("")
    lines.append(f"Tổng số tin sẽ gửi ngay (messages that would go now): {total}")
    return "\n".join(lines)


async def _send_lines(
    worker: ReminderWorker,
    slot: Slot,
    dues: list[Any],
    templates: dict[str, FormTemplate],
    names: dict[int, Any],
    accounts: dict[int, list[Any]],
) -> list[str]:
    """Who a slot's due message goes to now (the first few), and the message as it reads."""
    lines = [f"      → gửi ngay (sending now) {len(dues)}:"]
    for due in dues[:SHOWN_RECIPIENTS]:
        person = names.get(due.recipient.person_id)
        platforms = sorted({a.platform for a in accounts.get(due.recipient.person_id, [])})
        lines.append(
            f"        {person.name if person else due.recipient.person_id} "
            f"(#{due.recipient.person_id}) qua (via) {', '.join(platforms) or '—'}"
        )
    if len(dues) > SHOWN_RECIPIENTS:
        lines.append(f"        … +{len(dues) - SHOWN_RECIPIENTS}")
    sample = dues[:1]
    if slot.audience == "officers":
        text = (await worker.officer_messages(sample, templates))[0]
    else:
        text = (await worker.digest_messages(sample, templates, set()))[0]
    shown = render_plain(text, Capabilities()).replace("\n", "\n        │ ")
    lines.append(f"        │ {shown}")
    return lines


def _state(slot: Slot, now: datetime, done: Counter[str], skips: int) -> str:
    state = slot.state(now)
    counts = ", ".join(f"{status} {count}" for status, count in sorted(done.items()))
    suffix = f" [{counts}]" if counts else ""
    if slot.due_at >= slot.expires_at:
        return "bỏ qua: đã có nhắc sau hoặc quá hạn (superseded or past the deadline)" + suffix
    if state == ACTIVE:
        return "đang đến hạn (due now)" + suffix
    if state == EXPIRED:
        extra = f"; sẽ ghi bỏ qua (would record as skipped) {skips}" if skips else ""
        return "đã hết hạn (expired)" + suffix + extra
    return "chờ (waiting)" + suffix
