"""A fake Google Sheets API v4 server for tests (aiohttp on 127.0.0.1, random port).

It implements what gspread sends for the mirror, as REFERENCE.md and the API reference
describe: spreadsheet metadata (`GET /v4/spreadsheets/{id}`), `:batchUpdate` (addSheet,
deleteSheet, updateSheetProperties, appendDimension, insert/deleteDimension, repeatCell,
updateCells), `values/{range}` get/update/append/clear, `values:batchGet`,
`values:batchUpdate` and `values:batchClear`. Cells live in memory.

Like the real API: A1 ranges may quote sheet names ('It''s'!A1:B2); `valueInputOption` is
required on writes and honoured (USER_ENTERED turns '=…' into a formula, '+1' into a number;
RAW stores exactly what was sent; null skips a cell, "" clears it); reads omit `values` for an
empty range and trim trailing empty cells and rows; writes beyond the grid fail with 400
(append grows it); a batch applies all or nothing.

Faults on demand: `quota(reads=…, writes=…)` answers 429 past N requests per minute,
`fail_next(n, status)` answers errors, `down()`/`up()` answers 503 to everything, `slow(s)`
answers late (before or after applying the change). Every request is recorded.
Helpers play a coordinator: `sort_rows`, `insert_rows`, `delete_rows`.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar
from urllib.parse import unquote

from aiohttp import web

from tests.fakes._server import FakeServer

Value = str | int | float | bool

_STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_CELL = re.compile(r"^([A-Za-z]*)(\d*)$")


class ApiError(Exception):
    """An error answer, in Google's JSON shape."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def response(self) -> web.Response:
        """The error as Google sends it."""
        body = {
            "error": {
                "code": self.code,
                "message": self.message,
                "status": _STATUS_NAMES.get(self.code, "UNKNOWN"),
            }
        }
        return web.json_response(body, status=self.code)


@dataclass(slots=True)
class Cell:
    """One stored cell: a value, or a formula (what USER_ENTERED makes of '=…')."""

    value: Value | None = None
    formula: str | None = None

    @property
    def empty(self) -> bool:
        """Whether the cell holds nothing."""
        return self.formula is None and (self.value is None or self.value == "")


@dataclass(slots=True)
class Sheet:
    """One worksheet: properties, grid size, cells and formats (0-based row, col)."""

    sheet_id: int
    title: str
    index: int
    row_count: int = 1000
    col_count: int = 26
    frozen_rows: int = 0
    frozen_cols: int = 0
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    formats: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    _last_row: int | None = None  # cache: last row holding a value, -1 if none

    def properties(self) -> dict[str, Any]:
        """The sheet's `properties` object as the API returns it."""
        grid: dict[str, Any] = {"rowCount": self.row_count, "columnCount": self.col_count}
        if self.frozen_rows:
            grid["frozenRowCount"] = self.frozen_rows
        if self.frozen_cols:
            grid["frozenColumnCount"] = self.frozen_cols
        return {
            "sheetId": self.sheet_id,
            "title": self.title,
            "index": self.index,
            "sheetType": "GRID",
            "gridProperties": grid,
        }

    def set(self, row: int, col: int, cell: Cell | None) -> None:
        """Store or clear one cell."""
        if cell is None or cell.empty:
            if self.cells.pop((row, col), None) is not None:
                self._last_row = None
        else:
            self.cells[(row, col)] = cell
            if self._last_row is not None:
                self._last_row = max(self._last_row, row)

    def last_row(self) -> int:
        """The last 0-based row holding a value (-1 for an empty sheet)."""
        if self._last_row is None:
            self._last_row = max((row for row, _ in self.cells), default=-1)
        return self._last_row

    def last_col(self) -> int:
        """The last 0-based column holding a value (-1 for an empty sheet)."""
        return max((col for _, col in self.cells), default=-1)

    def shift_rows(self, start: int, delta: int) -> None:
        """Move rows at/after `start` by `delta` (negative deletes rows start..start-delta)."""
        for store in (self.cells, self.formats):
            moved: dict[tuple[int, int], Any] = {}
            for (row, col), item in store.items():
                if row < start:
                    moved[(row, col)] = item
                elif delta < 0 and row < start - delta:
                    continue
                else:
                    moved[(row + delta, col)] = item
            store.clear()
            store.update(moved)
        self._last_row = None


@dataclass(slots=True)
class Recorded:
    """One request the fake received, and the status it answered."""

    method: str
    kind: str  # metadata, batchUpdate, values.get, values.batchGet, values.update, ...
    path: str
    query: dict[str, list[str]]
    body: Any
    status: int = 200
    at: float = field(default_factory=time.monotonic)

    @property
    def is_write(self) -> bool:
        """Whether Google counts it against the write quota."""
        return self.method != "GET"


def column_index(letters: str) -> int:
    """'A' → 0, 'Z' → 25, 'AA' → 26."""
    index = 0
    for char in letters.upper():
        index = index * 26 + ord(char) - 64
    return index - 1


def column_letters(index: int) -> str:
    """0 → 'A', 26 → 'AA'."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def split_sheet(text: str) -> tuple[str | None, str]:
    """Split "'My ''x'' sheet'!A1:B2" into ("My 'x' sheet", "A1:B2")."""
    if text.startswith("'"):
        index, name = 1, []
        while index < len(text):
            char = text[index]
            if char == "'":
                if text[index + 1 : index + 2] == "'":
                    name.append("'")
                    index += 2
                    continue
                rest = text[index + 1 :]
                if rest and not rest.startswith("!"):
                    raise ApiError(400, f"Unable to parse range: {text}")
                return "".join(name), rest[1:]
            name.append(char)
            index += 1
        raise ApiError(400, f"Unable to parse range: {text}")
    if "!" in text:
        name, _, cells = text.rpartition("!")
        return name, cells
    return None, text


@dataclass(frozen=True, slots=True)
class Bounds:
    """A parsed range: 0-based start, exclusive end (None = to the end of the grid)."""

    row0: int
    col0: int
    row1: int | None
    col1: int | None


def parse_cells(text: str, original: str) -> Bounds:
    """Parse the cell part of an A1 range ('', 'A1', 'A:A', '1:1', 'A2:C', 'B3:D9')."""
    if not text:
        return Bounds(0, 0, None, None)
    first, sep, second = text.partition(":")
    start = _CELL.match(first)
    end = _CELL.match(second) if sep else start
    if start is None or end is None or not (start.group(0) and end.group(0)):
        raise ApiError(400, f"Unable to parse range: {original}")
    col0 = column_index(start.group(1)) if start.group(1) else 0
    row0 = int(start.group(2)) - 1 if start.group(2) else 0
    if not sep and start.group(1) and start.group(2):
        return Bounds(row0, col0, row0 + 1, col0 + 1)
    col1 = column_index(end.group(1)) + 1 if end.group(1) else None
    row1 = int(end.group(2)) if end.group(2) else None
    if row0 < 0 or (row1 is not None and row1 <= row0) or (col1 is not None and col1 <= col0):
        raise ApiError(400, f"Unable to parse range: {original}")
    return Bounds(row0, col0, row1, col1)


def _user_entered(value: Value) -> Cell:
    if isinstance(value, str):
        if value.startswith("="):
            return Cell(formula=value)
        if value.startswith("'"):
            return Cell(value[1:])
        if _NUMBER.match(value.strip()):
            number = float(value)
            return Cell(int(number) if number.is_integer() and "." not in value else number)
        if value.upper() in ("TRUE", "FALSE"):
            return Cell(value.upper() == "TRUE")
    return Cell(value)


def _formatted(cell: Cell, render: str) -> Value:
    if cell.formula is not None:
        return cell.formula if render == "FORMULA" else "#ERROR!"
    value = cell.value
    if render in ("UNFORMATTED_VALUE", "FORMULA") or isinstance(value, str):
        return value  # type: ignore[return-value]
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class FakeSheets(FakeServer):
    """The fake server; use `async with FakeSheets() as fake:` and `fake.base_url`."""

    app_options: ClassVar[dict[str, Any]] = {"client_max_size": 64 * 1024**2}
    runner_options: ClassVar[dict[str, Any]] = {"access_log": None, "shutdown_timeout": 0.2}

    def __init__(
        self,
        spreadsheet_id: str = "fake-spreadsheet",
        title: str = "Báo cáo các đơn vị",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.spreadsheet_id = spreadsheet_id
        self.title = title
        self.clock = clock
        self.sheets: list[Sheet] = [Sheet(0, "Trang tính1", 0)]
        self.requests: list[Recorded] = []
        self._quota: dict[str, int | None] = {"read": None, "write": None}
        self._window: dict[str, list[float]] = {"read": [], "write": []}
        self._failures: list[tuple[int, str | None]] = []
        self._down: int | None = None
        self._delay = 0.0
        self._delay_after_apply = False
        self._delay_count: int | None = None
        self._delay_kind: str | None = None
        self._next_sheet_id = 1_000
        self._before: list[tuple[str, Callable[[], None]]] = []

    # -- lifecycle ---------------------------------------------------------------------------

    def routes(self, router: web.UrlDispatcher) -> None:
        """Every spreadsheet call goes through one handler."""
        router.add_route("*", "/v4/spreadsheets/{tail:.*}", self._handle)

    # -- faults --------------------------------------------------------------------------------

    def quota(self, reads: int | None = None, writes: int | None = None) -> None:
        """Answer 429 beyond this many read / write requests per minute (None = no limit)."""
        self._quota = {"read": reads, "write": writes}

    def fail_next(self, count: int = 1, status: int = 500, kind: str | None = None) -> None:
        """Answer the next `count` requests (of `kind` 'read'/'write', or any) with an error."""
        self._failures.extend([(status, kind)] * count)

    def down(self, status: int = 503) -> None:
        """Answer every request with this error until `up()`."""
        self._down = status

    def up(self) -> None:
        """Serve normally again."""
        self._down = None

    def slow(
        self,
        seconds: float,
        *,
        after_apply: bool = False,
        count: int | None = None,
        kind: str | None = None,
    ) -> None:
        """Answer requests `seconds` late (the next `count` of `kind` 'read'/'write', or all).

        With `after_apply` the change lands before the late answer, as when a response is
        lost: the client times out although the write happened.
        """
        self._delay = seconds
        self._delay_after_apply = after_apply
        self._delay_count = count
        self._delay_kind = kind

    def sort_now(
        self, title: str, column: int, *, reverse: bool = False, before: str = "values.batchUpdate"
    ) -> None:
        """A coordinator sorts `title` just before the next request of kind `before` lands.

        Sheets serialises collaborators' edits with API requests but holds nothing between
        two requests of one client: each batchUpdate is atomic on its own ("if any request
        is not valid, the entire request fails and nothing is applied",
        https://developers.google.com/sheets/api/guides/batchupdate), and there is no lock or
        precondition spanning a read and a later write. So a sort by a person in the browser
        can fall between the bot's read of the id column and its write of the rows.
        """
        self._before.append((before, lambda: self.sort_rows(title, column, reverse=reverse)))

    def delete_now(self, title: str, row: int, *, before: str = "values.batchUpdate") -> None:
        """A coordinator deletes a 1-based row just before the next request of kind `before`."""
        self._before.append((before, lambda: self.delete_rows(title, row)))

    # -- coordinator's hands and test views -----------------------------------------------

    def sheet(self, title: str) -> Sheet:
        """The worksheet with this title (case-insensitive)."""
        for sheet in self.sheets:
            if sheet.title.casefold() == title.casefold():
                return sheet
        raise KeyError(title)

    def titles(self) -> list[str]:
        """Worksheet titles in tab order."""
        return [sheet.title for sheet in sorted(self.sheets, key=lambda s: s.index)]

    def values(self, title: str) -> list[list[Value]]:
        """The sheet's values as rows (formulas as their text), trailing blanks trimmed."""
        sheet = self.sheet(title)
        rows: list[list[Value]] = [[] for _ in range(sheet.last_row() + 1)]
        for (row, col), cell in sorted(sheet.cells.items()):
            line = rows[row]
            line.extend([""] * (col - len(line)))
            line.append(cell.formula if cell.formula is not None else cell.value)  # type: ignore[arg-type]
        return rows

    def cell(self, title: str, a1: str) -> Cell | None:
        """The stored cell at an A1 address, or None."""
        bounds = parse_cells(a1, a1)
        return self.sheet(title).cells.get((bounds.row0, bounds.col0))

    def format(self, title: str, a1: str) -> dict[str, Any]:
        """The stored userEnteredFormat at an A1 address."""
        bounds = parse_cells(a1, a1)
        return self.sheet(title).formats.get((bounds.row0, bounds.col0), {})

    def sort_rows(self, title: str, column: int, *, reverse: bool = False, header: int = 1) -> None:
        """Sort the data rows by a 0-based column, as a coordinator does (header stays)."""
        sheet = self.sheet(title)
        last = sheet.last_row()
        rows = list(range(header, last + 1))

        def key(row: int) -> tuple[int, Any]:
            cell = sheet.cells.get((row, column))
            value = cell.value if cell else None
            if isinstance(value, int | float):
                return (0, value)
            return (1, str(value)) if value not in (None, "") else (2, "")

        order = sorted(rows, key=key, reverse=reverse)
        destination = {old: new for new, old in zip(rows, order, strict=True)}
        for store in (sheet.cells, sheet.formats):
            moved = {(destination.get(row, row), col): item for (row, col), item in store.items()}
            store.clear()
            store.update(moved)
        sheet._last_row = None

    def insert_rows(self, title: str, before: int, count: int = 1) -> None:
        """Insert empty rows before 1-based row `before` (the grid grows)."""
        sheet = self.sheet(title)
        sheet.shift_rows(before - 1, count)
        sheet.row_count += count

    def delete_rows(self, title: str, row: int, count: int = 1) -> None:
        """Delete 1-based rows `row`..`row+count-1` (the grid shrinks)."""
        sheet = self.sheet(title)
        sheet.shift_rows(row - 1, -count)
        sheet.row_count -= count

    def insert_columns(self, title: str, before: int, count: int = 1) -> None:
        """Insert empty columns before 0-based column `before` (the grid grows)."""
        sheet = self.sheet(title)
        for store in (sheet.cells, sheet.formats):
            moved = {
                (row, col + count if col >= before else col): item
                for (row, col), item in store.items()
            }
            store.clear()
            store.update(moved)
        sheet.col_count += count

    def set_value(self, title: str, a1: str, value: Value) -> None:
        """Type a value into a cell by hand."""
        bounds = parse_cells(a1, a1)
        self.sheet(title).set(bounds.row0, bounds.col0, Cell(value))

    def count(self, kind: str | None = None, *, writes: bool | None = None) -> int:
        """How many answered (2xx) requests of a kind (or writes/reads) were received."""
        return sum(
            1
            for r in self.requests
            if r.status < 300
            and (kind is None or r.kind == kind)
            and (writes is None or r.is_write == writes)
        )

    # -- HTTP ----------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        raw = request.rel_url.raw_path[len("/v4/spreadsheets/") :]
        query = {key: request.query.getall(key) for key in request.query}
        body = await request.json() if request.can_read_body else None
        record = Recorded(request.method, "unknown", raw, query, body)
        self.requests.append(record)
        try:
            kind, spreadsheet_id, target = self._route(request.method, raw)
            record.kind = kind
            self._gate(record)
            if spreadsheet_id != self.spreadsheet_id:
                raise ApiError(404, "Requested entity was not found.")
            for index, (before, edit) in enumerate(self._before):
                if before == kind:
                    del self._before[index]
                    edit()  # the person's edit lands first
                    break
            delay = self._take_delay(record)
            if delay and not self._delay_after_apply:
                await asyncio.sleep(delay)
            answer = self._dispatch(kind, target, query, body)
            if delay and self._delay_after_apply:
                await asyncio.sleep(delay)
            return web.json_response(answer)
        except ApiError as error:
            record.status = error.code
            return error.response()

    def _take_delay(self, record: Recorded) -> float:
        if not self._delay:
            return 0.0
        if self._delay_kind and self._delay_kind != ("write" if record.is_write else "read"):
            return 0.0
        if self._delay_count is not None:
            if self._delay_count <= 0:
                return 0.0
            self._delay_count -= 1
        return self._delay

    def _route(self, method: str, raw: str) -> tuple[str, str, str]:
        head, slash, rest = raw.partition("/")
        if not slash:
            spreadsheet_id, colon, action = head.partition(":")
            if method == "GET" and not colon:
                return "metadata", spreadsheet_id, ""
            if method == "POST" and action == "batchUpdate":
                return "batchUpdate", spreadsheet_id, ""
        elif rest.startswith("values:"):
            action = rest[len("values:") :]
            kinds = {
                ("GET", "batchGet"): "values.batchGet",
                ("POST", "batchUpdate"): "values.batchUpdate",
                ("POST", "batchClear"): "values.batchClear",
            }
            if (method, action) in kinds:
                return kinds[(method, action)], head, ""
        elif rest.startswith("values/"):
            range_raw, colon, action = rest[len("values/") :].partition(":")
            target = unquote(range_raw)
            if method == "GET" and not colon:
                return "values.get", head, target
            if method == "PUT" and not colon:
                return "values.update", head, target
            if method == "POST" and action in ("append", "clear"):
                return f"values.{action}", head, target
        raise ApiError(404, f"Method not found: {method} {raw}")

    def _gate(self, record: Recorded) -> None:
        kind = "write" if record.is_write else "read"
        if self._down is not None:
            raise ApiError(self._down, "The service is currently unavailable.")
        for index, (status, only) in enumerate(self._failures):
            if only in (None, kind):
                del self._failures[index]
                raise ApiError(status, "Internal error encountered.")
        limit = self._quota[kind]
        if limit is not None:
            now = self.clock()
            window = [at for at in self._window[kind] if at > now - 60.0]
            self._window[kind] = window
            if len(window) >= limit:
                metric = "Write requests" if kind == "write" else "Read requests"
                raise ApiError(
                    429,
                    f"Quota exceeded for quota metric '{metric}' and limit '{metric} per "
                    "minute per user' of service 'sheets.googleapis.com'.",
                )
            window.append(now)

    def _dispatch(self, kind: str, target: str, query: dict[str, list[str]], body: Any) -> Any:
        if kind == "metadata":
            return self._metadata()
        if kind == "batchUpdate":
            return self._batch_update(body or {})
        if kind == "values.get":
            return self._read(target, query)
        if kind == "values.batchGet":
            return {
                "spreadsheetId": self.spreadsheet_id,
                "valueRanges": [self._read(item, query) for item in query.get("ranges", [])],
            }
        option = (query.get("valueInputOption") or [(body or {}).get("valueInputOption")])[0]
        if kind == "values.update":
            return self._write_all([{**(body or {}), "range": target}], option, "update")
        if kind == "values.batchUpdate":
            return self._write_all((body or {}).get("data", []), option, "batchUpdate")
        if kind == "values.append":
            return self._append(target, option, body or {})
        if kind == "values.clear":
            return self._clear([target])
        if kind == "values.batchClear":
            return self._clear((body or {}).get("ranges", []))
        raise ApiError(404, kind)

    # -- model -----------------------------------------------------------------------------

    def _metadata(self) -> dict[str, Any]:
        return {
            "spreadsheetId": self.spreadsheet_id,
            "properties": {
                "title": self.title,
                "locale": "vi_VN",
                "autoRecalc": "ON_CHANGE",
                "timeZone": "Asia/Ho_Chi_Minh",
            },
            "sheets": [
                {"properties": s.properties()} for s in sorted(self.sheets, key=lambda s: s.index)
            ],
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{self.spreadsheet_id}/edit",
        }

    def _resolve(self, text: str, sheets: list[Sheet] | None = None) -> tuple[Sheet, Bounds]:
        sheets = self.sheets if sheets is None else sheets
        name, cells = split_sheet(text)
        if name is None:
            for sheet in sheets:
                if sheet.title.casefold() == text.casefold():
                    return sheet, Bounds(0, 0, None, None)
            first = min(sheets, key=lambda s: s.index)
            return first, parse_cells(cells, text)
        for sheet in sheets:
            if sheet.title.casefold() == name.casefold():
                return sheet, parse_cells(cells, text)
        raise ApiError(400, f"Unable to parse range: {text}")

    def _check_grid(self, sheet: Sheet, text: str, last_row: int, last_col: int) -> None:
        if last_row >= sheet.row_count or last_col >= sheet.col_count:
            raise ApiError(
                400,
                f"Range ({text}) exceeds grid limits. Max rows: {sheet.row_count}, "
                f"max columns: {sheet.col_count}",
            )

    def _a1(self, sheet: Sheet, row0: int, col0: int, row1: int, col1: int) -> str:
        quoted = "'" + sheet.title.replace("'", "''") + "'"
        start = f"{column_letters(col0)}{row0 + 1}"
        end = f"{column_letters(col1 - 1)}{row1}"
        return f"{quoted}!{start}" if start == end else f"{quoted}!{start}:{end}"

    def _read(self, text: str, query: dict[str, list[str]]) -> dict[str, Any]:
        sheet, bounds = self._resolve(text)
        row1 = sheet.row_count if bounds.row1 is None else bounds.row1
        col1 = sheet.col_count if bounds.col1 is None else bounds.col1
        self._check_grid(sheet, text, row1 - 1, col1 - 1)
        render = (query.get("valueRenderOption") or ["FORMATTED_VALUE"])[0]
        major = (query.get("majorDimension") or ["ROWS"])[0]
        last_row = min(row1, sheet.last_row() + 1)
        last_col = min(col1, sheet.last_col() + 1)
        grid: list[list[Value]] = []
        for row in range(bounds.row0, last_row):
            line: list[Value] = []
            for col in range(bounds.col0, last_col):
                cell = sheet.cells.get((row, col))
                line.append(_formatted(cell, render) if cell else "")
            grid.append(line)
        if major == "COLUMNS":
            grid = [list(column) for column in zip(*grid, strict=True)] if grid else []
        for line in grid:
            while line and line[-1] == "":
                line.pop()
        while grid and not grid[-1]:
            grid.pop()
        answer: dict[str, Any] = {
            "range": self._a1(sheet, bounds.row0, bounds.col0, row1, col1),
            "majorDimension": major,
        }
        if grid:
            answer["values"] = grid
        return answer

    def _write_all(self, data: list[dict[str, Any]], option: str | None, how: str) -> Any:
        if option not in ("RAW", "USER_ENTERED"):
            raise ApiError(400, "'valueInputOption' is required but not specified")
        # Check every range first: a batch applies all or nothing.
        prepared = [self._prepare(item) for item in data]
        responses = [self._put(*item, option) for item in prepared]
        if how == "update":
            return responses[0]
        return {
            "spreadsheetId": self.spreadsheet_id,
            "totalUpdatedRows": sum(r["updatedRows"] for r in responses),
            "totalUpdatedColumns": max((r["updatedColumns"] for r in responses), default=0),
            "totalUpdatedCells": sum(r["updatedCells"] for r in responses),
            "totalUpdatedSheets": len({r["updatedRange"].rpartition("!")[0] for r in responses}),
            "responses": responses,
        }

    def _prepare(self, item: dict[str, Any]) -> tuple[Sheet, Bounds, list[list[Any]]]:
        text = item.get("range", "")
        sheet, bounds = self._resolve(text)
        if bounds.row1 == bounds.row0 + 1 and bounds.col1 == bounds.col0 + 1:
            bounds = Bounds(bounds.row0, bounds.col0, None, None)  # one cell: the top-left
        values = item.get("values", [])
        if item.get("majorDimension") == "COLUMNS":
            width = max((len(col) for col in values), default=0)
            values = [[col[i] if i < len(col) else None for col in values] for i in range(width)]
        height = len(values)
        width = max((len(row) for row in values), default=0)
        if not height or not width:
            return sheet, bounds, []
        if (bounds.row1 is not None and bounds.row0 + height > bounds.row1) or (
            bounds.col1 is not None and bounds.col0 + width > bounds.col1
        ):
            raise ApiError(
                400,
                f"Requested writing within range [{text}], but tried writing to row "
                f"[{bounds.row0 + height}] / column [{column_letters(bounds.col0 + width - 1)}]",
            )
        self._check_grid(sheet, text, bounds.row0 + height - 1, bounds.col0 + width - 1)
        for row in values:
            for value in row:
                if isinstance(value, dict | list):
                    raise ApiError(400, f"Invalid value at 'data.values' ({type(value).__name__})")
        return sheet, bounds, values

    def _put(
        self, sheet: Sheet, bounds: Bounds, values: list[list[Any]], option: str
    ) -> dict[str, Any]:
        cells = 0
        for r, row in enumerate(values):
            for c, value in enumerate(row):
                if value is None:
                    continue  # null leaves the cell as it is
                cell = Cell(value) if option == "RAW" else _user_entered(value)
                sheet.set(bounds.row0 + r, bounds.col0 + c, cell)
                cells += 1
        height = len(values)
        width = max((len(row) for row in values), default=0)
        return self._update_answer(sheet, bounds.row0, bounds.col0, height, width, cells)

    def _update_answer(
        self, sheet: Sheet, row0: int, col0: int, height: int, width: int, cells: int = 0
    ) -> dict[str, Any]:
        return {
            "spreadsheetId": self.spreadsheet_id,
            "updatedRange": self._a1(
                sheet, row0, col0, row0 + max(height, 1), col0 + max(width, 1)
            ),
            "updatedRows": height,
            "updatedColumns": width,
            "updatedCells": cells,
        }

    def _append(self, text: str, option: str | None, body: dict[str, Any]) -> Any:
        if option not in ("RAW", "USER_ENTERED"):
            raise ApiError(400, "'valueInputOption' is required but not specified")
        sheet, bounds = self._resolve(text)
        values = body.get("values", [])
        start = sheet.last_row() + 1
        needed = start + len(values)
        if needed > sheet.row_count:
            sheet.row_count = needed  # append grows the grid
        width = max((len(row) for row in values), default=0)
        if bounds.col0 + width > sheet.col_count:
            sheet.col_count = bounds.col0 + width
        target = self._a1(sheet, start, bounds.col0, start + 1, bounds.col0 + 1)
        update = self._write_all([{"range": target, "values": values}], option, "update")
        table_width = max(bounds.col0 + width, 1)
        return {
            "spreadsheetId": self.spreadsheet_id,
            "tableRange": self._a1(sheet, 0, 0, max(start, 1), table_width),
            "updates": update,
        }

    def _clear(self, ranges: list[str]) -> Any:
        cleared = []
        for text in ranges:
            sheet, bounds = self._resolve(text)
            for row, col in list(sheet.cells):
                if self._inside(bounds, row, col):
                    sheet.set(row, col, None)
            cleared.append(text)
        return {"spreadsheetId": self.spreadsheet_id, "clearedRanges": cleared}

    @staticmethod
    def _inside(bounds: Bounds, row: int, col: int) -> bool:
        return (
            row >= bounds.row0
            and col >= bounds.col0
            and (bounds.row1 is None or row < bounds.row1)
            and (bounds.col1 is None or col < bounds.col1)
        )

    # -- spreadsheet batchUpdate -------------------------------------------------------------

    def _batch_update(self, body: dict[str, Any]) -> Any:
        # Cheap copies (cells are replaced, never changed in place), for all-or-nothing.
        staged = [
            replace(sheet, cells=dict(sheet.cells), formats=dict(sheet.formats))
            for sheet in self.sheets
        ]
        replies: list[dict[str, Any]] = []
        for number, request in enumerate(body.get("requests", [])):
            if len(request) != 1:
                raise ApiError(400, f"Invalid requests[{number}]: exactly one kind expected")
            ((name, args),) = request.items()
            handler = getattr(self, f"_req_{name}", None)
            if handler is None:
                raise ApiError(400, f"Invalid requests[{number}]: unknown request {name}")
            try:
                replies.append(handler(staged, args) or {})
            except ApiError as error:
                raise ApiError(400, f"Invalid requests[{number}].{name}: {error.message}") from None
        self.sheets = staged
        return {"spreadsheetId": self.spreadsheet_id, "replies": replies}

    @staticmethod
    def _by_id(sheets: list[Sheet], sheet_id: Any) -> Sheet:
        for sheet in sheets:
            if sheet.sheet_id == sheet_id:
                return sheet
        raise ApiError(400, f"No grid with id: {sheet_id}")

    def _req_addSheet(self, sheets: list[Sheet], args: dict[str, Any]) -> dict[str, Any]:
        props = args.get("properties", {})
        title = props.get("title") or f"Trang tính{len(sheets) + 1}"
        if any(s.title.casefold() == title.casefold() for s in sheets):
            raise ApiError(
                400, f'A sheet with the name "{title}" already exists. Please enter another name.'
            )
        sheet_id = props.get("sheetId")
        if sheet_id is None:
            self._next_sheet_id += 1
            sheet_id = self._next_sheet_id
        if any(s.sheet_id == sheet_id for s in sheets):
            raise ApiError(400, f"Sheet with id {sheet_id} already exists.")
        grid = props.get("gridProperties", {})
        index = props.get("index", len(sheets))
        for other in sheets:
            if other.index >= index:
                other.index += 1
        sheet = Sheet(
            sheet_id,
            title,
            index,
            grid.get("rowCount", 1000),
            grid.get("columnCount", 26),
            grid.get("frozenRowCount", 0),
            grid.get("frozenColumnCount", 0),
        )
        sheets.append(sheet)
        return {"addSheet": {"properties": sheet.properties()}}

    def _req_deleteSheet(self, sheets: list[Sheet], args: dict[str, Any]) -> None:
        sheet = self._by_id(sheets, args.get("sheetId"))
        if len(sheets) == 1:
            raise ApiError(400, "You can't remove all the sheets in a document.")
        sheets.remove(sheet)
        for other in sheets:
            if other.index > sheet.index:
                other.index -= 1

    def _req_updateSheetProperties(self, sheets: list[Sheet], args: dict[str, Any]) -> None:
        props = args.get("properties", {})
        sheet = self._by_id(sheets, props.get("sheetId"))
        grid = props.get("gridProperties", {})
        for name in (f.strip() for f in args.get("fields", "").split(",") if f.strip()):
            if name == "title":
                sheet.title = props["title"]
            elif name == "index":
                sheet.index = props["index"]
            elif name == "gridProperties.frozenRowCount":
                sheet.frozen_rows = grid.get("frozenRowCount", 0)
            elif name == "gridProperties.frozenColumnCount":
                sheet.frozen_cols = grid.get("frozenColumnCount", 0)
            elif name == "gridProperties.rowCount":
                sheet.row_count = grid["rowCount"]
            elif name == "gridProperties.columnCount":
                sheet.col_count = grid["columnCount"]
            else:
                raise ApiError(400, f"unsupported field {name}")

    def _req_appendDimension(self, sheets: list[Sheet], args: dict[str, Any]) -> None:
        sheet = self._by_id(sheets, args.get("sheetId"))
        length = int(args.get("length", 0))
        if length < 1:
            raise ApiError(400, "length must be at least 1")
        if args.get("dimension") == "ROWS":
            sheet.row_count += length
        elif args.get("dimension") == "COLUMNS":
            sheet.col_count += length
        else:
            raise ApiError(400, "dimension must be ROWS or COLUMNS")

    def _req_insertDimension(self, sheets: list[Sheet], args: dict[str, Any]) -> None:
        self._resize_rows(sheets, args, 1)

    def _req_deleteDimension(self, sheets: list[Sheet], args: dict[str, Any]) -> None:
        self._resize_rows(sheets, args, -1)

    def _resize_rows(self, sheets: list[Sheet], args: dict[str, Any], sign: int) -> None:
        """Insert (sign 1) or delete (sign -1) the rows of a dimension range."""
        span = args.get("range", {})
        sheet = self._by_id(sheets, span.get("sheetId"))
        start, end = span.get("startIndex", 0), span.get("endIndex", 0)
        if span.get("dimension") != "ROWS":
            raise ApiError(400, "only ROWS is supported by this fake")
        sheet.shift_rows(start, sign * (end - start))
        sheet.row_count += sign * (end - start)

    def _grid_range(
        self, sheets: list[Sheet], span: dict[str, Any]
    ) -> tuple[Sheet, int, int, int, int]:
        sheet = self._by_id(sheets, span.get("sheetId", 0))
        row0, col0 = span.get("startRowIndex", 0), span.get("startColumnIndex", 0)
        row1 = span.get("endRowIndex", sheet.row_count)
        col1 = span.get("endColumnIndex", sheet.col_count)
        if row1 > sheet.row_count or col1 > sheet.col_count:
            raise ApiError(400, "Range exceeds grid limits.")
        return sheet, row0, col0, row1, col1

    @staticmethod
    def _fields(fields: str) -> dict[str, set[str] | None]:
        """'userEnteredFormat(textFormat,backgroundColor),userEnteredValue' → parts."""
        parsed: dict[str, set[str] | None] = {}
        for match in re.finditer(r"(\*|\w+)(?:\(([^)]*)\)|\.(\w+))?", fields):
            top, inner, dotted = match.groups()
            subs = (
                {s.strip() for s in inner.split(",")} if inner else ({dotted} if dotted else None)
            )
            parsed[top] = subs
        if "*" in parsed:
            return {"userEnteredValue": None, "userEnteredFormat": None}
        return parsed

    def _apply_cell(
        self, sheet: Sheet, row: int, col: int, data: dict[str, Any], fields: dict[str, Any]
    ) -> None:
        if "userEnteredValue" in fields:
            entered = data.get("userEnteredValue")
            if not entered:
                sheet.set(row, col, None)
            elif "formulaValue" in entered:
                sheet.set(row, col, Cell(formula=entered["formulaValue"]))
            else:
                value = next(iter(entered.values()))
                sheet.set(row, col, Cell(value))
        if "userEnteredFormat" in fields:
            subs = fields["userEnteredFormat"]
            new = data.get("userEnteredFormat", {})
            if subs is None:
                fmt = dict(new)
            else:
                fmt = dict(sheet.formats.get((row, col), {}))
                for sub in subs:
                    if sub in new:
                        fmt[sub] = new[sub]
                    else:
                        fmt.pop(sub, None)
            if fmt:
                sheet.formats[(row, col)] = fmt
            else:
                sheet.formats.pop((row, col), None)

    def _req_repeatCell(self, sheets: list[Sheet], args: dict[str, Any]) -> None:
        sheet, row0, col0, row1, col1 = self._grid_range(sheets, args.get("range", {}))
        fields = self._fields(args.get("fields", ""))
        for row in range(row0, row1):
            for col in range(col0, col1):
                self._apply_cell(sheet, row, col, args.get("cell", {}), fields)

    def _req_updateCells(self, sheets: list[Sheet], args: dict[str, Any]) -> None:
        fields = self._fields(args.get("fields", ""))
        rows = args.get("rows", [])
        if "range" in args:
            sheet, row0, col0, row1, col1 = self._grid_range(sheets, args["range"])
        else:
            start = args.get("start", {})
            sheet = self._by_id(sheets, start.get("sheetId", 0))
            row0, col0 = start.get("rowIndex", 0), start.get("columnIndex", 0)
            row1 = row0 + len(rows)
            col1 = col0 + max((len(r.get("values", [])) for r in rows), default=0)
        if row0 + len(rows) > sheet.row_count or any(
            col0 + len(r.get("values", [])) > sheet.col_count for r in rows
        ):
            raise ApiError(400, "Range exceeds grid limits.")
        if "range" in args:  # cells of the range not covered by rows are cleared
            touched = set(sheet.cells) | set(sheet.formats)
            for row, col in touched:
                inside = row0 <= row < row1 and col0 <= col < col1
                if inside:
                    self._apply_cell(sheet, row, col, {}, fields)
        for r, row_data in enumerate(rows):
            for c, cell_data in enumerate(row_data.get("values", [])):
                self._apply_cell(sheet, row0 + r, col0 + c, cell_data, fields)

    def _req_updateDimensionProperties(self, sheets: list[Sheet], args: dict[str, Any]) -> None:
        self._by_id(sheets, args.get("range", {}).get("sheetId"))

    def _req_autoResizeDimensions(self, sheets: list[Sheet], args: dict[str, Any]) -> None:
        self._by_id(sheets, args.get("dimensions", {}).get("sheetId"))

    def dump(self) -> str:
        """All sheets as JSON, for debugging a failing test."""
        return json.dumps({s.title: self.values(s.title) for s in self.sheets}, ensure_ascii=False)
