"""Google Sheets backend: a whole flush in a constant number of API calls, written RAW.

One flush makes at most: one metadata read (cached between flushes, refreshed after an
error), one `values:batchGet` of the header rows and id columns, one spreadsheet
`batchUpdate` when a worksheet must be added or grown or the status sheet changed, and one
`values:batchUpdate` (valueInputOption=RAW) with every row of every form, and one more
`values:batchGet` of the id columns to check that no row moved under the write (`verify`).
Payloads over ~2 MB are cut into several calls. Every call passes the client-side rate
limiter and is retried with backoff on 429, 5xx and timeouts; past the retry budget
`MirrorUnavailable` is raised and the worker keeps the changes for later.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import time
from collections.abc import Callable, Mapping
from typing import Any

from gspread.exceptions import APIError
from gspread.utils import absolute_range_name

from reportbot.language import env_locale, say
from reportbot.mirror.backend import MirrorError
from reportbot.mirror.google_api import ENV_CREDENTIALS, SheetsApi
from reportbot.mirror.google_client import DEFAULT_TIMEOUT
from reportbot.mirror.google_errors import describe, transient_delay
from reportbot.mirror.google_plan import Writes, entry_writes, flush_targets, read_current
from reportbot.mirror.google_requests import (
    MAX_PAYLOAD_BYTES,
    SheetInfo,
    a1_range,
    add_sheet,
    column_letter,
    grow,
    header_requests,
    remember,
    split_block,
    split_payload,
    status_cells,
)
from reportbot.mirror.layout import (
    ColumnPlan,
    assign_rows,
    header_blocks,
    latest_records,
    locate_rows,
    plan_columns,
    row_blocks,
)
from reportbot.mirror.ratelimit import RateLimiter, RetryPolicy, Sleep
from reportbot.mirror.records import (
    DEFAULT_TZ,
    MAX_TITLE_CHARS,
    STATUS_SHEET_TITLE,
    CellValue,
    MirrorBatch,
    SubmissionRecord,
    record_row,
    sheet_titles,
)
from reportbot.mirror.repeat_sheets import repeat_titles
from reportbot.mirror.status import status_rows, status_width
from reportbot.mirror.verify import (
    RowsDisplaced,
    WriteCheck,
    deleted_by_hand,
    entries_deleted_by_hand,
    reassign,
)

# The request builders and error helpers moved out; their old names stay importable here.
__all__ = [
    "ENV_API_URL",
    "ENV_CREDENTIALS",
    "ENV_SPREADSHEET",
    "ENV_WRITES_PER_MINUTE",
    "MAX_PAYLOAD_BYTES",
    "GoogleSheetsBackend",
    "SheetInfo",
    "describe",
    "split_payload",
    "status_cells",
    "transient_delay",
]

log = logging.getLogger(__name__)

ENV_SPREADSHEET = "REPORTBOT_SPREADSHEET_ID"
ENV_API_URL = "REPORTBOT_GOOGLE_SHEETS_API_URL"
ENV_WRITES_PER_MINUTE = "REPORTBOT_SHEETS_WRITES_PER_MINUTE"


class GoogleSheetsBackend(SheetsApi):
    """Mirror submissions into one Google spreadsheet through gspread."""

    name = "google"

    def __init__(
        self,
        spreadsheet_id: str,
        *,
        credentials_file: str | None = None,
        api_url: str | None = None,
        tz: str = DEFAULT_TZ,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        writes_per_minute: int = 50,
        reads_per_minute: int = 50,
        retry: RetryPolicy | None = None,
        max_payload_bytes: int = MAX_PAYLOAD_BYTES,
        row_headroom: int = 200,
        sleep: Sleep = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        limiters: tuple[RateLimiter, RateLimiter] | None = None,
    ) -> None:
        super().__init__(
            spreadsheet_id,
            credentials_file=credentials_file,
            api_url=api_url,
            timeout=timeout,
            writes_per_minute=writes_per_minute,
            reads_per_minute=reads_per_minute,
            retry=retry,
            sleep=sleep,
            clock=clock,
            limiters=limiters,
        )
        self.tz = tz
        self._max_payload = max_payload_bytes
        self._headroom = row_headroom
        self._status_digest: str | None = None
        self._lock = asyncio.Lock()
        # Submission ids each worksheet held after our last verified write (by folded title),
        # and the ids found deleted by hand since, for the worker to write again.
        self._known: dict[str, set[int]] = {}
        self._entry_rows: dict[str, dict[int, int]] = {}  # the same for repeat sheets: rows
        self.missing: set[int] = set()
        self._clobbered: dict[str, set[int]] = {}  # rows a displaced write hit, for `repair`

    def take_missing(self) -> set[int]:
        """The submission ids whose rows were deleted by hand (then forgotten here)."""
        missing, self.missing = self.missing, set()
        return missing

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **options: Any) -> GoogleSheetsBackend:
        """Build from REPORTBOT_SPREADSHEET_ID, _GOOGLE_CREDENTIALS_FILE, _GOOGLE_SHEETS_API_URL."""
        env = os.environ if env is None else env
        spreadsheet_id = env.get(ENV_SPREADSHEET, "").strip()
        if not spreadsheet_id:
            raise MirrorError(
                say(env_locale(), f"chưa đặt {ENV_SPREADSHEET}", f"{ENV_SPREADSHEET} is not set")
            )
        if env.get(ENV_WRITES_PER_MINUTE, "").strip().isdigit():
            options.setdefault("writes_per_minute", int(env[ENV_WRITES_PER_MINUTE]))
        return cls(
            spreadsheet_id,
            credentials_file=env.get(ENV_CREDENTIALS) or None,
            api_url=env.get(ENV_API_URL) or None,
            **options,
        )

    # -- the flush -------------------------------------------------------------------------

    async def apply(self, batch: MirrorBatch) -> None:
        """Update or append every record's row by submission id; rewrite the status sheet."""
        await self._run(batch, rebuild=False)

    async def rebuild(self, batch: MirrorBatch) -> None:
        """Clear and rewrite every worksheet of the batch's forms, then the status sheet."""
        await self._run(batch, rebuild=True)

    async def repair(self, batch: MirrorBatch) -> None:
        """Write the batch after `RowsDisplaced`: the rows a misplaced write doubled are given
        back to the units it overwrote (`verify.reassign`), the rest of the sheet untouched."""
        await self._run(batch, rebuild=False, repair=True)

    async def close(self) -> None:
        """Close the HTTP session."""
        client, self._client = self._client, None
        if client is not None:
            await asyncio.to_thread(client.http_client.session.close)

    async def _run(self, batch: MirrorBatch, *, rebuild: bool, repair: bool = False) -> None:
        async with self._lock:
            for attempt in range(2):
                try:
                    await self._flush(batch, rebuild=rebuild, repair=repair)
                    return
                except APIError as error:
                    # A 400 usually means our cached metadata is stale: a worksheet renamed,
                    # deleted or shrunk by hand, or an addSheet whose answer was lost: look again.
                    self._sheets = None
                    self._status_digest = None
                    if attempt == 0 and error.response.status_code == 400:
                        log.info("sheet layout changed, refreshing: %s", describe(error))
                        continue
                    raise MirrorError(f"Google Sheets: {describe(error)}") from error
                except Exception:
                    self._sheets = None  # may hold worksheets planned but never added
                    self._status_digest = None
                    raise

    async def _flush(self, batch: MirrorBatch, *, rebuild: bool, repair: bool = False) -> None:
        sheets = await self._metadata()
        titles = sheet_titles(batch.layouts)
        entry_titles = repeat_titles(batch.layouts, titles, MAX_TITLE_CHARS)
        by_form: dict[str, list[SubmissionRecord]] = {}
        for record in latest_records(batch.records):
            by_form.setdefault(record.form_key, []).append(record)
        missing = [key for key in by_form if batch.layout(key) is None]
        if missing:
            raise MirrorError(f"no layout for form(s) {', '.join(sorted(missing))}")
        layouts = [layout for layout in batch.layouts if rebuild or layout.form_key in by_form]
        targets = flush_targets(layouts, titles, entry_titles)
        current = {} if rebuild else await read_current(self._batch_get, targets, sheets)
        out = Writes()
        for target in targets:
            header, ids = current.get(target.title.casefold(), ([], []))
            plan = plan_columns(header, target.headers)
            records = by_form.get(target.layout.form_key, [])
            if target.repeat is not None:
                rows, last, check = entry_writes(target, plan, ids, records, self.tz)
                known = self._entry_rows.get(target.title.casefold(), {})
                self.missing |= entries_deleted_by_hand(known, check.found, check.expected or {})
            else:
                found, last, assigned = self._locate(target.title, ids, records, repair)
                check = WriteCheck(target.title, plan.positions[0], found, assigned)
                rows = {}
                for record in records:
                    values = record_row(target.layout, record, self.tz)
                    for row in assigned[record.submission_id]:
                        rows[row] = values
            out.checks.append(check)
            self._place(out, sheets, target.title, plan, rows, last, rebuild)

        digest = self._status_requests(out.requests, sheets, out.grown, batch, rebuild)
        await self._send(out.requests, out.data, sheets, out.grown)
        if digest is not None:
            self._status_digest = digest
        await self._verify(out.checks, sheets, rebuild)

    def _place(
        self,
        out: Writes,
        sheets: dict[str, SheetInfo],
        title: str,
        plan: ColumnPlan,
        rows: dict[int, list[CellValue]],
        last: int,
        rebuild: bool,
    ) -> None:
        """Queue one worksheet's new headers and rows (adding, clearing, growing it first)."""
        info = sheets.get(title.casefold())
        need_rows = max([last, *rows])
        if info is None:
            info = add_sheet(
                out.requests, sheets, title, need_rows, plan.width, headroom=self._headroom
            )
            out.requests.extend(header_requests(info.sheet_id))
        elif rebuild:
            clear = {"range": {"sheetId": info.sheet_id}, "fields": "userEnteredValue"}
            out.requests.append({"updateCells": clear})
            out.requests.extend(header_requests(info.sheet_id))
        out.grown[info.title] = grow(out.requests, info, need_rows, plan.width, self._headroom)
        for block in header_blocks(plan.new_headers) + row_blocks(rows, plan.positions):
            for piece in split_block(block, self._max_payload):
                out.data.append(
                    {
                        "range": a1_range(info.title, piece),
                        "majorDimension": "ROWS",
                        "values": piece.values,
                    }
                )

    async def _send(
        self,
        requests_: list[dict[str, Any]],
        data: list[dict[str, Any]],
        sheets: dict[str, SheetInfo],
        grown: dict[str, tuple[int, int]],
    ) -> None:
        """The structure changes in one batchUpdate, then the values, RAW, in chunks."""
        if requests_:
            reply = await self._call(
                "write", "batchUpdate", "batch_update", self.spreadsheet_id, {"requests": requests_}
            )
            remember(sheets, reply, grown)
        for chunk in split_payload(data, self._max_payload):
            body = {"valueInputOption": "RAW", "data": chunk, "includeValuesInResponse": False}
            await self._call(
                "write", "values:batchUpdate", "values_batch_update", self.spreadsheet_id, body
            )

    def _locate(
        self, title: str, ids: list[Any], records: list[SubmissionRecord], repair: bool
    ) -> tuple[dict[int, list[int]], int, dict[int, list[int]]]:
        """Rows by id as read, the last used row, and the rows each record goes to; notes
        the ids deleted by hand since the last flush (`missing`)."""
        found, last = locate_rows(ids)
        wanted = [r.submission_id for r in records]
        if repair:
            found = reassign(found, wanted, self._clobbered.pop(title.casefold(), set()))
        assigned = assign_rows(wanted, found, last)
        known = self._known.get(title.casefold(), set())
        self.missing |= deleted_by_hand(known, found, assigned)
        return found, last, assigned

    async def _verify(
        self, checks: list[WriteCheck], sheets: dict[str, SheetInfo], rebuild: bool
    ) -> None:
        """Read the id columns again; RowsDisplaced when a write landed on moved rows."""
        # Only writes over rows found at the read can land on a moved row; rows appended
        # below everything were empty.
        risky = [check for check in checks if check.risky]
        if not rebuild and risky:
            ranges = [
                absolute_range_name(
                    sheets[check.title.casefold()].title,
                    f"{column_letter(check.col)}:{column_letter(check.col)}",
                )
                for check in risky
            ]
            columns = await self._batch_get(ranges)
            for check, column in zip(risky, columns, strict=True):
                harmed = check.harmed([row[0] if row else "" for row in column])
                if harmed:
                    folded = check.title.casefold()
                    wrote = {row for rows in check.assigned.values() for row in rows}
                    self._entry_rows.pop(folded, None)
                    if check.expected is None:  # a repeat's sheet is repaired by its plan
                        self._known.pop(folded, None)
                        self._clobbered[folded] = wrote
                    raise RowsDisplaced(check.title, harmed, wrote)
        for check in checks:
            if check.expected is not None:
                self._entry_rows[check.title.casefold()] = check.entry_rows(rebuild)
                continue
            held = set(check.assigned) if rebuild else set(check.found) | set(check.assigned)
            self._known[check.title.casefold()] = held

    def _status_requests(
        self,
        requests_: list[dict[str, Any]],
        sheets: dict[str, SheetInfo],
        grown: dict[str, tuple[int, int]],
        batch: MirrorBatch,
        rebuild: bool,
    ) -> str | None:
        """Queue the status sheet's rewrite (values and formats at once) if it changed."""
        if not batch.status:
            return None
        rows = status_rows(batch.status, self.tz)
        cells = status_cells(rows)
        digest = hashlib.sha256(json.dumps(cells, sort_keys=True).encode()).hexdigest()
        if digest == self._status_digest and not rebuild:
            return None
        info = sheets.get(STATUS_SHEET_TITLE.casefold())
        width = status_width(rows)
        if info is None:
            info = add_sheet(
                requests_,
                sheets,
                STATUS_SHEET_TITLE,
                len(rows),
                width,
                headroom=self._headroom,
                index=0,
            )
        grown[info.title] = grow(requests_, info, len(rows), width, self._headroom)
        requests_.append(
            {
                "updateCells": {
                    "range": {"sheetId": info.sheet_id},
                    "rows": cells,
                    "fields": "userEnteredValue,userEnteredFormat",
                }
            }
        )
        return digest
