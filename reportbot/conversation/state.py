"""The typed conversation state of one person, and the edits not yet written to a report.

The engine works on a `ConversationState`; it becomes JSON only at the store's edge
(`to_dict()` / `from_dict()`). The stored shape is the one earlier versions wrote (keys
``mode``, ``form``, ``period``, ``q``, ``edit_one``, ``overlay``, ``clears``, ``options``,
``review``, ``last``; later ``typed`` and ``stopped``, which older states lack),
so the states of running bots keep working across the upgrade.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from reportbot.conversation.values import decode_value, encode_value, is_empty
from reportbot.forms.repeats import base_question
from reportbot.forms.schema import FormTemplate


class Mode(StrEnum):
    """Where a person is in the conversation (a StrEnum: equal to its stored string)."""

    IDLE = "idle"
    CHOOSING = "choosing"  # picking one of several reports (``options``)
    ANSWERING = "answering"  # being asked question ``question``
    REVIEW = "review"  # looking at the numbered answers
    CONFIRM = "confirm"  # asked "submit now?"
    CONFIRM_CLEAR = "confirm_clear"  # asked "this change clears other answers: go on?"


IN_REPORT = frozenset({Mode.ANSWERING, Mode.REVIEW, Mode.CONFIRM, Mode.CONFIRM_CLEAR})

ReportKey = tuple[str, str]

AT_END = ""
"""Where an officer is who went past the last question (the review at the end): a place no
question id names, kept by /huy in `ConversationState.stopped_at`."""

MESSAGE_MAP_SIZE = 20
"""How many (message id, question id) pairs the state keeps for edited messages."""


@dataclass(slots=True)
class PendingEdits:
    """Answers changed but not yet part of the stored report, and answers to remove.

    One shape for drafts and submitted reports alike. A draft's edits live for one message
    and are written with it; a submitted report's edits are kept in the state until it is
    sent again (then written) or the edit is cancelled (then dropped). Values are the decoded
    in-memory values; `encoded` holds values read from storage until the template that can
    decode them is known (`decode`).
    """

    values: dict[str, Any] = field(default_factory=dict)
    clears: set[str] = field(default_factory=set)
    encoded: dict[str, str] = field(default_factory=dict)

    def set(self, qid: str, value: Any) -> None:
        """Record a new answer; an empty value removes the answer."""
        self.encoded.pop(qid, None)
        if is_empty(value):
            self.values.pop(qid, None)
            self.clears.add(qid)
        else:
            self.clears.discard(qid)
            self.values[qid] = value

    def drop(self, qids: Iterable[str]) -> None:
        """Remove answers (they stopped applying)."""
        for qid in qids:
            self.set(qid, None)

    def decode(self, template: FormTemplate) -> None:
        """Decode values read from storage, now that the template is known."""
        for qid, text in self.encoded.items():
            self.values[qid] = decode_value(base_question(template, qid), text)
        self.encoded.clear()

    def applied_to(self, answers: Mapping[str, Any]) -> dict[str, Any]:
        """The answers as the officer sees them: `answers` with these edits on top."""
        merged = dict(answers)
        merged.update(self.values)
        for qid in self.clears:
            merged.pop(qid, None)
        return merged

    def is_empty(self) -> bool:
        """Whether nothing is pending."""
        return not (self.values or self.clears or self.encoded)

    def copy(self) -> PendingEdits:
        """An independent copy (the engine never changes the state it was given)."""
        return PendingEdits(dict(self.values), set(self.clears), dict(self.encoded))

    def to_dict(self) -> dict[str, Any]:
        """The stored shape: ``overlay`` (JSON text per answer) and ``clears``."""
        overlay = dict(self.encoded)
        overlay.update((qid, encode_value(value)) for qid, value in self.values.items())
        return {"overlay": overlay, "clears": sorted(self.clears)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PendingEdits:
        """Read the stored shape (values stay encoded until `decode`)."""
        overlay = data.get("overlay") or {}
        return cls(
            clears={str(q) for q in data.get("clears") or ()},
            encoded={str(q): str(t) for q, t in overlay.items()},
        )


@dataclass(slots=True)
class ConversationState:
    """One person's place in the conversation.

    `report` is the open report (form key, period key); `question` the question being asked;
    `edit_one` is set when one answer is changed from the review (back to the review after
    it); `held` holds the unsent edits of a submitted report (None while filing a draft);
    `options` the reports offered in CHOOSING; `review` the question ids in review order;
    `last` the report /tieptuc resumes; `pending` the answer (question id, JSON text) waiting
    for the officer to confirm that it clears other answers (CONFIRM_CLEAR); `answered` the
    last few (message id, question id) pairs of typed answers, so an edit of such a message in
    the chat app is taken as an edit of that answer (stored as ``msgs``).
    """

    mode: Mode = Mode.IDLE
    report: ReportKey | None = None
    question: str | None = None
    edit_one: bool = False
    held: PendingEdits | None = None
    options: list[ReportKey] = field(default_factory=list)
    review: list[str] = field(default_factory=list)
    last: ReportKey | None = None
    pending: tuple[str, str] | None = None
    answered: list[tuple[str, str]] = field(default_factory=list)
    # A person with several units: the unit the open report belongs to (sticky, kept by the
    # router until another unit's report is opened) and the unit of each of `options`.
    unit: int | None = None
    option_units: list[int] = field(default_factory=list)
    # The answer typed that led to the screen now shown (a question, the review; stored as
    # ``typed``): a digest of its text, when it was written and when that screen appeared,
    # both by the platform's clock. A copy of that answer written before the screen appeared
    # is a retype, never an answer to it (`filling.retyped`).
    typed: tuple[str, datetime, datetime] | None = None
    # The question the officer was at when /huy left the draft `last` (AT_END: the review at
    # its end; stored as ``stopped``): /tieptuc goes back there, not to a question skipped.
    stopped_at: str | None = None

    def remember(self, message_id: str | None, qid: str) -> None:
        """Note that message `message_id` answered `qid` (only the last few are kept)."""
        if not message_id:
            return
        kept = [pair for pair in self.answered if pair[0] != message_id]
        kept.append((message_id, qid))
        self.answered = kept[-MESSAGE_MAP_SIZE:]

    def answered_by(self, message_id: str | None) -> str | None:
        """The question that message `message_id` answered, if it is among the last few."""
        return next((q for m, q in self.answered if message_id and m == message_id), None)

    @property
    def in_report(self) -> bool:
        """Whether a report is open (answering, review or confirm)."""
        return self.mode in IN_REPORT

    def copy(self) -> ConversationState:
        """An independent copy."""
        return ConversationState(
            self.mode,
            self.report,
            self.question,
            self.edit_one,
            self.held.copy() if self.held is not None else None,
            list(self.options),
            list(self.review),
            self.last,
            self.pending,
            list(self.answered),
            self.unit,
            list(self.option_units),
            self.typed,
            self.stopped_at,
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready stored shape (only the keys that carry something)."""
        data: dict[str, Any] = {"mode": self.mode.value}
        if self.report is not None:
            data["form"], data["period"] = self.report
        if self.question is not None:
            data["q"] = self.question
        if self.edit_one:
            data["edit_one"] = True
        if self.held is not None:
            data.update(self.held.to_dict())
        if self.options:
            data["options"] = [list(option) for option in self.options]
        if self.review:
            data["review"] = list(self.review)
        if self.last is not None:
            data["last"] = list(self.last)
        if self.pending is not None:
            data["pending"] = list(self.pending)
        if self.answered:
            data["msgs"] = [list(pair) for pair in self.answered]
        if self.unit is not None:
            data["unit"] = self.unit
        if self.option_units:
            data["option_units"] = list(self.option_units)
        if self.typed is not None:
            digest, written, shown = self.typed
            data["typed"] = [digest, written.isoformat(), shown.isoformat()]
        if self.stopped_at is not None:
            data["stopped"] = self.stopped_at
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> ConversationState:
        """Read a stored state; anything unreadable (old or damaged) falls back to idle."""
        if not data:
            return cls()
        try:
            mode = Mode(data.get("mode", "idle"))
        except ValueError:
            mode = Mode.IDLE
        form, period = data.get("form"), data.get("period")
        report = (str(form), str(period)) if form and period else None
        return cls(
            mode=mode if report is not None or mode in (Mode.IDLE, Mode.CHOOSING) else Mode.IDLE,
            report=report,
            question=data.get("q"),
            edit_one=bool(data.get("edit_one")),
            held=PendingEdits.from_dict(data) if "overlay" in data else None,
            options=_keys(data.get("options")),
            review=[str(q) for q in data.get("review") or ()],
            last=next(iter(_keys([data.get("last")])), None),
            pending=next(iter(_keys([data.get("pending")])), None),
            answered=_keys(data.get("msgs"))[-MESSAGE_MAP_SIZE:],
            unit=_unit_id(data.get("unit")),
            option_units=[u for u in map(_unit_id, data.get("option_units") or ()) if u],
            typed=_typed(data.get("typed")),
            stopped_at=_text(data.get("stopped")),
        )


def _unit_id(value: Any) -> int | None:
    """A stored unit id, or None when missing or malformed."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _text(value: Any) -> str | None:
    """A stored text ("" included: AT_END), or None when missing or malformed."""
    return value if isinstance(value, str) else None


def _moment(value: Any) -> datetime | None:
    """A stored aware time, or None when missing or malformed."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _typed(value: Any) -> tuple[str, datetime, datetime] | None:
    """A stored [digest, time written, time the next screen appeared], or None when
    missing or malformed (or of the two-item shape of an earlier version)."""
    if not isinstance(value, list | tuple) or len(value) != 3 or not isinstance(value[0], str):
        return None
    written, shown = _moment(value[1]), _moment(value[2])
    return (value[0], written, shown) if written is not None and shown is not None else None


def _keys(items: Any) -> list[ReportKey]:
    """[[form, period], ...] from storage, skipping anything malformed."""
    keys: list[ReportKey] = []
    for item in items or ():
        if isinstance(item, list | tuple) and len(item) == 2:
            keys.append((str(item[0]), str(item[1])))
    return keys


def as_state(state: ConversationState | Mapping[str, Any] | None) -> ConversationState:
    """A typed state from either shape (callers that still hold the stored dict)."""
    if isinstance(state, ConversationState):
        return state
    return ConversationState.from_dict(state)
