"""What a person reads about the files they send: Vietnamese first, English second."""

from __future__ import annotations

UNAVAILABLE = (
    "Xin lỗi, bot chưa nhận được tệp này. Anh/chị vui lòng gửi lại.\n"
    "Sorry, the file could not be received. Please send it again."
)


def mb(size: int) -> str:
    """A size in MB as Vietnamese writes it (one decimal at most, a decimal comma)."""
    value = size / (1024 * 1024)
    return f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",")


def too_large(size: int | None, limit_bytes: int) -> str:
    """A file over the per-file limit; the size only when it is known (counted or declared)."""
    limit = mb(limit_bytes)
    if size:
        return (
            f"Tệp anh/chị gửi quá lớn ({mb(size)} MB). Vui lòng gửi tệp không quá {limit} MB.\n"
            f"The file is too large ({mb(size)} MB). Please send a file of at most {limit} MB."
        )
    return (
        f"Tệp anh/chị gửi quá lớn. Vui lòng gửi tệp không quá {limit} MB.\n"
        f"The file is too large. Please send a file of at most {limit} MB."
    )


def quota_exceeded(used: int, quota: int) -> str:
    """The person's files together would pass their storage quota."""
    return (
        f"Tệp này vượt quá dung lượng lưu trữ dành cho anh/chị ({mb(quota)} MB, đã dùng "
        f"{mb(used)} MB). Xin gửi tệp nhỏ hơn hoặc liên hệ chuyên viên Phòng Văn hóa - Xã hội.\n"
        f"This file would pass your storage quota ({mb(quota)} MB, {mb(used)} MB used). "
        f"Please send a smaller file or contact the coordinator."
    )
