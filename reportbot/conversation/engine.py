"""The conversation engine: pure logic from (state, message, env) to a `Step`.

The engine does no I/O. It reads the typed conversation state, the message (read once into a
`ParsedInput`) and an `Env` snapshot, and returns what to store (new state, one submission
change) and what to send. The service commits the step before it sends the replies.

The flows live in their own modules: `opening` (choosing and opening a report), `filling`
(answering, skipping, going back), `reviewing` (review, edit, submit, cancel); `turn` holds
one message's working state and the screens they share.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from connectors.base import Incoming, Outgoing
from reportbot.conversation import bound, filling, opening, reviewing
from reportbot.conversation.answers import choice_options
from reportbot.conversation.i18n import say
from reportbot.conversation.inputs import ParsedInput, prepare
from reportbot.conversation.parsing import MAX_TEXT_LENGTH
from reportbot.conversation.session import Env, Step
from reportbot.conversation.state import IN_REPORT, ConversationState, Mode, as_state
from reportbot.conversation.texts_units import UNITS
from reportbot.conversation.turn import Turn, deadline_text
from reportbot.conversation.values import format_number
from reportbot.forms import clock
from reportbot.forms.repeats import base_question
from reportbot.forms.schema import ATTACHMENT_TYPES

IN_REPORT_MODES = tuple(sorted(IN_REPORT))
"""The modes in which a report is open (StrEnum members: equal to their stored strings)."""

_COMMANDS: dict[str, Callable[[Turn, str], None]] = {
    "start": lambda turn, _arg: _start(turn),
    "report": opening.report,
    "continue": lambda turn, _arg: filling.continue_(turn),
    "back": lambda turn, _arg: filling.back(turn),
    "skip": lambda turn, _arg: filling.skip(turn),
    "review": lambda turn, _arg: reviewing.review(turn),
    "edit": reviewing.edit,
    "submit": lambda turn, _arg: reviewing.submit(turn),
    "cancel": lambda turn, _arg: reviewing.cancel(turn),
    "help": lambda turn, _arg: _help(turn),
}


def handle(
    state: ConversationState | Mapping[str, Any] | None,
    message: Incoming,
    env: Env,
    parsed: ParsedInput | None = None,
) -> Step:
    """Decide what one message does. Never raises for anything a user can send.

    `parsed` is the message as the router read it; without one the message is read here
    with the officer commands. `state` may still be the stored dict (read with
    `ConversationState.from_dict`); the returned `Step.state` is always typed. A form's now()
    and today() read `env.now` (`forms.clock`), the clock the periods are decided by.
    """
    token = clock.enter(env.now, env.tz)
    try:
        return _handle(state, message, env, parsed)
    finally:
        clock.leave(token)


def _handle(
    state: ConversationState | Mapping[str, Any] | None,
    message: Incoming,
    env: Env,
    parsed: ParsedInput | None,
) -> Step:
    if parsed is None:
        parsed = prepare(message, bare_words=env.bare_commands)
    if parsed.problem is not None:
        locale = env.person.locale
        params = {
            "length": format_number(len(parsed.text), locale),
            "max": format_number(MAX_TEXT_LENGTH, locale),
        }
        problem = parsed.problem
        if problem == "unsupported" and _asks_file(as_state(state), env):
            problem = "need_attachment"  # a voice note at a file question: not "answer in text"
        text = say(problem, locale, **params)
        return Step(replies=[Outgoing(text)])
    turn = Turn(as_state(state), env)
    command = parsed.command
    if message.edited:
        bound.route(turn, message, parsed.text)  # a correction is never run as a command
    elif command is not None:
        handler = _COMMANDS.get(command.name)
        if bound.stale_command(turn, message):
            pass  # an old question's command button: never applied to the question asked now
        elif handler is None:
            shown = "/" + command.argument if command.argument else command.name
            turn.say("unknown_command", command=shown)
        else:
            handler(turn, command.argument)
    elif not bound.route(turn, message, parsed.text):
        _by_mode(turn, message, parsed.text)
    return turn.finish()


def _help(turn: Turn) -> None:
    """The officer's commands, for a person of a unit. A coordinator or admin of no unit has
    none of them (the router adds the commands of their roles); an officer of none is told
    to ask the administrator."""
    person = turn.env.person
    if person.unit is not None:
        turn.say("help")
    elif person.role == "officer":
        turn.say("no_unit")


def _asks_file(state: ConversationState, env: Env) -> bool:
    """Whether a photo or file question is being asked."""
    view = env.submissions.get(state.report) if state.report is not None else None
    if state.mode != Mode.ANSWERING or view is None or state.question is None:
        return False
    question = base_question(view.template, state.question)  # q[k] of a repeat: q
    return question is not None and question.type in ATTACHMENT_TYPES


def _by_mode(turn: Turn, message: Incoming, text: str) -> None:
    mode = turn.state.mode
    if mode == Mode.CHOOSING:
        opening.choose(turn, message, text)
    elif mode == Mode.ANSWERING:
        filling.answer(turn, message, text)
    elif mode == Mode.REVIEW:
        reviewing.review_input(turn, message, text)
    elif mode == Mode.CONFIRM:
        reviewing.confirm(turn, message, text)
    elif mode == Mode.CONFIRM_CLEAR:
        filling.confirm_clear(turn, message, text)
    elif message.attachment is not None:
        turn.say("unexpected_attachment")
    else:
        turn.idle_menu()


def _start(turn: Turn) -> None:
    name = turn.env.person.name
    if turn.unit is None:
        turn.reply(Outgoing(UNITS.say("no_unit_welcome", turn.locale, name=name)))
    else:
        turn.say("welcome", name=name, unit=turn.unit.name)
    if turn.state.in_report:
        if turn.report is not None:  # say which report the officer is taken back into
            opening.say_resume(turn, turn.report)
        filling.continue_(turn)


def now_local(env: Env) -> datetime:
    """The current time on the local wall clock."""
    return env.now.astimezone(env.tz)


__all__ = [
    "IN_REPORT_MODES",
    "ConversationState",
    "Mode",
    "choice_options",
    "deadline_text",
    "handle",
    "now_local",
]
