"""The frame of a template problem: where it is (file, line, sheet, row, column, item) and
the line saying how to fix it, and a file that cannot be opened; part of the "formcheck"
catalogue (forms/check_texts.py)."""

from __future__ import annotations

PLACES: dict[str, dict[str, str]] = {
    "at_line": {"vi": "{source}, dòng {line}", "en": "{source}:{line}"},
    "at_where": {"vi": "{place}, {where}: {message}", "en": "{place}: {where}: {message}"},
    "at_sheet": {"vi": "trang {value}", "en": "{value}"},
    "at_row": {"vi": "dòng {value}", "en": "row {value}"},
    "at_column": {"vi": "cột {value}", "en": "column {value}"},
    "at_cell": {"vi": "{source}: {place}: {message}", "en": "{source}: {place}: {message}"},
    "at_file": {"vi": "{source}: {message}", "en": "{source}: {message}"},
    "where_question": {"vi": "câu hỏi thứ {value}", "en": "question {value}"},
    "where_calculation": {"vi": "phép tính thứ {value}", "en": "calculation {value}"},
    "where_indicator": {"vi": "chỉ tiêu {value}", "en": "indicator {value}"},
    "fix_line": {"vi": "→ Cách sửa: {fix}", "en": "→ How to fix: {fix}"},
    # A file that cannot be opened at all (a mistyped name, a folder, no permission): the
    # path is what to check, whether it was meant to be YAML or a workbook.
    "cannot_open": {"vi": "không đọc được tệp: {detail}", "en": "cannot read: {detail}"},
    "cannot_open.fix": {
        "vi": "Kiểm tra lại tên và đường dẫn của tệp (và quyền đọc tệp).",
        "en": "Check the file's name and path (and that it may be read).",
    },
}
