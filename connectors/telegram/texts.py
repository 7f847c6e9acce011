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
