"""The data the engine reads (who is talking, which forms and reports exist) and returns.

The engine never touches the database: the service hands it an `Env` snapshot and applies the
`Step` it returns (store first, then the replies).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from connectors.base import Outgoing
from reportbot.forms.schema import FormTemplate


@dataclass(frozen=True, slots=True)
class UnitInfo:
    """The unit a person reports for."""

    id: int
    code: str
    name: str
    type: str
    # One of several units of the person talking: a question's binding then names the unit,
    # so a button of one unit's report is never taken for the same report of another unit.
    scoped: bool = False


@dataclass(frozen=True, slots=True)
class PersonInfo:
    """The person talking to the bot."""

    id: int
    name: str
    role: str
    locale: str
    unit: UnitInfo | None
    # Every unit the person reports for (an official may hold posts in several: kiêm nhiệm),
    # the first one first; empty or one entry for most people. `unit` is one of them.
    units: tuple[UnitInfo, ...] = ()

    @property
    def several_units(self) -> bool:
        """Whether the person reports for more than one unit."""
        return len(self.units) > 1


@dataclass(slots=True)
class SubmissionView:
    """A unit's report for one form and period, as the engine sees it.

    `id` is None until the submission is first stored. `template` is the exact version the
    report was started with.
    """

    form_key: str
    period_key: str
    template: FormTemplate
    template_record_id: int
    status: str = "draft"
    revision: int = 0
    answers: dict[str, Any] = field(default_factory=dict)
    submitted_at: datetime | None = None
    submitted_by: int | None = None
    id: int | None = None
    version: int = 0  # the stored row's version when read (optimistic concurrency, store)
    # When the stored row was last written: for a submitted report, when its revision was sent
    # (held edits are written only by sending).
    updated_at: datetime | None = None
    # The calculations' values stored with the report (name -> value; None: not computable),
    # kept apart from the answers so that no expression reads a stale one.
    calculated: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        """(form key, period key): unique within a unit."""
        return (self.form_key, self.period_key)


@dataclass(frozen=True, slots=True)
class FormOffer:
    """A form the unit may file, with its latest template and its stored record id."""

    template: FormTemplate
    record_id: int
    published_at: datetime | None = None  # first publication: which periods are owed (owed.py)


@dataclass(frozen=True, slots=True)
class UnitDesk:
    """One of a person's units with the forms it files and its reports (for the chooser)."""

    unit: UnitInfo
    forms: Mapping[str, FormOffer]
    submissions: Mapping[tuple[str, str], SubmissionView]


@dataclass(frozen=True, slots=True)
class Env:
    """Everything the engine may read besides the conversation state and the message."""

    now: datetime
    tz: tzinfo
    person: PersonInfo
    forms: Mapping[str, FormOffer]
    submissions: Mapping[tuple[str, str], SubmissionView]
    bare_commands: bool = True
    # Every unit of a person who reports for several (empty otherwise): the chooser offers
    # the reports of all of them, and opening one makes its unit the conversation's unit.
    desks: tuple[UnitDesk, ...] = ()


@dataclass(slots=True)
class SubmissionChange:
    """What one message changes in one submission; applied atomically with the state."""

    view: SubmissionView
    create: bool = False
    set_answers: dict[str, Any] = field(default_factory=dict)
    clear_answers: set[str] = field(default_factory=set)
    status: str | None = None
    revision: int | None = None
    submitted_at: datetime | None = None
    submitted_by: int | None = None
    # Calculations whose stored value this change writes (`conversation.storing`).
    set_calculated: dict[str, Any] = field(default_factory=dict)

    def is_empty(self) -> bool:
        """Whether nothing would be written."""
        return not (
            self.create
            or self.set_answers
            or self.clear_answers
            or self.status is not None
            or self.revision is not None
        )


@dataclass(slots=True)
class Step:
    """The engine's decision: the new state (None = unchanged), a change, and the replies."""

    replies: list[Outgoing] = field(default_factory=list)
    state: dict[str, Any] | None = None
    change: SubmissionChange | None = None
