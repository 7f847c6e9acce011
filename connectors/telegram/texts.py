"""What the connector itself says to users: Vietnamese first, English second."""

from __future__ import annotations

SORRY = (
    "Xin lỗi, đã có lỗi khi xử lý tin nhắn của anh/chị. Vui lòng thử lại sau ít phút.\n"
    "Sorry, something went wrong. Please try again in a few minutes."
)
FILE_FAILED = (
    "Xin lỗi, bot chưa nhận được tệp này. Anh/chị vui lòng gửi lại.\n"
    "Sorry, the file could not be received. Please send it again."
)


def paste_note(parts: int, characters: int) -> str:
    """Told when a long text arrived in several Telegram messages and was joined into one."""
    count = f"{characters:,}"
    return (
        f"Telegram đã chia tin nhắn dài của anh/chị thành {parts} phần; bot đã ghép lại thành "
        f"một câu trả lời ({count.replace(',', '.')} ký tự).\n"
        f"Telegram split your long message into {parts} parts; they were joined into one "
        f"answer ({count} characters)."
    )
