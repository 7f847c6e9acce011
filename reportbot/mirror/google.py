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
import random
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import gspread
import requests
from google.auth import exceptions as auth_errors
from gspread.exceptions import APIError
from gspread.utils import absolute_range_name, rowcol_to_a1

from reportbot.mirror.backend import MirrorError, MirrorUnavailable
from reportbot.mirror.google_client import DEFAULT_TIMEOUT, make_client
from reportbot.mirror.layout import (
    Block,
    assign_rows,
    header_blocks,
    latest_records,
    locate_rows,
    plan_columns,
    row_blocks,
)
from reportbot.mirror.ratelimit import RateLimiter, RetryGaveUp, RetryPolicy, Sleep, retry_call
from reportbot.mirror.records import (
    DEFAULT_TZ,
    STATUS_SHEET_TITLE,
    FormLayout,
    MirrorBatch,
    SubmissionRecord,
    layout_headers,
    record_row,
    sheet_titles,
)
from reportbot.mirror.status import StyledRow, status_rows, status_width
from reportbot.mirror.verify import RowsDisplaced, damage, deleted_by_hand, reassign

log = logging.getLogger(__name__)

ENV_CREDENTIALS = "REPORTBOT_GOOGLE_CREDENTIALS_FILE"
ENV_SPREADSHEET = "REPORTBOT_SPREADSHEET_ID"
ENV_API_URL = "REPORTBOT_GOOGLE_SHEETS_API_URL"
ENV_WRITES_PER_MINUTE = "REPORTBOT_SHEETS_WRITES_PER_MINUTE"

MAX_PAYLOAD_BYTES = 1_800_000
NEW_SHEET_ROWS = 1000
NEW_SHEET_COLS = 26
HEADER_FORMAT = {
    "textFormat": {"bold": True},
    "backgroundColor": {"red": 0.9, "green": 0.9, "blue": 0.9},
}
HIGHLIGHTS = {
    "late": {"red": 1.0, "green": 0.9, "blue": 0.7},
    "missing": {"red": 0.96, "green": 0.8, "blue": 0.8},
}
STYLES: dict[str, dict[str, Any]] = {
    "title": {"textFormat": {"bold": True, "fontSize": 12}},
    "header": HEADER_FORMAT,
    "note": {"textFormat": {"italic": True}},
    "percent": {"numberFormat": {"type": "PERCENT", "pattern": "0.0%"}},
}


@dataclass(slots=True)
class SheetInfo:
    """What we know of one worksheet from the metadata: id, exact title and grid size."""

    sheet_id: int
    title: str
    row_count: int
    col_count: int


def describe(error: BaseException | None) -> str:
    """A short, secret-free description of an API or network error for logs and status."""
    if isinstance(error, APIError):
        message = str(error.error.get("message", ""))[:200]
        return f"HTTP {error.response.status_code}: {message}"
    if error is None:
        return "unknown error"
    return type(error).__name__


def transient_delay(error: BaseException) -> float | None:
    """Whether an error may pass on retry: 0 = use backoff, >0 = server's pause, None = no."""
    if isinstance(error, APIError):
        status = error.response.status_code
        if status in (408, 429) or status >= 500:
            retry_after = error.response.headers.get("Retry-After", "")
            return float(retry_after) if retry_after.isdigit() else 0.0
        return None
    if isinstance(error, requests.exceptions.Timeout | requests.exceptions.ConnectionError):
        return 0.0
    if isinstance(error, auth_errors.TransportError):  # token endpoint unreachable
        return 0.0
    return None


def _a1(title: str, block: Block) -> str:
    height, width = len(block.values), len(block.values[0])
    start = rowcol_to_a1(block.row, block.col + 1)
    end = rowcol_to_a1(block.row + height - 1, block.col + width)
    return absolute_range_name(title, f"{start}:{end}")


def _column_letter(col: int) -> str:
    return rowcol_to_a1(1, col + 1)[:-1]


def _cell_data(value: Any, fmt: Mapping[str, Any]) -> dict[str, Any]:
    cell: dict[str, Any] = {}
    if isinstance(value, bool | int | float):
        cell["userEnteredValue"] = {"numberValue": value}
    elif value != "":
        # stringValue is never parsed, so a name like "=HYPERLINK(...)" stays text
        cell["userEnteredValue"] = {"stringValue": str(value)}
    if fmt:
        cell["userEnteredFormat"] = dict(fmt)
    return cell


def status_cells(rows: list[StyledRow]) -> list[dict[str, Any]]:
    """The status rows as Sheets `RowData`, highlighted rows coloured across the table."""
    width = status_width(rows)
    out: list[dict[str, Any]] = []
    for row in rows:
        colour = HIGHLIGHTS.get(row.highlight)
        cells = list(row.cells)
        span = width if colour else len(cells)
        values = []
        for index in range(span):
            cell = cells[index] if index < len(cells) else None
            fmt = dict(STYLES.get(cell.style, {})) if cell else {}
            if colour:
                fmt["backgroundColor"] = colour
            values.append(_cell_data(cell.value if cell else "", fmt))
        out.append({"values": values})
    return out


def split_payload(data: list[dict[str, Any]], limit: int) -> list[list[dict[str, Any]]]:
    """Group value ranges into requests of at most about `limit` bytes of JSON each."""
    chunks: list[list[dict[str, Any]]] = [[]]
    size = 0
    for item in data:
        item_size = len(json.dumps(item, ensure_ascii=False).encode())
        if chunks[-1] and size + item_size > limit:
            chunks.append([])
            size = 0
        chunks[-1].append(item)
        size += item_size
    return [chunk for chunk in chunks if chunk]


def _split_block(block: Block, limit: int) -> list[Block]:
    """Cut a tall block so that each piece stays under the payload limit."""
    pieces: list[Block] = []
    start, size = 0, 0
    for index, row in enumerate(block.values):
        row_size = len(json.dumps(row, ensure_ascii=False).encode()) + 2
        if index > start and size + row_size > limit:
            pieces.append(Block(block.row + start, block.col, block.values[start:index]))
            start, size = index, 0
        size += row_size
    pieces.append(Block(block.row + start, block.col, block.values[start:]))
    return pieces


class GoogleSheetsBackend:
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
    ) -> None:
        self.spreadsheet_id = spreadsheet_id
        self.tz = tz
        self._credentials_file = credentials_file
        self._api_url = api_url
        self._timeout = timeout
        self._writes = RateLimiter(writes_per_minute, clock=clock, sleep=sleep)
        self._reads = RateLimiter(reads_per_minute, clock=clock, sleep=sleep)
        self._retry = retry or RetryPolicy()
        self._max_payload = max_payload_bytes
        self._headroom = row_headroom
        self._sleep = sleep
        self._client: gspread.Client | None = None
        self._sheets: dict[str, SheetInfo] | None = None
        self._status_digest: str | None = None
        self._lock = asyncio.Lock()
        self.calls: Counter[str] = Counter()
        # Submission ids each worksheet held after our last verified write (by folded title),
        # and the ids found deleted by hand since, for the worker to write again.
        self._known: dict[str, set[int]] = {}
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
            raise MirrorError(f"{ENV_SPREADSHEET} is not set")
        if env.get(ENV_WRITES_PER_MINUTE, "").strip().isdigit():
            options.setdefault("writes_per_minute", int(env[ENV_WRITES_PER_MINUTE]))
        return cls(
            spreadsheet_id,
            credentials_file=env.get(ENV_CREDENTIALS) or None,
            api_url=env.get(ENV_API_URL) or None,
            **options,
        )

    # -- calls -----------------------------------------------------------------------------

    async def _call(self, kind: str, label: str, method: str, *args: Any) -> Any:
        limiter = self._writes if kind == "write" else self._reads

        async def attempt() -> Any:
            if self._client is None:
                self._client = await self._make_client()
            await limiter.acquire()
            self.calls[kind] += 1
            return await asyncio.to_thread(getattr(self._client.http_client, method), *args)

        try:
            return await retry_call(attempt, self._retry, transient_delay, sleep=self._sleep)
        except auth_errors.RefreshError as error:
            raise MirrorError(
                "Google từ chối khóa tài khoản dịch vụ (the service account key was refused): "
                f"{type(error).__name__}; check {ENV_CREDENTIALS}"
            ) from error
        except RetryGaveUp as error:
            self._sheets = None
            raise MirrorUnavailable(
                f"Google Sheets {label}: {describe(error.__cause__)}"
            ) from error.__cause__

    async def _make_client(self) -> gspread.Client:
        try:
            return await asyncio.to_thread(
                make_client, self._credentials_file, self._api_url, self._timeout
            )
        except (OSError, ValueError) as error:
            raise MirrorError(
                f"cannot load the service account key named by {ENV_CREDENTIALS}: "
                f"{type(error).__name__}"
            ) from error

    async def _metadata(self) -> dict[str, SheetInfo]:
        if self._sheets is None:
            params = {"includeGridData": "false", "fields": "properties.title,sheets.properties"}
            data = await self._call(
                "read", "metadata", "fetch_sheet_metadata", self.spreadsheet_id, params
            )
            sheets: dict[str, SheetInfo] = {}
            for sheet in data.get("sheets", []):
                props = sheet["properties"]
                grid = props.get("gridProperties", {})
                info = SheetInfo(
                    props["sheetId"],
                    props["title"],
                    grid.get("rowCount", 0),
                    grid.get("columnCount", 0),
                )
                sheets[info.title.casefold()] = info
            self._sheets = sheets
        return self._sheets

    async def _batch_get(self, ranges: list[str]) -> list[list[list[Any]]]:
        params = {"valueRenderOption": "UNFORMATTED_VALUE", "majorDimension": "ROWS"}
        data = await self._call(
            "read", "values:batchGet", "values_batch_get", self.spreadsheet_id, ranges, params
        )
        return [item.get("values", []) for item in data.get("valueRanges", [])]

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
        by_form: dict[str, list[SubmissionRecord]] = {}
        for record in latest_records(batch.records):
            by_form.setdefault(record.form_key, []).append(record)
        missing = [key for key in by_form if batch.layout(key) is None]
        if missing:
            raise MirrorError(f"no layout for form(s) {', '.join(sorted(missing))}")
        layouts = [layout for layout in batch.layouts if rebuild or layout.form_key in by_form]
        current = {} if rebuild else await self._read_current(layouts, titles, sheets)

        requests_: list[dict[str, Any]] = []
        data: list[dict[str, Any]] = []
        grown: dict[str, tuple[int, int]] = {}
        checks: list[tuple[str, int, dict[int, list[int]], dict[int, list[int]]]] = []
        for layout in layouts:
            title = titles[layout.form_key]
            info = sheets.get(title.casefold())
            header, ids = current.get(layout.form_key, ([], []))
            plan = plan_columns(header, layout_headers(layout))
            records = by_form.get(layout.form_key, [])
            found, last, assigned = self._locate(title, ids, records, repair)
            checks.append((title, plan.positions[0], found, assigned))
            rows = {}
            for record in records:
                values = record_row(layout, record, self.tz)
                for row in assigned[record.submission_id]:
                    rows[row] = values
            need_rows = max([last, *rows])
            need_cols = plan.width
            if info is None:
                info = self._add_sheet(requests_, sheets, title, need_rows, need_cols)
                requests_.extend(self._header_requests(info.sheet_id))
            elif rebuild:
                clear = {"range": {"sheetId": info.sheet_id}, "fields": "userEnteredValue"}
                requests_.append({"updateCells": clear})
                requests_.extend(self._header_requests(info.sheet_id))
            grown[info.title] = self._grow(requests_, info, need_rows, need_cols)
            for block in header_blocks(plan.new_headers) + row_blocks(rows, plan.positions):
                for piece in _split_block(block, self._max_payload):
                    data.append(
                        {
                            "range": _a1(info.title, piece),
                            "majorDimension": "ROWS",
                            "values": piece.values,
                        }
                    )

        digest = self._status_requests(requests_, sheets, grown, batch, rebuild)
        await self._send(requests_, data, sheets, grown)
        if digest is not None:
            self._status_digest = digest
        await self._verify(checks, sheets, rebuild)

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
            self._remember(sheets, reply, grown)
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
        self,
        checks: list[tuple[str, int, dict[int, list[int]], dict[int, list[int]]]],
        sheets: dict[str, SheetInfo],
        rebuild: bool,
    ) -> None:
        """Read the id columns again; RowsDisplaced when a write landed on moved rows."""
        # Only writes over rows found at the read can land on a moved row; rows appended
        # below everything were empty.
        written = [check for check in checks if set(check[2]) & set(check[3])]
        if not rebuild and written:
            ranges = [
                absolute_range_name(
                    sheets[title.casefold()].title,
                    f"{_column_letter(col)}:{_column_letter(col)}",
                )
                for title, col, _, _ in written
            ]
            columns = await self._batch_get(ranges)
            for (title, _, found, assigned), column in zip(written, columns, strict=True):
                harmed = damage(found, assigned, [row[0] if row else "" for row in column])
                if harmed:
                    self._known.pop(title.casefold(), None)
                    wrote = {row for rows in assigned.values() for row in rows}
                    self._clobbered[title.casefold()] = wrote
                    raise RowsDisplaced(title, harmed, wrote)
        for title, _, found, assigned in checks:
            self._known[title.casefold()] = set(assigned) if rebuild else set(found) | set(assigned)

    async def _read_current(
        self,
        layouts: Sequence[FormLayout],
        titles: dict[str, str],
        sheets: dict[str, SheetInfo],
    ) -> dict[str, tuple[list[Any], list[Any]]]:
        """Read the header row and the id column of every existing worksheet in one call."""
        existing = [
            (layout.form_key, sheets[titles[layout.form_key].casefold()].title)
            for layout in layouts
            if titles[layout.form_key].casefold() in sheets
        ]
        if not existing:
            return {}
        ranges: list[str] = []
        for _, title in existing:
            ranges += [absolute_range_name(title, "1:1"), absolute_range_name(title, "A:A")]
        values = await self._batch_get(ranges)
        current: dict[str, tuple[list[Any], list[Any]]] = {}
        moved: list[tuple[str, str, int]] = []
        for index, (form_key, title) in enumerate(existing):
            header = values[2 * index][0] if values[2 * index] else []
            ids = [row[0] if row else "" for row in values[2 * index + 1]]
            current[form_key] = (header, ids)
            wanted = layout_headers(next(lay for lay in layouts if lay.form_key == form_key))
            id_col = plan_columns(header, wanted).positions[0]
            if id_col != 0:
                moved.append((form_key, title, id_col))
        if moved:
            # Someone inserted columns before the id column: one more read, still constant.
            ranges = [
                absolute_range_name(title, f"{_column_letter(col)}:{_column_letter(col)}")
                for _, title, col in moved
            ]
            for (form_key, _, _), column in zip(moved, await self._batch_get(ranges), strict=True):
                current[form_key] = (
                    current[form_key][0],
                    [row[0] if row else "" for row in column],
                )
        return current

    def _new_sheet_id(self, sheets: dict[str, SheetInfo]) -> int:
        taken = {info.sheet_id for info in sheets.values()}
        while True:
            candidate = random.randint(1, 2**31 - 2)
            if candidate not in taken:
                return candidate

    def _add_sheet(
        self,
        requests_: list[dict[str, Any]],
        sheets: dict[str, SheetInfo],
        title: str,
        need_rows: int,
        need_cols: int,
        index: int | None = None,
    ) -> SheetInfo:
        info = SheetInfo(
            self._new_sheet_id(sheets),
            title,
            max(NEW_SHEET_ROWS, need_rows + self._headroom),
            max(NEW_SHEET_COLS, need_cols),
        )
        properties: dict[str, Any] = {
            "sheetId": info.sheet_id,
            "title": title,
            "gridProperties": {
                "rowCount": info.row_count,
                "columnCount": info.col_count,
                "frozenRowCount": 1 if title != STATUS_SHEET_TITLE else 0,
            },
        }
        if index is not None:
            properties["index"] = index
        requests_.append({"addSheet": {"properties": properties}})
        sheets[title.casefold()] = SheetInfo(info.sheet_id, title, 0, 0)  # sized in _remember
        return info

    def _header_requests(self, sheet_id: int) -> list[dict[str, Any]]:
        return [
            {
                "updateSheetProperties": {
                    "properties": {"sheetId": sheet_id, "gridProperties": {"frozenRowCount": 1}},
                    "fields": "gridProperties.frozenRowCount",
                }
            },
            {
                "repeatCell": {
                    "range": {"sheetId": sheet_id, "startRowIndex": 0, "endRowIndex": 1},
                    "cell": {"userEnteredFormat": HEADER_FORMAT},
                    "fields": "userEnteredFormat(textFormat,backgroundColor)",
                }
            },
        ]

    def _grow(
        self, requests_: list[dict[str, Any]], info: SheetInfo, need_rows: int, need_cols: int
    ) -> tuple[int, int]:
        """Append rows/columns so writes fit the grid (Sheets refuses writes beyond it)."""
        rows, cols = info.row_count, info.col_count
        if rows == 0 and cols == 0:
            return max(NEW_SHEET_ROWS, need_rows + self._headroom), max(NEW_SHEET_COLS, need_cols)
        if need_rows > rows:
            extra = need_rows - rows + self._headroom
            requests_.append(
                {
                    "appendDimension": {
                        "sheetId": info.sheet_id,
                        "dimension": "ROWS",
                        "length": extra,
                    }
                }
            )
            rows += extra
        if need_cols > cols:
            extra = need_cols - cols
            requests_.append(
                {
                    "appendDimension": {
                        "sheetId": info.sheet_id,
                        "dimension": "COLUMNS",
                        "length": extra,
                    }
                }
            )
            cols += extra
        return rows, cols

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
            info = self._add_sheet(requests_, sheets, STATUS_SHEET_TITLE, len(rows), width, index=0)
        grown[info.title] = self._grow(requests_, info, len(rows), width)
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

    def _remember(
        self, sheets: dict[str, SheetInfo], reply: Any, grown: dict[str, tuple[int, int]]
    ) -> None:
        for item in reply.get("replies", []):
            props = item.get("addSheet", {}).get("properties") if item else None
            if props:
                grid = props.get("gridProperties", {})
                sheets[props["title"].casefold()] = SheetInfo(
                    props["sheetId"],
                    props["title"],
                    grid.get("rowCount", 0),
                    grid.get("columnCount", 0),
                )
        for title, (rows, cols) in grown.items():
            info = sheets.get(title.casefold())
            if info is not None:
                info.row_count, info.col_count = rows, cols
