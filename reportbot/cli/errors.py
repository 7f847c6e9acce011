"""One line for an operating-system error: what failed and why, in the bot's language.

The common causes an admin meets (a missing file, no permission, a full or read-only disk, a
folder where a file was meant) are said in our words, Vietnamese or English. Any other error
keeps the system's own English text (after a Vietnamese reason when there is one): it is what
an IT officer searches for.
"""

from __future__ import annotations

import errno
import logging
import os
import sys
from pathlib import Path

from reportbot.ops.logs import masked, redact, refusal_json
from reportbot.startup_errors import StartupError
from reportbot.startup_texts import STARTUP
from reportbot.vocabulary.os_errors import worded


def refuse(
    line: str, log_format: str = "text", *, level: int = logging.ERROR, **fields: object
) -> None:
    """Print a refusal on stderr: `reportbot: <line>`, or with JSON logs
    (REPORTBOT_LOG_FORMAT=json) one JSON line with the same `message`, so that a log shipper
    reads it too (`fields` go beside it: `error`, `setting`). Secrets masked in both."""
    if log_format == "json":
        entry = refusal_json(line, os.environ, level=level, **fields)
        print(entry, file=sys.stderr, flush=True)
    else:
        print(f"reportbot: {masked(line, os.environ)}", file=sys.stderr, flush=True)


def refuse_error(error: StartupError, locale: str, log_format: str = "text") -> None:
    """`refuse` a start-up error in `locale`, with its catalogue key and the setting it names."""
    fields: dict[str, object] = {"error": error.key}
    setting = error.params.get("name")
    if isinstance(setting, str):
        fields["setting"] = setting
    refuse(error.text(locale), log_format, **fields)


# errno -> a Vietnamese reason; the system's own English text follows in brackets.
_REASONS = {
    errno.EEXIST: "đã có một tệp trùng tên",
    errno.EADDRINUSE: "cổng đang được chương trình khác dùng",
    errno.EADDRNOTAVAIL: "địa chỉ không có trên máy này",
    errno.ECONNREFUSED: "máy chủ từ chối kết nối",
}


def describe_os_error(exc: OSError, locale: str = "vi") -> str:
    """`<what>: <why>` for an OSError: the path (or operation) and the reason, on one line."""
    what = exc.filename if exc.filename is not None else _operation(exc, locale)
    line = f"{what}: {_why(exc, locale)}" if what else _why(exc, locale)
    fix = _FIXES.get(exc.errno) if exc.errno is not None else None
    if fix:
        line = f"{line}; {STARTUP.say(fix, locale)}"
    return redact(" ".join(line.split()))  # one line, whatever the message held


def _why(exc: OSError, locale: str) -> str:
    """Our words for a common cause; else the system's text (with a Vietnamese reason)."""
    ours = worded(exc)
    if ours:
        return ours["en" if locale == "en" else "vi"]
    english = exc.strerror or str(exc) or type(exc).__name__
    reason = _REASONS.get(exc.errno) if exc.errno is not None else None
    return f"{reason} ({english})" if reason and locale != "en" else english


# errno -> what to do (a key of the `startup` catalogue), where the cause alone does not say it.
_FIXES = {errno.EADDRINUSE: "port_in_use_fix"}


def missing_forms_folder(folder: Path, locale: str = "vi") -> str:
    """The line for `reportbot run` started where no forms folder is, with no form stored."""
    where = folder if folder.is_absolute() else Path.cwd() / folder
    return STARTUP.say("forms_folder_missing", locale, folder=str(where))


def _operation(exc: OSError, locale: str) -> str:
    if exc.errno in (errno.EADDRINUSE, errno.EADDRNOTAVAIL):
        return "web server" if locale == "en" else "máy chủ web"
    return ""
