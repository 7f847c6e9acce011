"""The sheet mirror: every submission in the coordinators' spreadsheet, one row each.

Backends (Google Sheets through gspread, a local .xlsx workbook) share one interface
(`MirrorBackend`); `MirrorWorker` flushes the store's outbox to one of them in batches.
"""

from reportbot.mirror.backend import MirrorBackend, MirrorError, MirrorUnavailable
from reportbot.mirror.config import backend_from_env
from reportbot.mirror.records import (
    ColumnSpec,
    FormLayout,
    MirrorBatch,
    StatusRow,
    StatusSheet,
    SubmissionRecord,
)
from reportbot.mirror.worker import MirrorSource, MirrorStatus, MirrorWorker, PendingChange

__all__ = [
    "ColumnSpec",
    "FormLayout",
    "MirrorBackend",
    "MirrorBatch",
    "MirrorError",
    "MirrorSource",
    "MirrorStatus",
    "MirrorUnavailable",
    "MirrorWorker",
    "PendingChange",
    "StatusRow",
    "StatusSheet",
    "SubmissionRecord",
    "backend_from_env",
]
