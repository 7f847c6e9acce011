"""The coordinators' and admins' chat commands, on every connector.

`install(host)` routes, on the host's router (each route declares the role it needs):

- ``/tinhhinh`` (``tinh hinh``): filing status of each form's current period;
- ``/xem UNIT [FORM] [PERIOD]``: a unit's answers (an officer: only their own unit);
- ``/mo UNIT [FORM] [PERIOD]``: reopen a submitted report; the unit's officers are told;
- ``/tonghop [FORM] [PERIOD]``: the consolidated figures, with .xlsx, .docx and a chart;
- ``/moi UNIT [ROLE]``: an invite (admins);
- an admin sending a template file (.yaml or XLSForm .xlsx): check, preview, and publish
  after a yes.

Everything runs inside the person's lock, instead of the engine. The command words of several
parts are also recognised without the slash (Zalo style); the officer's report in progress is
untouched by them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING

from connectors.base import Outgoing
from reportbot.collation import sort_vietnamese
from reportbot.conversation.session import PersonInfo
from reportbot.coordination.people.invites import (
    USERNAME_VARIABLE,
    bot_username,
    issue_invite,
    render_card,
)
from reportbot.coordination.people.lookup import (
    Arguments,
    OtherUnit,
    resolve_unit,
    resolve_unit_for,
    split_arguments,
    split_role,
)
from reportbot.coordination.publishing.template_upload import TemplateUpload
from reportbot.coordination.reporting.choosing import forms_named, pick_form, pick_period
from reportbot.coordination.reporting.forms_seen import forms_owed, forms_seen
from reportbot.coordination.reporting.province import (
    add_commune_sheet,
    consolidate_scope,
    render_breakdown,
)
from reportbot.coordination.reporting.reach import unreachable_line, unreachable_units
from reportbot.coordination.reporting.render import (
    render_status,
    render_summary,
    render_unit_report,
)
from reportbot.coordination.reporting.reopen import describe, reopen_report
from reportbot.coordination.reporting.reports import (
    FORMATS,
    ReportHeader,
    header_for,
    write_report,
)
from reportbot.coordination.reporting.status import FILED, current_statuses
from reportbot.coordination.reporting.summary_choice import SummaryChoice, filed_periods
from reportbot.coordination.reporting.unit_view import unit_view
from reportbot.coordination.roles import ADMIN, COORDINATOR, has_role, refusal
from reportbot.coordination.texts import Problem, t
from reportbot.forms.schema import FormTemplate, pick
from reportbot.periods import period_by_key
from reportbot.routing.inbound import Inbound
from reportbot.store.forms import template_by_record
from reportbot.store.queries.coordination import UnitRecord, unit_by_id
from reportbot.store.queries.organisations import Scope, person_scope
from reportbot.store.queries.unit_reports import latest_unit_report

if TYPE_CHECKING:
    from reportbot.host import Host

Handler = Callable[[PersonInfo, str], Awaitable[list[Outgoing]]]
# (route name, words that call it, role it needs, help line)
ROUTES: tuple[tuple[str, tuple[str, ...], str, dict[str, str]], ...] = (
    (
        "coord_status",
        ("tinhhinh", "tinh hinh", "status"),
        COORDINATOR,
        {
            "vi": "/tinhhinh – tình hình nộp báo cáo (Zalo: tinh hinh)",
            "en": "/status – who has filed",
        },
    ),
    (
        "coord_view",
        ("xem", "view"),
        "officer",  # an officer sees their own unit only
        {
            "vi": "/xem ĐƠN_VỊ – báo cáo và câu trả lời của một đơn vị (Zalo: xem hoi phu nu)",
            "en": "/view UNIT – a unit's answers",
        },
    ),
    (
        "coord_reopen",
        ("mo", "molai", "mo lai", "reopen"),
        COORDINATOR,
        {
            "vi": "/mo ĐƠN_VỊ – mở lại báo cáo đã khóa (Zalo: mo lai hoi phu nu)",
            "en": "/reopen UNIT – reopen a locked report",
        },
    ),
    (
        "coord_summary",
        ("tonghop", "tong hop", "summary"),
        COORDINATOR,
        {
            "vi": "/tonghop [TÊN_MẪU] – số liệu tổng hợp, tệp Excel, Word và biểu đồ "
            "(Zalo: tong hop)",
            "en": "/summary [FORM_TITLE] – consolidated figures with Excel, Word and a chart",
        },
    ),
    (
        "coord_invite",
        ("moi", "invite"),
        ADMIN,
        {"vi": "/moi ĐƠN_VỊ [vai trò] – tạo mã mời", "en": "/invite UNIT [role] – an invite code"},
    ),
)


def install(host: Host) -> None:
    """Route the coordination commands and the template upload dialog on the host's router."""
    chat = CoordinationChat(host)
    handlers: dict[str, Handler] = {
        "coord_status": chat.status,
        "coord_view": chat.view,
        "coord_reopen": chat.reopen,
        "coord_summary": chat.summary,
        "coord_invite": chat.invite,
    }
    for name, words, role, help_line in ROUTES:
        host.router.command(
            name,
            words,
            chat.guarded(handlers[name]),
            role=role,
            help=help_line,
            # Zalo users never type the slash: "xem truong tieu hoc" from a coordinator
            bare_argument_role=COORDINATOR if name == "coord_view" else None,
            help_role=COORDINATOR if name == "coord_view" else None,
        )
    host.router.dialog(TemplateUpload(host))
    host.router.dialog(chat.choice)  # "2" after /tonghop offered the forms by number


class CoordinationChat:
    """The handlers, bound to the parts of the running bot they need."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.clock = host.clock
        self.tz = host.settings.timezone
        self.env = host.settings.env
        self.reports_dir = host.settings.media_dir / "reports"
        self.header = ReportHeader.from_env(host.settings.env)
        router = host.router
        self.choice = SummaryChoice(
            host.clock,
            self.problems_said(self.summary),
            lambda person: router.in_report(person) if router.in_report else _false(),
        )

    def now(self) -> datetime:
        """The bot clock's current time."""
        return self.clock()

    def guarded(self, handler: Handler) -> Callable[[Inbound, str], Awaitable[list[Outgoing]]]:
        """A route handler; a Problem (unknown unit, form or period) becomes its sentence."""

        said = self.problems_said(handler)

        async def run(inbound: Inbound, argument: str) -> list[Outgoing]:
            return await said(inbound.registered, argument)

        return run

    @staticmethod
    def problems_said(handler: Handler) -> Handler:
        """`handler`, a Problem becoming its sentence in the person's language."""

        async def run(person: PersonInfo, argument: str) -> list[Outgoing]:
            try:
                return await handler(person, argument)
            except Problem as problem:
                return [Outgoing(problem.message(person.locale))]

        return run

    # -- /tinhhinh ---------------------------------------------------------------------------

    async def status(self, person: PersonInfo, _argument: str) -> list[Outgoing]:
        """Filing status of each form's current period."""
        now = self.now()
        items = await current_statuses(now, self.tz, await person_scope(person.id))
        periods = [status for pair in items for status in pair if status is not None]
        owing = {u.unit_id for status in periods for u in status.units if u.bucket not in FILED}
        platforms = {connector.name for connector in self.host.connectors()}
        cut_off = await unreachable_units(sorted(owing), platforms)
        return [Outgoing(render_status(items, now, self.tz, person.locale, cut_off))]

    # -- /xem --------------------------------------------------------------------------------

    async def view(self, person: PersonInfo, argument: str) -> list[Outgoing]:
        """A unit's report: coordinators any unit of theirs, officers their own (each of
        several)."""
        scope = await person_scope(person.id)  # another commune's form keys are plain words
        args = split_arguments(argument, set(await forms_seen(scope)))
        if not args.unit and has_role(person, COORDINATOR):
            raise Problem("unit_needed", command="xem")
        if not args.unit and person.several_units and not has_role(person, COORDINATOR):
            replies = []  # an officer of several units: one message per unit
            for own in person.units:
                unit = await unit_by_id(own.id)
                if unit is None:
                    continue
                try:
                    replies.append(await self._unit_view(person, unit, args))
                except Problem as problem:
                    replies.append(Outgoing(problem.message(person.locale)))
            return replies
        if has_role(person, COORDINATOR):  # words of a form's title may follow the unit's
            unit, args = await _unit_and_form(args, scope)
            # The coordinator learns here, not only from the digest, whom the bot cannot reach.
            platforms = {connector.name for connector in self.host.connectors()}
            reach = await unreachable_line(unit.id, platforms, person.locale)
            try:
                return [await self._unit_view(person, unit, args, reach)]
            except Problem as problem:
                said = problem.message(person.locale)
                return [Outgoing(f"{said}\n{reach}" if reach else said)]
        try:
            found = await resolve_unit_for(person, args.unit)
        except OtherUnit:
            names = ", ".join(u.name for u in person.units)
            own_names = names or (person.unit.name if person.unit else "—")
            return [Outgoing(t("refused_other_unit", person.locale, unit=own_names))]
        return [await self._unit_view(person, found, args)]

    async def _unit_view(
        self, person: PersonInfo, unit: UnitRecord, args: Arguments, reach: str | None = None
    ) -> Outgoing:
        submission = await latest_unit_report(unit.id, args.form, args.period)
        if submission is None:
            what = describe(args.form, args.period)
            raise Problem("no_report", unit=unit.name, what=what)
        template = await template_by_record(submission.template_id)
        view = unit_view(template, unit, submission, self.tz)
        text = render_unit_report(
            unit_name=unit.name,
            unit_code=unit.code,
            period=period_by_key(template.period, submission.period_key, self.tz),
            submission=submission,
            view=view,
            tz=self.tz,
            locale=person.locale,
            notice=reach,
        )
        return Outgoing(text)

    # -- /mo ---------------------------------------------------------------------------------

    async def reopen(self, person: PersonInfo, argument: str) -> list[Outgoing]:
        """Reopen a unit's submitted report for changes and tell its officers."""
        scope = await person_scope(person.id)  # another commune's form keys are plain words
        args = split_arguments(argument, set(await forms_seen(scope)))
        if not args.unit:
            raise Problem("unit_needed", command="mo")
        unit, args = await _unit_and_form(args, scope)
        return await reopen_report(self.host, person, unit, args.form, args.period)

    # -- /tonghop ----------------------------------------------------------------------------

    async def summary(self, person: PersonInfo, argument: str) -> list[Outgoing]:
        """The consolidated figures, with the three report files."""
        scope = await person_scope(person.id)
        args, forms = await _summary_forms(argument, scope)
        if args.form is None and len(forms) > 1:  # a numbered choice, not a key to type
            keys = sort_vietnamese(forms, key=lambda k: pick(forms[k].title, person.locale))
            return await self.choice.offer(person, {k: forms[k] for k in keys}, args.period)
        now = self.now()
        key, template = await pick_form(args.form, scope)
        period_key = args.period
        if period_key is None:  # several periods with reports: a numbered choice of them
            found = await filed_periods(key, template, now, self.tz, scope)
            if len(found) > 1:
                return await self.choice.offer_periods(person, key, template, found)
            period_key = found[0].period.key if found else None
        period = await pick_period(key, template, period_key, now, self.tz, scope)
        scoped = await consolidate_scope(key, template, period, now=now, tz=self.tz, scope=scope)
        data = scoped.total
        stamp = now.astimezone(self.tz).strftime("%Y%m%d-%H%M%S")
        paths = {
            fmt: self.reports_dir / f"tong-hop-{key}-{period.key}-{stamp}.{fmt}" for fmt in FORMATS
        }

        header = await header_for(self.header, scope)

        def write_all() -> None:
            for fmt, path in paths.items():
                write_report(data, fmt, path, tz=self.tz, header=header)
            add_commune_sheet(scoped, paths["xlsx"])  # a province: one row per commune

        await asyncio.to_thread(write_all)
        locale = person.locale
        text = "\n\n".join(
            part
            for part in (render_summary(data, locale), render_breakdown(scoped, locale))
            if part
        )
        text += "\n\n" + t("summary_files", locale)
        return [
            Outgoing(text),
            Outgoing(t("file_xlsx", locale), attachment_path=str(paths["xlsx"])),
            Outgoing(t("file_docx", locale), attachment_path=str(paths["docx"])),
            Outgoing(t("file_png", locale), attachment_path=str(paths["png"])),
        ]

    # -- /moi --------------------------------------------------------------------------------

    async def invite(self, person: PersonInfo, argument: str) -> list[Outgoing]:
        """Create an invite for a unit and role."""
        unit_text, role = split_role(argument)
        if not unit_text and role in (None, "officer"):
            return [Outgoing(t("invite_usage", person.locale))]
        scope = await person_scope(person.id)
        unit_code = (await resolve_unit(unit_text, scope)).code if unit_text else None
        card = await issue_invite(
            unit_code=unit_code,
            role=role or "officer",
            now=self.now(),
            env=self._invite_env(),
            created_by=person.id,
        )
        return [Outgoing(render_card(card, person.locale, self.tz))]

    def _invite_env(self) -> dict[str, str]:
        """The settings, with the running Telegram bot's own username when none is set."""
        env = dict(self.env)
        if bot_username(env) is None:
            for connector in self.host.connectors():
                username = getattr(connector, "username", None)
                if connector.name == "telegram" and isinstance(username, str) and username:
                    env[USERNAME_VARIABLE] = username
        return env


async def _summary_forms(argument: str, scope: Scope) -> tuple[Arguments, dict[str, FormTemplate]]:
    """/tonghop's arguments, and the forms to choose from when they name none: those a unit of
    `scope` must file, or those whose title the words name (only forms of `scope` are known:
    another commune's form is never offered nor named). Raises Problem."""
    seen = await forms_seen(scope)
    args = split_arguments(argument, set(seen))
    forms = await forms_owed(scope, seen) or seen
    if args.unit and args.form is None:  # no key given: words of the form's title
        named = forms_named(args.unit, seen)
        if not named:
            raise Problem("form_unknown", form=args.unit, forms=", ".join(sorted(forms)))
        forms = {key: seen[key] for key in named}
        args = Arguments("", named[0] if len(named) == 1 else None, args.period)
    return args, forms


async def _unit_and_form(args: Arguments, scope: Scope) -> tuple[UnitRecord, Arguments]:
    """The unit `args` names. When its words name no unit and no form key was given, the last
    of them may be words of a form's title ("/mo hoi phu nu nghi quyet 57"): that unit, with
    that form. Raises the unit's Problem when no split names both."""
    try:
        return await resolve_unit(args.unit, scope), args
    except Problem as problem:
        if problem.key != "unit_unknown" or args.form is not None:
            raise
        words, forms = args.unit.split(), await forms_seen(scope)
        # The longest unit name first, and at least two words of title: one word ("thang",
        # "57") is too often also part of a place's name to pick a unit's report by it.
        for cut in range(len(words) - 2, 0, -1):
            named = forms_named(" ".join(words[cut:]), forms)
            if len(named) != 1:
                continue
            try:
                unit = await resolve_unit(" ".join(words[:cut]), scope)
            except Problem:
                continue
            return unit, Arguments(" ".join(words[:cut]), named[0], args.period)
        raise


async def _false() -> bool:
    return False


__all__ = ["install", "refusal"]
