"""The router: one command table, the routes that answer commands, dialogs, then the engine.

Officer commands (`/baocao`, `/sua 5`, ...) and answers go to the conversation engine.
Coordinator and admin commands are routes: the words that call them are added to the router's
command table, and each route declares the role it needs, checked here before its handler
runs. A dialog is a short exchange outside the engine (an admin's template upload waiting for
"có"): it sees each message before the engine and takes the ones it is waiting for.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from connectors.base import Outgoing
from reportbot.conversation.commands import CommandTable, ParsedCommand
from reportbot.conversation.parsing import fold
from reportbot.conversation.session import PersonInfo
from reportbot.routing.inbound import Inbound
from reportbot.vocabulary.catalogue import register

RouteHandler = Callable[[Inbound, str], Awaitable[list[Outgoing]]]
"""Answers a command: (message, the command's argument) -> replies."""
Refusal = Callable[[PersonInfo, str], list[Outgoing]]
"""The polite refusal for a person lacking a role."""
Fallback = Callable[[Inbound], Awaitable[list[Outgoing]]]

ROLE_RANKS = {"officer": 0, "coordinator": 1, "admin": 2}

# The heading of each role's part of /trogiup (the officer's part is the engine's "help").
HELP_TITLES = register(
    "role_help",
    {
        "coordinator": {"vi": "Lệnh điều phối:", "en": "Coordinator commands:"},
        "admin": {"vi": "Lệnh quản trị:", "en": "Administrator commands:"},
    },
)


def has_role(person: PersonInfo, needed: str) -> bool:
    """Whether the person holds `needed` or a higher role (admin > coordinator > officer)."""
    return ROLE_RANKS.get(person.role, -1) >= ROLE_RANKS[needed]


class Dialog(Protocol):
    """A short exchange outside the engine (e.g. a template upload awaiting confirmation)."""

    async def take(self, inbound: Inbound) -> list[Outgoing] | None:
        """The replies if this dialog handles the message, None to let the next one have it."""
        ...


@dataclass(frozen=True, slots=True)
class Route:
    """A command answered outside the engine, the role it needs, and its help line."""

    name: str
    handler: RouteHandler
    role: str = "officer"
    help: dict[str, str] | None = None  # {"vi": ..., "en": ...}: listed by /trogiup
    # who finds the help line in /trogiup, when not `role` (a command officers may use on
    # their own unit, listed for coordinators, whose help says how to name any unit)
    help_role: str | None = None


InReport = Callable[[PersonInfo], Awaitable[bool]]
"""Whether a person is in the middle of a report (their text is then an answer)."""


class Router:
    """Dispatches a registered person's message: a route, a dialog, or the engine."""

    def __init__(self, table: CommandTable | None = None, *, refuse: Refusal | None = None) -> None:
        self.table = table or CommandTable()
        self.routes: dict[str, Route] = {}
        self.dialogs: list[Dialog] = []
        self._refuse = refuse or _plain_refusal
        self._fallback: Fallback | None = None
        # Words of several parts that also take an argument without a slash ("mo lai hoi phu
        # nu", "tong hop nq57"): Zalo users never type the slash. Folded word -> route name.
        self._bare_with_argument: dict[str, str] = {}
        # Single words that take an argument without a slash, for one role and above only
        # ("xem truong tieu hoc" from a coordinator on Zalo). Folded word -> (route, role).
        self._bare_word_argument: dict[str, tuple[str, str]] = {}
        self.in_report: InReport | None = None

    def command(
        self,
        name: str,
        words: Iterable[str],
        handler: RouteHandler,
        *,
        role: str = "officer",
        bare: bool | None = None,
        help: dict[str, str] | None = None,
        bare_argument_role: str | None = None,
        help_role: str | None = None,
    ) -> None:
        """Route command `name`, called by any of `words`, to `handler` for `role` and above.

        `bare` says whether the words work without a slash; by default only words of several
        parts do ("tinh hinh"): a short word typed alone ("xem") is more likely an answer.
        `bare_argument_role` lets a single word with an argument ("xem hoi phu nu") work
        without a slash for that role and above, outside a report. `help_role` lists the
        help line for that role and above instead of `role`.
        """
        if name in self.routes:
            raise ValueError(f"command {name!r} is already routed")
        if role not in ROLE_RANKS:
            raise ValueError(f"command {name!r}: unknown role {role!r}")
        self.routes[name] = Route(name, handler, role, help, help_role)
        for word in words:
            self.table.add(word, name, bare=bare)
            folded = fold(word)
            if " " in folded and bare is not False:
                self._bare_with_argument[folded] = name
            elif bare_argument_role is not None and " " not in folded:
                self._bare_word_argument[folded] = (name, bare_argument_role)

    def dialog(self, dialog: Dialog) -> None:
        """Let `dialog` see messages before the engine, in the order dialogs were added."""
        self.dialogs.append(dialog)

    def fallback(self, handler: Fallback) -> None:
        """Where everything else goes: the conversation engine."""
        self._fallback = handler

    async def __call__(self, inbound: Inbound) -> list[Outgoing]:
        """Answer one message of a registered person (inside that person's lock)."""
        command = inbound.command or await self._bare_command(inbound)
        route = self.routes.get(command.name) if command is not None else None
        if route is not None and command is not None:
            person = inbound.registered
            if not has_role(person, route.role):
                return self._refuse(person, route.role)
            return await route.handler(inbound, command.argument)
        if command is not None and command.name == "help":
            return [*await self._engine(inbound), *self._role_help(inbound.registered)]
        for dialog in self.dialogs:
            replies = await dialog.take(inbound)
            if replies is not None:
                return replies
        return await self._engine(inbound)

    async def _engine(self, inbound: Inbound) -> list[Outgoing]:
        if self._fallback is None:
            raise RuntimeError("the router has no fallback (the conversation engine)")
        return await self._fallback(inbound)

    async def _bare_command(self, inbound: Inbound) -> ParsedCommand | None:
        """ "tong hop nq57" without a slash, from someone whose role the route needs and who
        is not answering a question (then it is their answer)."""
        folded = fold(inbound.text)
        for words, name in self._bare_with_argument.items():
            if not folded.startswith(words + " "):
                continue
            person = inbound.registered
            if not has_role(person, self.routes[name].role):
                return None
            if self.in_report is not None and await self.in_report(person):
                return None
            # The argument as typed (with its diacritics): drop as many words as the command has.
            argument = inbound.text.strip().split(None, words.count(" ") + 1)[-1]
            return ParsedCommand(name, argument)
        return await self._bare_word_command(inbound, folded)

    async def _bare_word_command(self, inbound: Inbound, folded: str) -> ParsedCommand | None:
        """ "xem truong tieu hoc": a single command word and an argument, without a slash, from
        someone of the word's role who is not answering a question."""
        head, _, rest = folded.partition(" ")
        entry = self._bare_word_argument.get(head)
        if entry is None or not rest:
            return None
        name, role = entry
        person = inbound.registered
        if not has_role(person, role):
            return None
        if self.in_report is not None and await self.in_report(person):
            return None
        return ParsedCommand(name, inbound.text.strip().split(None, 1)[-1])

    def _role_help(self, person: PersonInfo) -> list[Outgoing]:
        """The commands of the person's roles beyond the officer's, for /trogiup: one part
        per role the person holds (an admin also coordinates), each under its heading."""
        locale = "en" if person.locale == "en" else "vi"
        parts: list[Outgoing] = []
        for role in ("coordinator", "admin"):
            if not has_role(person, role):
                continue
            lines = [
                route.help[locale]
                for route in self.routes.values()
                if route.help and (route.help_role or route.role) == role
            ]
            if lines:
                parts.append(Outgoing("\n".join([HELP_TITLES.say(role, locale), *lines])))
        return parts


def _plain_refusal(person: PersonInfo, needed: str) -> list[Outgoing]:
    """A refusal for routers built without the coordination texts (tests, plugins)."""
    if person.locale == "en":
        return [Outgoing(f"This command is for the {needed} role.")]
    return [Outgoing(f"Lệnh này dành cho vai trò {needed}.")]
