"""Choosing and opening a report: the menu of reports a unit may file, and the first screen.

A unit may work on each form's current period, the previous one if it was never submitted
(late filing), and any report a coordinator reopened. Only periods the unit owes are offered
(`reportbot.owed`: the form was published before the period's deadline), the same rule as
the reminders and /tinhhinh.
"""

from __future__ import annotations

from dataclasses import replace

from connectors.base import Choice, Incoming, Outgoing
from reportbot.conversation import navigation as nav
from reportbot.conversation.commands import command_choice
from reportbot.conversation.menu_labels import (
    SEPARATOR,
    ReportMenu,
    distinct,
    report_button,
    report_label,
    status_word,
)
from reportbot.conversation.menu_order import overdue_first, overdue_notes, unfiled_overdue
from reportbot.conversation.numbering import question_count
from reportbot.conversation.parsing import AnswerError
from reportbot.conversation.parsing_choices import parse_choice
from reportbot.conversation.report import OpenReport, unit_facts
from reportbot.conversation.session import (
    SubmissionChange,
    SubmissionView,
    UnitDesk,
)
from reportbot.conversation.state import ConversationState, Mode, ReportKey
from reportbot.conversation.texts_units import UNITS, short_unit
from reportbot.conversation.turn import Turn, deadline_text
from reportbot.forms.schema import FormTemplate, pick
from reportbot.owed import owed_periods
from reportbot.periods import Period, current_period, period_by_key


def report(turn: Turn, argument: str = "") -> None:
    """/baocao: open the report to file; "FORM PERIOD" (a reminder's button) opens that one."""
    opened = turn.report
    if (
        turn.state.in_report
        and opened is not None
        and not _leave_open_report(turn, opened, argument)
    ):
        return
    if turn.unit is None:
        turn.say("no_unit")
        return
    if turn.env.desks:
        _report_in_several_units(turn, argument)
        return
    options = report_options(turn)
    if not options:
        turn.say("no_forms", unit=turn.unit.name)
        return
    wanted = tuple(argument.split())
    if len(options) == 1 or wanted in options:
        open_report(turn, wanted if wanted in options else options[0])  # type: ignore[arg-type]
        return
    turn.state = ConversationState(
        mode=Mode.CHOOSING, options=options, last=turn.state.last, stopped_at=turn.state.stopped_at
    )
    offer_options(turn, options)


def _report_in_several_units(turn: Turn, argument: str) -> None:
    """/baocao for a person with several units: one menu over the reports of all of them.

    "FORM PERIOD" (a reminder's button) opens that report when one unit owes it, else offers
    the units that do; "FORM PERIOD UNITCODE" names the unit.
    """
    pairs = [(key, desk.unit.id) for desk in turn.env.desks for key in _desk_options(turn, desk)]
    pairs = overdue_first(pairs, lambda pair: _overdue(turn, pair[0], _desk(turn, pair[1])))
    if not pairs:
        turn.say("no_forms", unit=", ".join(desk.unit.name for desk in turn.env.desks))
        return
    words = argument.split()
    wanted, code = tuple(words[:2]), (words[2] if len(words) > 2 else None)
    codes = {desk.unit.id: desk.unit.code for desk in turn.env.desks}
    matching = [(k, u) for k, u in pairs if k == wanted and code in (None, codes[u])]
    if len(matching) > 1:  # a reminder naming several units: choose among those only
        pairs = matching
    elif len(pairs) == 1 or matching:
        key, unit_id = (matching or pairs)[0]
        open_report(turn, key, unit_id)
        return
    turn.state = ConversationState(
        mode=Mode.CHOOSING,
        options=[key for key, _ in pairs],
        option_units=[unit_id for _, unit_id in pairs],
        last=turn.state.last,
        stopped_at=turn.state.stopped_at,
        unit=turn.state.unit,
    )
    offer_options(turn, turn.state.options)


OTHER_REPORT = "khac"  # "/baocao khac": the menu, leaving the open report as it is


def _leave_open_report(turn: Turn, opened: OpenReport, argument: str) -> bool:
    """/baocao while a report is open: name it and offer to go on or pick another.

    True when the officer asked for another report ("khac", or a report's keys from a
    reminder's button); False when the open report was named and resumed.
    """
    wanted = tuple(argument.split())
    if argument.strip().casefold() == OTHER_REPORT or (wanted and wanted != opened.key):
        turn.idle()
        return True
    text = _open_report_line(turn, opened)
    choices = (
        command_choice(turn.text("button_continue"), "/tieptuc", turn.locale),
        command_choice(turn.text("button_other_report"), f"/baocao {OTHER_REPORT}", turn.locale),
    )
    turn.reply(Outgoing(text, choices=choices))
    turn.resume(opened)
    return False


def _open_report_line(turn: Turn, opened: OpenReport) -> str:
    """What /baocao says of the open report: a draft's progress; for a sent one, that it is
    sent (which revision) and whether changes are waiting to be sent, never its empty
    optional questions as work left."""
    title = pick(opened.template.title, turn.locale)
    period = opened.period.label(turn.locale)
    if opened.held:
        key = "report_open_reopened" if opened.view.status == "reopened" else "report_open_sent"
        changes = turn.text("open_unsent_changes") if opened.differs_from_sent() else ""
        revision = opened.view.revision
        return turn.text(key, title=title, period=period, revision=revision, changes=changes)
    done, total = opened.counts()
    return turn.text("report_in_progress", title=title, period=period, done=done, left=total - done)


def report_options(turn: Turn) -> list[ReportKey]:
    """Reports the unit may work on, in menu order."""
    return _owed_options(turn, None)


def _desk_options(turn: Turn, desk: UnitDesk) -> list[ReportKey]:
    """Reports one of the person's units may work on, in menu order."""
    return _owed_options(turn, desk)


def _owed_options(turn: Turn, desk: UnitDesk | None) -> list[ReportKey]:
    """The reports of `desk`'s unit (None: the conversation's), overdue ones first."""
    env = turn.env
    forms = desk.forms if desk is not None else env.forms
    submissions = desk.submissions if desk is not None else env.submissions
    options: list[ReportKey] = []
    for key, offer in forms.items():
        spec = offer.template.period
        current = current_period(spec, env.now, env.tz)
        owed = owed_periods(spec, offer.published_at, env.now, env.tz)
        for period in sorted(owed, key=lambda p: p != current):  # the current period first
            if period == current:
                options.append((key, period.key))
                continue
            view = submissions.get((key, period.key))  # behind: only if still not filed
            if view is None or view.status in ("draft", "reopened"):
                options.append((key, period.key))
    for (key, period_key), view in submissions.items():
        if view.status == "reopened" and (key, period_key) not in options:
            options.append((key, period_key))
    return overdue_first(options, lambda option: _overdue(turn, option, desk))


def _overdue(turn: Turn, option: ReportKey, desk: UnitDesk | None) -> bool:
    """Whether the option's report (of `desk`'s unit; None: the conversation's) is past its
    deadline and not sent (`menu_order`)."""
    template = _template_for(turn, *option, desk)
    period = period_by_key(template.period, option[1], turn.env.tz)
    submissions = desk.submissions if desk is not None else turn.env.submissions
    return unfiled_overdue(period, submissions.get(option), turn.env.now)


def offer_options(turn: Turn, options: list[ReportKey]) -> None:
    """The menu: one button per report, with its status (and its unit, for several units)."""
    choices = []
    late: list[tuple[int, Period]] = []  # the overdue ones, named above the buttons
    if not turn.env.desks:
        menu = ReportMenu(turn, options, _template_for)  # short buttons, distinguishing first
        for number, (key, period_key) in enumerate(options, start=1):
            template = _template_for(turn, key, period_key)
            period = period_by_key(template.period, period_key, turn.env.tz)
            choices.append(menu.choice(number, key, period))
            if _overdue(turn, (key, period_key), None):
                late.append((number, period))
        text = "\n".join([menu.text(), *overdue_notes(turn, late)])
        turn.reply(Outgoing(text, choices=tuple(choices)))
        return
    # A person of several units: "period · status" as for everyone, the unit's short name
    # kept apart at the end ("năm 2026 · chưa làm · Phòng Văn hóa -…").
    units = _option_units(turn, options)
    desks = [_desk(turn, unit_id) for unit_id in units]
    templates = [_template_for(turn, k, p, d) for (k, p), d in zip(options, desks, strict=True)]
    several_forms = len({t.key for t in templates}) > 1
    titles = list(dict.fromkeys(pick(t.title, turn.locale) for t in templates))
    short = {title: distinct(title, titles) for title in titles}  # what sets each apart
    for number, ((key, period_key), desk) in enumerate(zip(options, desks, strict=True), 1):
        template = templates[number - 1]
        period = period_by_key(template.period, period_key, turn.env.tz)
        status = _status_text(turn, key, period, desk)
        title = pick(template.title, turn.locale)
        label = report_button(
            period.label(turn.locale), status, short[title], with_title=several_forms
        )
        whole = report_label(period.label(turn.locale), status, title, with_title=several_forms)
        if desk is not None:
            label = f"{label}{SEPARATOR}{short_unit(desk.unit.name)}"
            whole = f"{whole}{SEPARATOR}{desk.unit.name}"
        choices.append(Choice(label, f"#{number}", whole=whole))
        if _overdue(turn, (key, period_key), desk):
            late.append((number, period))
    text = turn.text("choose_report")
    text = f"{text}\n{UNITS.say('choose_hint', turn.locale, count=len(turn.env.desks))}"
    text = "\n".join([text, *overdue_notes(turn, late)])
    turn.reply(Outgoing(text, choices=tuple(choices)))


def _option_units(turn: Turn, options: list[ReportKey]) -> list[int | None]:
    """The unit of each option (None for a person with one unit)."""
    units = turn.state.option_units
    if turn.env.desks and len(units) == len(options):
        return list(units)
    return [None] * len(options)


def _desk(turn: Turn, unit_id: int | None) -> UnitDesk | None:
    """One of the person's units with its forms and reports (None: the conversation's own)."""
    return next((d for d in turn.env.desks if d.unit.id == unit_id), None)


def _status_text(turn: Turn, key: str, period: Period, desk: UnitDesk | None = None) -> str:
    """A report's short status in one of the person's units (menu_labels' words)."""
    submissions = desk.submissions if desk is not None else turn.env.submissions
    view = submissions.get((key, period.key))
    if view is None:
        return status_word("late" if turn.env.now > period.deadline else "new", turn.locale)
    if view.status == "draft":
        facts = unit_facts(desk.unit if desk is not None else turn.unit, view.period_key)
        counted = nav.answered_count(view.template, view.answers, facts)
        return status_word("draft", turn.locale, done=counted.done, left=counted.left)
    return status_word(view.status, turn.locale)


def choose(turn: Turn, message: Incoming, text: str) -> None:
    """The officer picked a report from the menu (button, number or label)."""
    options = turn.state.options
    units = _option_units(turn, options)
    payload = message.choice or text
    index = None
    if payload.startswith("#") and payload[1:].isascii() and payload[1:].isdigit():
        index = int(payload[1:]) - 1
    else:
        labels = [
            (f"#{n}", [_option_label(turn, *o, _desk(turn, u))])
            for n, (o, u) in enumerate(zip(options, units, strict=True), start=1)
        ]
        try:
            index = int(parse_choice(payload, labels)[1:]) - 1
        except AnswerError:
            index = None
    if index is None or not 0 <= index < len(options):
        turn.say("choose_from_list")
        offer_options(turn, options)
        return
    open_report(turn, options[index], units[index])


def _option_label(turn: Turn, key: str, period_key: str, desk: UnitDesk | None = None) -> str:
    template = _template_for(turn, key, period_key, desk)
    period = period_by_key(template.period, period_key, turn.env.tz)
    label = f"{pick(template.title, turn.locale)} – {period.label(turn.locale)}"
    return f"{label} – {desk.unit.name}" if desk is not None else label


def _template_for(
    turn: Turn, key: str, period_key: str, desk: UnitDesk | None = None
) -> FormTemplate:
    submissions = desk.submissions if desk is not None else turn.env.submissions
    forms = desk.forms if desk is not None else turn.env.forms
    view = submissions.get((key, period_key))
    return view.template if view is not None else forms[key].template


def _enter_unit(turn: Turn, unit_id: int | None) -> None:
    """Make another of the person's units the conversation's unit for this turn and after.

    The turn then reads that unit's forms and reports; the state remembers the unit, so the
    router loads them again for the next message (and writes a new report under it).
    """
    desk = _desk(turn, unit_id)
    if desk is None:
        return
    if turn.unit is None or desk.unit.id != turn.unit.id:
        env = turn.env
        person = replace(env.person, unit=desk.unit)
        turn.env = replace(env, person=person, forms=desk.forms, submissions=desk.submissions)
        turn.unit = desk.unit
    turn.state.unit = desk.unit.id


def open_report(turn: Turn, key: ReportKey, unit_id: int | None = None) -> None:
    """Open a report: a new draft, a draft to resume, or a submitted report to change.

    `unit_id` names which of a person's several units the report is for (None: the
    conversation's unit).
    """
    _enter_unit(turn, unit_id)
    stopped_at = turn.state.stopped_at if key == turn.state.last else None
    view = turn.env.submissions.get(key)
    created = False
    if view is None:
        offer = turn.env.forms.get(key[0])
        if offer is None:
            turn.say("nothing_to_continue")
            turn.state = ConversationState(unit=turn.state.unit)
            return
        view = SubmissionView(key[0], key[1], offer.template, offer.record_id)
        turn.flush()
        turn.change = SubmissionChange(view=view, create=True)
        created = True
    opened = turn.open(view)
    turn.state = ConversationState(
        mode=Mode.ANSWERING, report=key, last=turn.state.last, unit=turn.state.unit
    )
    if opened.held:
        _open_submitted(turn, opened)
        return
    _open_draft(turn, opened, created, stopped_at)


def _open_submitted(turn: Turn, opened: OpenReport) -> None:
    view, period = opened.view, opened.period
    params = {
        "title": pick(opened.template.title, turn.locale),
        "period": period.label(turn.locale),
        "deadline": deadline_text(period),
    }
    if view.status == "submitted" and opened.is_late(turn.env.now):
        turn.say("report_locked", **params)
        turn.report = None
        turn.state = ConversationState()
        return
    reopened = view.status == "reopened"
    key_name = "report_reopened_edit" if reopened else "report_submitted_edit"
    turn.say(key_name, revision=view.revision, **params)
    turn.show_review(opened)


def say_resume(turn: Turn, opened: OpenReport) -> None:
    """The line naming the report taken up again and how far it is."""
    done, total = opened.counts()
    title = pick(opened.template.title, turn.locale)
    label = opened.period.label(turn.locale)
    key = "report_resume_optional" if done < total and not opened.missing_required() else None
    turn.say(key or "report_resume", title=title, period=label, done=done, left=total - done)


def _open_draft(turn: Turn, opened: OpenReport, created: bool, at: str | None = None) -> None:
    """The intro or "taken up again" line, then where the officer goes on: the question they
    were at (`at`, kept by /huy) or the first empty one after what they answered, never an
    optional one they skipped (`OpenReport.resume_point`); the review when none is left."""
    period = opened.period
    if created:
        title = pick(opened.template.title, turn.locale)
        label = period.label(turn.locale)
        total = question_count(opened.template)  # the "/27" of "Câu 2/27"
        notes = [turn.text("intro_branching")] if opened.counts()[1] < total else []
        if opened.view.template.repeats:  # the total grows with entries (repeat_progress)
            names = (pick(r.label, turn.locale) or r.name for r in opened.view.template.repeats)
            notes.append(turn.text("intro_repeats", entries="”, “".join(names)))
        branching = f" ({'; '.join(notes)})" if notes else ""  # one bracket for both notes
        deadline = deadline_text(period)
        turn.say(
            "report_intro",
            title=title,
            period=label,
            deadline=deadline,
            total=total,
            branching=branching,
        )
    else:
        say_resume(turn, opened)
    if opened.is_late(turn.env.now):
        turn.say("report_late_note", deadline=deadline_text(period))
    first, behind = opened.resume_point(at)
    if first is None:
        turn.show_review(opened)
        return
    turn.state.edit_one = behind  # a gap behind: answered, then the review
    notes, following = opened.relevance.after(opened.template, None)
    turn.ask(opened, first, notes if first is following else [])
