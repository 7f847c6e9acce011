"""The router's fallback: one conversation step through the engine, committed, then replies.

Reads the person's state and their unit's reports (cached), asks the pure engine what the
message does, commits the step through the group committer, and only after the commit updates
the caches and returns the replies.

Where the platform's connector confirms deliveries, a typed answer is taken only if the
question it would answer was confirmed delivered: otherwise (the reply was lost in a crash or
the platform refused it) the person is answering something they never saw, so the kept
replies are shown again and nothing is stored.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from connectors.base import Address, Outgoing
from reportbot.conversation import engine
from reportbot.conversation.i18n import say
from reportbot.conversation.numbering import question_numbers
from reportbot.conversation.session import Env, PersonInfo, SubmissionChange, UnitDesk
from reportbot.conversation.state import IN_REPORT, ConversationState, as_state
from reportbot.conversation.values import format_value
from reportbot.routing import colleagues
from reportbot.routing.inbound import Inbound
from reportbot.routing.kept_replies import KeptReplies
from reportbot.store import replies as reply_rows
from reportbot.store.errors import ConflictError
from reportbot.store.repository import Repository
from reportbot.store.writer import GroupCommitter, StepWrite

log = logging.getLogger(__name__)
# How long an answer waits for the confirmation of the reply it answers when that reply was
# written a moment ago: the person can read it before the platform's HTTP answer reaches us.
CONFIRM_GRACE_S = 5.0
CONFLICT_RETRIES = 3  # a report that others keep changing: decide again on fresh data


class EngineRoute:
    """Runs the conversation engine for a registered person and commits its step."""

    def __init__(
        self,
        repository: Repository,
        committer: GroupCommitter,
        *,
        tz: ZoneInfo,
        clock: Callable[[], datetime],
        keeps_replies: Callable[[str], bool] = lambda _platform: False,
        writer: Callable[[], str | None] = lambda: None,
    ) -> None:
        self.repository = repository
        self.committer = committer
        self.tz = tz
        self.clock = clock
        # Whether the platform's connector confirms deliveries: then a step's replies are
        # written with the step and kept until confirmed (`reportbot.store.replies`).
        self.keeps_replies = keeps_replies
        # Who writes the replies (a worker's holder id while it holds its lock): they are
        # sent again at once if that worker dies before sending them (`replies.due`).
        self.writer = writer
        self.confirm_grace = CONFIRM_GRACE_S
        # What this process knows of the replies owed (one process only: with several, each
        # answer reads the database).
        self.kept: KeptReplies | None = None if repository.shared else KeptReplies()

    async def __call__(self, inbound: Inbound) -> list[Outgoing]:
        """One step; a unit's report created by a colleague a moment ago means: decide again."""
        registered = inbound.registered
        units = registered.units or ((registered.unit,) if registered.unit else ())
        for _ in range(CONFLICT_RETRIES):
            try:
                return await self._step(inbound)
            except ConflictError as error:
                for unit in units:  # every unit of a person of several (kiêm nhiệm)
                    self.repository.forget_unit(unit.id)
                other = getattr(error, "other", None)  # store.versions.StaleWrite
                if other:  # the same question changed by someone else: say who, decide nothing
                    return [unstored(say("edit_conflict", inbound.locale, name=other), inbound)]
        return await self._step(inbound)

    async def _step(self, inbound: Inbound) -> list[Outgoing]:
        repository = self.repository
        state = await repository.conversation(inbound.registered.id)
        # A person with several units talks about one at a time: the unit of their open
        # report (kept in the state), else their first unit.
        person = in_unit(inbound.registered, state.unit)
        unit_id = person.unit.id if person.unit else None
        unshown = await self._unshown(inbound, state)
        if unshown is not None:
            return unshown
        reports = await repository.reports(unit_id) if unit_id is not None else {}
        env = Env(
            now=self.clock(),
            tz=self.tz,
            person=person,
            forms=await repository.forms_for(person.unit),
            submissions=reports,
            desks=await self._desks(person),
        )
        step = engine.handle(state, inbound.message, env, inbound.parsed)
        if env.desks and step.state is not None:
            new_state = as_state(step.state)
            if new_state.unit is None:  # the unit sticks until another unit's report opens
                new_state.unit = unit_id
            unit_id = new_state.unit
            step.state = new_state  # type: ignore[assignment]
        change = step.change
        others: list[colleagues.ColleagueAnswer] = []
        if change is not None:
            others = await colleagues.others_answers(person.id, change)
            late = await colleagues.overtaken(person.id, change, others)
            if late is not None:  # a colleague's answer this person never saw: keep it
                told = [unstored(overtaken_text(late, change, inbound.locale), inbound)]
                return await self._commit(inbound, state, None, unit_id, told, env.now)
        replies = await self._commit(inbound, step.state, change, unit_id, step.replies, env.now)
        if change is not None and others:  # stored: the colleagues it overrode are told
            try:
                await colleagues.tell_colleagues(person.name, change, others, env.now)
            except Exception as error:  # the step is stored; a lost notice is only a notice
                log.warning("colleague notice not queued: %s", type(error).__name__)
        return replies

    async def _commit(
        self,
        inbound: Inbound,
        state: object,
        change: SubmissionChange | None,
        unit_id: int | None,
        replies: list[Outgoing],
        now: datetime,
    ) -> list[Outgoing]:
        """Write one step (state, change, replies kept until confirmed), then the caches."""
        repository = self.repository
        person_id = inbound.registered.id
        write = StepWrite(
            person_id=person_id,
            unit_id=unit_id,
            state=state,  # type: ignore[arg-type]
            change=change,
            update=inbound.update,
            now=now,
        )
        message = inbound.message
        receipt = None
        if replies and self.keeps_replies(message.platform):
            receipt = reply_rows.new_receipt(person_id)
            address = Address(message.platform, message.user_id, message.chat_id)
            write.replies = reply_rows.reply_row(receipt, address, replies, now, self.writer())
            replies = [*replies[:-1], dataclasses.replace(replies[-1], receipt=receipt)]
        repository.begin_write(unit_id)
        try:
            await self.committer.commit(write)
        except Exception:
            repository.forget_unit(unit_id)
            raise
        finally:
            repository.end_write(unit_id)
        inbound.recorded = write.update is not None
        if receipt is not None and self.kept is not None:
            self.kept.kept(receipt)
        if state is not None:
            repository.remember_state(person_id, state)  # type: ignore[arg-type]
        if change is not None:
            repository.apply(unit_id, change, write.created_id, now)
        return replies

    async def _unshown(self, inbound: Inbound, state: ConversationState) -> list[Outgoing] | None:
        """The kept replies again when a typed answer meets a question never confirmed shown.

        Commands, button presses and replies to a question message carry their own binding
        and pass; so does everything on a platform that cannot confirm (today's behaviour).
        """
        message = inbound.message
        if state.mode not in IN_REPORT or not self.keeps_replies(message.platform):
            return None
        bound = message.choice is not None or message.choices is not None
        if inbound.command is not None or bound or message.reply_to_question or message.edited:
            return None
        person_id = inbound.registered.id
        if await self._confirmed_here(person_id):
            return None
        owed = await reply_rows.last_owed(person_id)
        if owed is None or not owed.messages:
            if self.kept is not None and owed is None:
                self.kept.checked(person_id)
            return None
        created = owed.created_at
        grace = self.confirm_grace
        young = created is not None and (self.clock() - created).total_seconds() < grace
        if young and await reply_rows.wait_confirmed(owed.receipt, grace):
            return None
        log.info(
            "%s: an answer came for a question never confirmed delivered (%s): shown again",
            message.platform,
            owed.question_id or "-",
        )
        last = dataclasses.replace(owed.messages[-1], receipt=owed.receipt)
        return [*owed.messages[:-1], last]

    async def _confirmed_here(self, person_id: int) -> bool:
        """Whether this process knows the person was shown every reply (no database read):
        nothing pending, or the newest pending reply confirmed within the grace period."""
        kept = self.kept
        if kept is None:
            return False
        newest = kept.newest(person_id)
        if newest is not None:
            receipt, age = newest
            if age < self.confirm_grace:
                await kept.wait(receipt, self.confirm_grace - age)
        return kept.clear(person_id)

    def confirmed(self, receipt: str) -> None:
        """A connector confirmed these replies (their row is deleted)."""
        if self.kept is not None:
            self.kept.confirmed(receipt)

    async def _desks(self, person: PersonInfo) -> tuple[UnitDesk, ...]:
        """Every unit of a person with several, with its forms and reports (cached)."""
        if not person.several_units:
            return ()
        repository = self.repository
        desks = []
        for unit in person.units:
            forms = await repository.forms_for(unit)
            desks.append(UnitDesk(unit, forms, await repository.reports(unit.id)))
        return tuple(desks)


def unstored(text: str, inbound: Inbound) -> Outgoing:
    """Why an answer was not stored, bound to the question the answer was bound to (the
    button's or the replied message's): a connector then keeps that question as it was,
    buttons included, instead of showing the refused answer as chosen."""
    return Outgoing(text, question=inbound.message.reply_to_question)


def overtaken_text(late: colleagues.ColleagueAnswer, change: SubmissionChange, locale: str) -> str:
    """What the person is told when a colleague changed their question meanwhile."""
    template = change.view.template
    question = template.question(late.question_id)
    return say(
        "edit_overtaken",
        locale,
        name=late.name,
        number=question_numbers(template).get(late.question_id, "?"),
        value=format_value(question, late.value, locale),
    )


def in_unit(person: PersonInfo, unit_id: int | None) -> PersonInfo:
    """The person as seen while talking about unit `unit_id` (one of theirs; else as is)."""
    unit = next((u for u in person.units if u.id == unit_id), None)
    if unit is None or unit == person.unit:
        return person
    return dataclasses.replace(person, unit=unit)
