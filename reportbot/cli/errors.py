"""One line for an operating-system error: what failed and why (Vietnamese unless the bot's
locale is English). The system's own English text stays quoted in brackets after a Vietnamese
reason: it is what an IT officer searches for."""

from __future__ import annotations

import errno
from pathlib import Path

from reportbot.ops.logs import redact
from reportbot.startup_texts import STARTUP

# errno -> the reason in Vietnamese; the system's own English text follows in brackets.
_REASONS = {
    errno.EACCES: "không có quyền truy cập",
    errno.EPERM: "không được phép",
    errno.ENOENT: "không tìm thấy tệp hoặc thư mục",
    errno.ENOTDIR: "một phần của đường dẫn không phải thư mục",
    errno.EISDIR: "đây là thư mục, không phải tệp",
    errno.EEXIST: "đã có một tệp trùng tên",
    errno.EROFS: "ổ đĩa chỉ cho đọc",
    errno.ENOSPC: "hết dung lượng đĩa",
    errno.EADDRINUSE: "cổng đang được chương trình khác dùng",
    errno.EADDRNOTAVAIL: "địa chỉ không có trên máy này",
    errno.ECONNREFUSED: "máy chủ từ chối kết nối",
}


def describe_os_error(exc: OSError, locale: str = "vi") -> str:
    """`<what>: <why>` for an OSError: the path (or operation) and the reason, on one line."""
    what = exc.filename if exc.filename is not None else _operation(exc, locale)
    english = exc.strerror or str(exc) or type(exc).__name__
    reason = _REASONS.get(exc.errno) if exc.errno is not None else None
    why = f"{reason} ({english})" if reason and locale != "en" else english
    line = f"{what}: {why}" if what else why
    fix = _FIXES.get(exc.errno) if exc.errno is not None else None
    if fix:
        line = f"{line}; {STARTUP.say(fix, locale)}"
    return redact(" ".join(line.split()))  # one line, whatever the message held


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
