"""What this process knows of the replies each person is still owed, to spare a database read.

Before taking a typed answer, the engine route asks whether the question it answers was
confirmed delivered (`store.replies.last_owed`). That read ran for nearly every answer, and
on SQLite every statement waits its turn on the one connection: it was the largest share of
the database trips of an answer. In a single process (role `all`) the replies of a step are
written and confirmed here only, so once a person was checked in the database and every reply
written to them since was confirmed, nothing is owed: no read needed. With several processes
(`shared`) this knowledge is never used.

A reply dropped elsewhere (the redelivery job giving up) only leaves a receipt that looks
pending: the route then reads the database as before, which is always correct.

Waiting for a confirmation uses the waiters of `store.replies` (`waiting`), which every
confirmation in this process wakes (`replies.wake`): one mechanism for this memory and for
`replies.wait_confirmed`.
"""

from __future__ import annotations

import asyncio
import time

from reportbot.store import replies as reply_rows


def person_of(receipt: str) -> int | None:
    """The person a step's receipt belongs to (`replies.new_receipt`); None for a notice."""
    head, _, _ = receipt.partition(".")
    return int(head) if head.isdigit() else None


class KeptReplies:
    """Receipts written by this process and not yet confirmed, per person."""

    def __init__(self) -> None:
        self._checked: set[int] = set()  # read in the database since this process started
        self._pending: dict[int, dict[str, float]] = {}  # person -> receipt -> written at

    def clear(self, person_id: int) -> bool:
        """Whether the person is known to be owed nothing (no database read needed)."""
        return person_id in self._checked and not self._pending.get(person_id)

    def checked(self, person_id: int) -> None:
        """The database showed nothing owed to this person."""
        self._checked.add(person_id)
        self._pending.pop(person_id, None)

    def kept(self, receipt: str) -> None:
        """A step's replies were committed with this receipt (kept until confirmed)."""
        person_id = person_of(receipt)
        if person_id is not None:
            self._pending.setdefault(person_id, {})[receipt] = time.monotonic()

    def confirmed(self, receipt: str) -> None:
        """The platform has the replies of this receipt (their row is deleted): its waiters
        are released here too (waking twice is harmless; callers may have done it already)."""
        reply_rows.wake([receipt])
        person_id = person_of(receipt)
        pending = self._pending.get(person_id) if person_id is not None else None
        if pending is not None:
            pending.pop(receipt, None)
            if not pending:
                del self._pending[person_id]  # type: ignore[arg-type]

    def newest(self, person_id: int) -> tuple[str, float] | None:
        """The newest pending receipt of a person and its age in seconds."""
        pending = self._pending.get(person_id)
        if not pending:
            return None
        receipt = max(pending, key=pending.__getitem__)
        return receipt, time.monotonic() - pending[receipt]

    async def wait(self, receipt: str, timeout: float) -> bool:
        """Wait until this receipt is confirmed here (`replies.wake`); False after `timeout`
        seconds."""
        person_id = person_of(receipt)
        if person_id is None or receipt not in self._pending.get(person_id, {}):
            return True  # confirmed already
        with reply_rows.waiting(receipt) as event:
            try:
                await asyncio.wait_for(event.wait(), timeout)
            except TimeoutError:
                return False
        return True
