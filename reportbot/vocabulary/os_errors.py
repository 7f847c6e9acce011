"""The reasons an operating-system call fails, in words an admin reads (vi, then en).

The common causes (a missing file, no permission, a full or read-only disk, a folder where a
file was meant) have our own wording; any other keeps the system's English text, which is
what an IT officer searches for.
"""

from __future__ import annotations

import errno

from reportbot.vocabulary.catalogue import register

OS_ERRORS = register(
    "os_errors",
    {
        "enoent": {"vi": "không tìm thấy tệp hoặc thư mục", "en": "no such file or folder"},
        "eacces": {"vi": "không có quyền truy cập", "en": "permission denied"},
        "eperm": {"vi": "không được phép", "en": "not permitted"},
        "enotdir": {
            "vi": "một phần của đường dẫn không phải thư mục",
            "en": "part of the path is not a folder",
        },
        "eisdir": {"vi": "đây là thư mục, không phải tệp", "en": "this is a folder, not a file"},
        "erofs": {"vi": "ổ đĩa chỉ cho đọc", "en": "the disk is read-only"},
        "enospc": {"vi": "hết dung lượng đĩa", "en": "the disk is full"},
    },
)
# errno -> its key in OS_ERRORS.
_WORDED = {
    errno.ENOENT: "enoent",
    errno.EACCES: "eacces",
    errno.EPERM: "eperm",
    errno.ENOTDIR: "enotdir",
    errno.EISDIR: "eisdir",
    errno.EROFS: "erofs",
    errno.ENOSPC: "enospc",
}


def worded(exc: OSError) -> dict[str, str] | None:
    """Our words for a common cause, {'vi': ..., 'en': ...}; None for any other."""
    key = _WORDED.get(exc.errno) if exc.errno is not None else None
    return {locale: OS_ERRORS.say(key, locale) for locale in ("vi", "en")} if key else None


def os_reason(exc: OSError) -> dict[str, str]:
    """Why the call failed, {'vi': ..., 'en': ...}: our words, else the system's text."""
    english = exc.strerror or str(exc) or type(exc).__name__
    return worded(exc) or {"vi": english, "en": english}
