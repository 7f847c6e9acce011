"""The Sheets API bodies a flush sends: ranges, cells, new worksheets, grids grown, payload cuts.

Pure functions over plain dicts, so the backend (`mirror.google`) only decides what to send
and when; the request shapes follow the Sheets API v4 reference
(https://developers.google.com/sheets/api/reference/rest/v4/spreadsheets/request).
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gspread.utils import absolute_range_name, rowcol_to_a1

from reportbot.mirror.layout import Block
from reportbot.mirror.records import STATUS_SHEET_TITLE
from reportbot.mirror.status import StyledRow, status_width

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


def a1_range(title: str, block: Block) -> str:
    """The A1 range a block of values covers on the worksheet `title`."""
    height, width = len(block.values), len(block.values[0])
    start = rowcol_to_a1(block.row, block.col + 1)
    end = rowcol_to_a1(block.row + height - 1, block.col + width)
    return absolute_range_name(title, f"{start}:{end}")


def column_letter(col: int) -> str:
    """The letter(s) of a 0-based column: 0 -> A, 26 -> AA."""
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


def split_block(block: Block, limit: int) -> list[Block]:
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


def new_sheet_id(sheets: dict[str, SheetInfo]) -> int:
    """A random sheet id not yet taken (ids are ours to choose in addSheet)."""
    taken = {info.sheet_id for info in sheets.values()}
    while True:
        candidate = random.randint(1, 2**31 - 2)
        if candidate not in taken:
            return candidate


def add_sheet(
    requests_: list[dict[str, Any]],
    sheets: dict[str, SheetInfo],
    title: str,
    need_rows: int,
    need_cols: int,
    *,
    headroom: int,
    index: int | None = None,
) -> SheetInfo:
    """Queue an addSheet sized for the rows and columns needed (plus `headroom` rows)."""
    info = SheetInfo(
        new_sheet_id(sheets),
        title,
        max(NEW_SHEET_ROWS, need_rows + headroom),
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


def header_requests(sheet_id: int) -> list[dict[str, Any]]:
    """Freeze and style the header row of a form's worksheet."""
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


def grow(
    requests_: list[dict[str, Any]], info: SheetInfo, need_rows: int, need_cols: int, headroom: int
) -> tuple[int, int]:
    """Append rows/columns so writes fit the grid (Sheets refuses writes beyond it)."""
    rows, cols = info.row_count, info.col_count
    if rows == 0 and cols == 0:
        return max(NEW_SHEET_ROWS, need_rows + headroom), max(NEW_SHEET_COLS, need_cols)
    if need_rows > rows:
        extra = need_rows - rows + headroom
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


def remember(sheets: dict[str, SheetInfo], reply: Any, grown: dict[str, tuple[int, int]]) -> None:
    """Record the sheets a batchUpdate added (ids, sizes) and the grids it grew."""
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
