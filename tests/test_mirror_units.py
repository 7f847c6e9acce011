"""The mirror's pure parts: cell formatting, layout planning, rate limiting, splitting, config."""

from __future__ import annotations

import asyncio
import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reportbot.mirror.backend import MirrorError
from reportbot.mirror.config import backend_from_env
from reportbot.mirror.google import GoogleSheetsBackend, split_payload
from reportbot.mirror.layout import Block, locate_rows, plan_columns, row_blocks
from reportbot.mirror.ratelimit import RateLimiter, RetryGaveUp, RetryPolicy, retry_call
from reportbot.mirror.records import (
    FIXED_HEADERS,
    MAX_CELL_CHARS,
    ColumnSpec,
    FormLayout,
    MirrorBatch,
    format_answer,
    format_datetime,
    layout_headers,
    parse_submission_id,
    sanitize_title,
    sheet_titles,
)
from reportbot.mirror.split import (
    SplitBackend,
    parse_spreadsheet_ids,
    period_year,
    rows_that_fit,
    split_key,
)
from reportbot.mirror.xlsx import XlsxBackend
from tests.test_mirror import TITLE, V1, record, status_sheet

# -- cells ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("integer", 1000, 1000),
        ("integer", Decimal("7"), 7),
        ("decimal", Decimal("1.5"), 1.5),
        ("decimal", "2.25", 2.25),
        ("yes_no", "yes", "Có"),
        ("yes_no", "no", "Không"),
        ("select_one", "b", "Bê"),
        ("select_one", "zz", "zz"),
        ("select_multiple", ["a", "b"], "A; Bê"),
        ("select_multiple", [], ""),
        ("date", date(2025, 1, 2), "02/01/2025"),
        ("text", "  giữ nguyên  ", "  giữ nguyên  "),
        ("text", None, ""),
        ("photo", {"path": "media/1.jpg", "name": "anh.jpg"}, "anh.jpg"),
        ("file", {"file_id": "abc"}, "abc"),
    ],
)
def test_format_answer(kind: str, value: object, expected: object) -> None:
    column = ColumnSpec("q", "Câu hỏi", kind, {"a": "A", "b": "Bê"})
    result = format_answer(column, value)
    assert result == expected and type(result) is type(expected)


def test_datetimes_are_shown_in_the_configured_zone() -> None:
    moment = datetime(2025, 12, 31, 17, 5, tzinfo=UTC)
    assert format_datetime(moment) == "01/01/2026 00:05"
    assert format_datetime(moment, "UTC") == "31/12/2025 17:05"
    assert format_datetime(moment.astimezone(timezone(timedelta(hours=-5)))) == "01/01/2026 00:05"


def test_long_and_dirty_text_is_made_storable() -> None:
    column = ColumnSpec("q", "Q", "long_text")
    long = format_answer(column, "x" * (MAX_CELL_CHARS + 10))
    assert isinstance(long, str) and len(long) == MAX_CELL_CHARS and long.endswith("…")
    assert format_answer(column, "a\x00b\x1bc\nd") == "abc\nd"


def test_submission_ids_read_back() -> None:
    assert [parse_submission_id(v) for v in (12, 12.0, "12", " 7 ", 1.5, "x", "", True)] == [
        12,
        12,
        12,
        7,
        None,
        None,
        None,
        None,
    ]


def test_titles_follow_sheet_rules_and_stay_unique() -> None:
    assert sanitize_title("'A/B: [c]*?'") == "A B c"
    assert len(sanitize_title("x" * 150)) == 100
    assert sanitize_title("Báo cáo kết quả thực hiện Nghị quyết 57", 31) == (
        "Báo cáo kết quả thực hiện Nghị"
    )
    layouts = (
        FormLayout("b_form", "Báo cáo", ()),
        FormLayout("a_form", "báo cáo", ()),
        FormLayout("c_form", "Tình hình nộp báo cáo", ()),
    )
    titles = sheet_titles(layouts)
    assert titles == {
        "a_form": "báo cáo",
        "b_form": "Báo cáo (b_form)",
        "c_form": "Tình hình nộp báo cáo (c_form)",
    }


def test_headers_are_distinct() -> None:
    layout = FormLayout(
        "f", "F", (ColumnSpec("x", "Đơn vị", "text"), ColumnSpec("y", "Đơn vị", "text"))
    )
    headers = layout_headers(layout)
    assert headers[: len(FIXED_HEADERS)] == FIXED_HEADERS
    assert headers[len(FIXED_HEADERS) :] == ("Đơn vị (x)", "Đơn vị (y)")


# -- layout planning --------------------------------------------------------------------------


def test_columns_found_by_header_new_ones_after_the_last_used() -> None:
    plan = plan_columns(["Mã báo cáo", "B", "Ghi chú riêng", "C", "", ""], ["Mã báo cáo", "C", "D"])
    assert plan.positions == (0, 3, 4)
    assert plan.new_headers == {4: "D"}


def test_empty_header_row_means_a_fresh_sheet() -> None:
    plan = plan_columns([None, ""], ["Mã báo cáo", "X"])
    assert plan.positions == (0, 1) and plan.new_headers == {0: "Mã báo cáo", 1: "X"}


def test_a_header_row_without_the_id_column_is_refused() -> None:
    with pytest.raises(MirrorError, match="resync"):
        plan_columns(["STT", "Tên"], ["Mã báo cáo", "Tên"])


def test_rows_located_by_id_ignoring_header_and_foreign_text() -> None:
    found, last = locate_rows(["Mã báo cáo", 5, "", "ghi chú", 3.0, 5, ""])
    assert found == {5: [2, 6], 3: [5]}
    assert last == 6


def test_blocks_skip_columns_that_are_not_ours() -> None:
    rows = {2: ["a", "b", "c"], 3: ["d", "e", "f"], 7: ["g", "h", "i"]}
    blocks = row_blocks(rows, (0, 1, 3))
    assert blocks == [
        Block(2, 0, [["a", "b"], ["d", "e"]]),
        Block(2, 3, [["c"], ["f"]]),
        Block(7, 0, [["g", "h"]]),
        Block(7, 3, [["i"]]),
    ]


def test_payload_split_by_size() -> None:
    data = [{"range": f"A{i}", "values": [["x" * 100]]} for i in range(50)]
    chunks = split_payload(data, 1000)
    assert len(chunks) > 5 and [item for chunk in chunks for item in chunk] == data


# -- rate limit and retries -------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


async def test_rate_limiter_sliding_window() -> None:
    clock = Clock()
    limiter = RateLimiter(3, 60.0, clock=clock.time, sleep=clock.sleep)
    for moment in (0.0, 10.0, 20.0):
        clock.now = moment
        await limiter.acquire()
    assert clock.sleeps == [] and limiter.available() == 0
    clock.now = 30.0
    await limiter.acquire()
    assert clock.sleeps == [30.0]  # waits until the first call leaves the window
    assert clock.now == 60.0 and limiter.available() == 0


def test_backoff_grows_with_jitter_and_a_cap() -> None:
    policy = RetryPolicy(attempts=8, base_s=1.0, cap_s=10.0)
    rng = random.Random(7)
    for attempt, ceiling in [(0, 1), (1, 2), (2, 4), (3, 8), (4, 10), (7, 10)]:
        delays = {policy.delay(attempt, rng) for _ in range(20)}
        assert all(ceiling / 2 <= d <= ceiling for d in delays) and len(delays) > 1


async def test_retry_call_retries_transient_then_gives_up() -> None:
    clock = Clock()
    calls = []

    async def flaky() -> str:
        calls.append(1)
        raise TimeoutError("slow")

    with pytest.raises(RetryGaveUp) as caught:
        await retry_call(flaky, RetryPolicy(attempts=3), lambda e: 0.0, sleep=clock.sleep)
    assert len(calls) == 3 and len(clock.sleeps) == 2
    assert isinstance(caught.value.__cause__, TimeoutError)

    async def broken() -> str:
        calls.append(1)
        raise ValueError("bad request")

    with pytest.raises(ValueError):
        await retry_call(broken, RetryPolicy(attempts=3), lambda e: None, sleep=clock.sleep)
    assert len(calls) == 4


async def test_retry_call_honours_a_server_pause_under_the_cap() -> None:
    clock = Clock()
    outcomes = iter([TimeoutError(), TimeoutError(), "ok"])

    async def call() -> str:
        item = next(outcomes)
        if isinstance(item, Exception):
            raise item
        return item

    result = await retry_call(call, RetryPolicy(cap_s=5.0), lambda e: 30.0, sleep=clock.sleep)
    assert result == "ok" and clock.sleeps == [5.0, 5.0]


# -- split and configuration ------------------------------------------------------------------


def test_split_keys() -> None:
    assert period_year("2025-H1", 1999) == 2025
    assert period_year("H1", 1999) == 1999
    assert split_key("single", "nq57", "2025-H1", 2024) == ""
    assert split_key("year", "nq57", "2025-H1", 2024) == "2025"
    assert split_key("form", "nq57", "2025-H1", 2024) == "nq57"
    with pytest.raises(ValueError):
        split_key("month", "nq57", "2025-H1", 2024)


def test_spreadsheet_ids_mapping() -> None:
    assert parse_spreadsheet_ids("2025=abc, 2026=def") == {"2025": "abc", "2026": "def"}
    assert parse_spreadsheet_ids("xyz") == {"*": "xyz"}
    with pytest.raises(ValueError):
        parse_spreadsheet_ids("2025=")


def test_capacity() -> None:
    rows = rows_that_fit(40)
    assert rows == (10_000_000 - 26_000) // 50 - 1
    assert 190_000 < rows < 200_000


async def test_split_backend_routes_rows_by_year(tmp_path: Path) -> None:
    made: dict[str, XlsxBackend] = {}

    def factory(key: str) -> XlsxBackend:
        made[key] = XlsxBackend(tmp_path / f"mirror-{key}.xlsx")
        return made[key]

    backend = SplitBackend("year", factory)
    old = record(1)
    new = replace(record(2), period_key="2026-H1")
    await backend.apply(MirrorBatch((V1,), (old, new), (status_sheet(),)))
    assert sorted(made) == ["2025", "2026"]
    ids_2025 = [row[0].value for row in load_workbook(made["2025"].path)[TITLE].iter_rows()]
    ids_2026 = [row[0].value for row in load_workbook(made["2026"].path)[TITLE].iter_rows()]
    assert ids_2025 == ["Mã báo cáo", 1] and ids_2026 == ["Mã báo cáo", 2]
    await backend.close()


def test_backend_choice_from_environment(tmp_path: Path) -> None:
    xlsx = backend_from_env({"REPORTBOT_MIRROR_XLSX": str(tmp_path / "a.xlsx")})
    assert isinstance(xlsx, XlsxBackend) and xlsx.path == tmp_path / "a.xlsx"
    google = backend_from_env(
        {
            "REPORTBOT_SPREADSHEET_ID": "sheet-1",
            "REPORTBOT_GOOGLE_SHEETS_API_URL": "http://127.0.0.1:9",
            "REPORTBOT_SHEETS_WRITES_PER_MINUTE": "20",
        }
    )
    assert isinstance(google, GoogleSheetsBackend) and google.spreadsheet_id == "sheet-1"
    assert google._writes.max_calls == 20
    only_id = backend_from_env({"REPORTBOT_SPREADSHEET_ID": "sheet-1"})
    assert isinstance(only_id, XlsxBackend)  # no credentials: the local workbook
    split = backend_from_env(
        {
            "REPORTBOT_SPREADSHEET_IDS": "2025=a,2026=b",
            "REPORTBOT_SHEETS_SPLIT": "year",
            "REPORTBOT_GOOGLE_CREDENTIALS_FILE": "/nonexistent.json",
        }
    )
    assert isinstance(split, SplitBackend)
    assert split.backend("2026").spreadsheet_id == "b"  # type: ignore[attr-defined]
    with pytest.raises(MirrorError):
        split.backend("2027")


async def test_missing_credentials_file_is_a_clear_error() -> None:
    backend = GoogleSheetsBackend("x", credentials_file="/nonexistent/key.json")
    with pytest.raises(MirrorError, match="REPORTBOT_GOOGLE_CREDENTIALS_FILE"):
        await asyncio.wait_for(backend.apply(MirrorBatch((V1,), (record(1),), ())), 5)


WANTED = ["Mã báo cáo", "Lần gửi", "Lần gửi (lan_gui)"]


def test_the_sending_number_never_takes_a_coordinators_edit_column() -> None:
    plan = plan_columns(["Mã báo cáo", "Lần sửa", "Lần gửi", "Lần gửi (lan_gui)"], WANTED)
    assert plan.positions == (0, 2, 3) and plan.new_headers == {}


def test_an_earlier_sheet_keeps_the_questions_bare_column_wherever_it_stands() -> None:
    plan = plan_columns(["Mã báo cáo", "Lần gửi", "Lần sửa"], WANTED)
    assert plan.positions == (0, 2, 1)
    assert plan.new_headers == {2: "Lần gửi", 1: "Lần gửi (lan_gui)"}


def test_a_question_headed_like_a_clash_never_takes_a_leftover_bare_column() -> None:
    header = ["Mã báo cáo", "Lần gửi", "Lần gửi"]
    plan = plan_columns(header, ["Mã báo cáo", "Lần gửi", "Lần gửi (tháng)"])
    assert plan.positions == (0, 1, 3) and plan.new_headers == {3: "Lần gửi (tháng)"}
