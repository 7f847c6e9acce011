"""Sentences about the question types beyond numbers, texts and choices: times, date-times,
locations, codes, sound and video (merged into the parsers' and the conversation's
catalogues by `parsing` and `i18n`)."""

from __future__ import annotations

TYPE_ERROR_MESSAGES: dict[str, dict[str, str]] = {
    # "50%" where the question asks a count or an amount (typed_numbers)
    "number.not_percent": {
        "vi": "Câu này hỏi một số, không phải tỷ lệ phần trăm; xin ghi số, ví dụ 12.",
        "en": "This question asks for a number, not a percentage; please type a number, e.g. 12.",
    },
    "time.format": {
        "vi": "Xin nhập giờ theo dạng giờ:phút, ví dụ 14:30 hoặc 14h30, hoặc gõ “bây giờ”.",
        "en": "Please enter a time as hours:minutes, for example 14:30 or 14h30, or type “now”.",
    },
    "time.invalid": {
        "vi": "Giờ “{text}” không hợp lệ; giờ từ 0 đến 23, phút từ 0 đến 59, ví dụ 14:30.",
        "en": "“{text}” is not a valid time; hours 0 to 23, minutes 0 to 59, e.g. 14:30.",
    },
    # The example is relative ("hôm nay 14:30"): a fixed date goes stale and gets copied.
    "datetime.format": {
        "vi": "Xin nhập ngày/tháng/năm và giờ:phút, ví dụ “hôm nay 14:30”, hoặc gõ “bây giờ”.",
        "en": "Please enter day/month/year and hours:minutes, for example “today 14:30”, "
        "or type “now”.",
    },
    "geo.format": {
        "vi": "Xin gửi vị trí (📎 → Vị trí) hoặc gõ vĩ độ và kinh độ, ví dụ 21.0285, 105.8542.",
        "en": "Please share a location (📎 → Location) or type latitude and longitude, "
        "for example 21.0285, 105.8542.",
    },
    "geo.range": {
        "vi": "Tọa độ “{text}” không hợp lệ: vĩ độ từ -90 đến 90, kinh độ từ -180 đến 180.",
        "en": "“{text}” is not a valid position: latitude -90 to 90, longitude -180 to 180.",
    },
    "geo.too_few": {
        "vi": "Cần ít nhất {min} điểm khác nhau, mỗi điểm một dòng (hoặc cách nhau bằng dấu ;).",
        "en": "At least {min} different points are needed, one per line (or separated by ;).",
    },
}

TYPE_MESSAGES: dict[str, dict[str, str]] = {
    "now_word": {"vi": "bây giờ", "en": "now"},  # a time default of now(), as shown
    "time_hint": {
        "vi": "Gõ giờ:phút, ví dụ 14:30 hoặc 14h30 (hoặc “bây giờ”).",
        "en": "Type hours:minutes, for example 14:30 or 14h30 (or “now”).",
    },
    "datetime_hint": {
        "vi": "Gõ ngày/tháng/năm và giờ:phút, ví dụ “hôm nay 14:30” (hoặc “bây giờ”).",
        "en": "Type day/month/year and hours:minutes, for example “today 14:30” (or “now”).",
    },
    "geopoint_hint": {
        "vi": "Gửi vị trí (📎 → Vị trí) hoặc gõ vĩ độ, kinh độ, ví dụ 21.0285, 105.8542.",
        "en": "Share a location (📎 → Location) or type latitude, longitude, "
        "for example 21.0285, 105.8542.",
    },
    "geotrace_hint": {
        "vi": "Gõ các điểm của đường đi theo thứ tự, mỗi điểm một dòng “vĩ độ, kinh độ” "
        "(ít nhất 2 điểm).",
        "en": "Type the points of the line in order, one “latitude, longitude” per line "
        "(at least 2 points).",
    },
    "geoshape_hint": {
        "vi": "Gõ các góc của vùng theo thứ tự, mỗi góc một dòng “vĩ độ, kinh độ” "
        "(ít nhất 3 góc; vùng tự khép lại).",
        "en": "Type the corners of the area in order, one “latitude, longitude” per line "
        "(at least 3 corners; the shape is closed for you).",
    },
    "barcode_hint": {
        "vi": "Gõ hoặc dán mã (mã vạch, mã QR) đúng như in trên nhãn.",
        "en": "Type or paste the code (barcode, QR code) exactly as printed.",
    },
    "audio_hint": {
        "vi": "Gửi một tin nhắn thoại hoặc tệp âm thanh vào đây.",
        "en": "Send a voice message or an audio file here.",
    },
    "video_hint": {
        "vi": "Gửi một video (hoặc video tròn) vào đây.",
        "en": "Send a video (or a video message) here.",
    },
    "need_audio": {
        "vi": "Câu này cần một tin nhắn thoại hoặc tệp âm thanh, xin gửi lại.",
        "en": "This question needs a voice message or an audio file, please send one.",
    },
    "need_video": {
        "vi": "Câu này cần một video, xin gửi lại.",
        "en": "This question needs a video, please send one.",
    },
    "location_not_expected": {
        "vi": "Câu này không hỏi vị trí; xin trả lời bằng chữ.",
        "en": "This question does not ask for a location; please answer in text.",
    },
    "location_one_point": {
        "vi": "Một vị trí chỉ là một điểm; câu này cần nhiều điểm, xin gõ các điểm, mỗi điểm "
        "một dòng “vĩ độ, kinh độ”.",
        "en": "A shared location is one point; this question needs several: type the points, "
        "one “latitude, longitude” per line.",
    },
}
