"""Updates whose sender was told they failed, kept from ever being handled later.

When a step fails, the sender reads "Xin lỗi, hệ thống đang gặp sự cố … Xin thử lại sau ít
phút" and sends the answer again themselves; handling the failed update later would put the
old answer under whatever question they have reached since. So the update is set aside in
the inbox (`inbox.give_up`). That write can fail too (the disk still full): then this process
remembers the update, refuses to handle it if it comes back (a recovery, a worker's claim
after its lease), and writes the set-aside again at each such return until it lands.
"""

from __future__ import annotations

import logging
from collections import OrderedDict

from reportbot.store import inbox

log = logging.getLogger(__name__)

LIMIT = 10_000  # updates remembered at most (oldest forgotten first); each a few hundred bytes

Update = tuple[str, str]


class SetAside:
    """The failed updates of this process whose set-aside is not written yet."""

    def __init__(self, limit: int = LIMIT) -> None:
        self._unwritten: OrderedDict[Update, str] = OrderedDict()
        self._limit = limit

    async def give_up(self, update: Update, error: str) -> None:
        """Set `update` aside in the inbox, or remember it here when that write fails."""
        try:
            await inbox.give_up(update, error)
        except Exception as failure:
            log.warning(
                "%s update %s failed and could not be set aside (%s): this process will not "
                "handle it again",
                update[0],
                update[1],
                type(failure).__name__,
            )
            self._unwritten[update] = error
            if len(self._unwritten) > self._limit:
                self._unwritten.popitem(last=False)

    def holds(self, update: Update | None) -> bool:
        """Whether `update` failed here and must not be handled."""
        return update is not None and update in self._unwritten

    async def write_again(self) -> None:
        """Try the set-asides not written yet; forget those that land."""
        for update, error in list(self._unwritten.items()):
            try:
                await inbox.give_up(update, error)
            except Exception:
                return  # the database still refuses: the next return of one tries again
            del self._unwritten[update]
