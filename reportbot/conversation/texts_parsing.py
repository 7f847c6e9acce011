"""The sentences of the answer parser (`parsing.AnswerError` codes), Vietnamese first."""

from __future__ import annotations

from reportbot.conversation.texts_types import TYPE_ERROR_MESSAGES

PARSE_ERROR_MESSAGES: dict[str, dict[str, str]] = {
    "number.invalid": {
        "vi": "Xin chỉ gõ con số, ví dụ 12, 1.500 hoặc 2,5.",
        "en": "Please type just the number, for example 12, 1.500 (= 1500) or 2,5 (= 2.5).",
    },
    "integer.invalid": {
        "vi": "Xin nhập một số nguyên, ví dụ 12 hoặc 1.500.",
        "en": "Please enter a whole number, for example 12 or 1.500 (= 1500).",
    },
    "number.ambiguous": {
        "vi": "Số “{text}” có thể hiểu là {thousands} hoặc {decimal}; xin gõ lại {thousands} "
        "hoặc {decimal}.",
        "en": "“{text}” could mean {thousands} or {decimal}; please type {thousands} or {decimal}.",
    },
    # "1,500 triệu" at a question in whole "triệu đồng": 1,5 triệu cannot be stored there
    "number.ambiguous_whole": {
        "vi": "Số “{text}” có thể hiểu là {thousands} hoặc {decimal}. Câu hỏi này chỉ nhận số "
        "nguyên {unit}: nếu là {thousands}, xin gõ lại {thousands}; {decimal} không phải số "
        "nguyên {unit} nên không ghi được, xin kiểm tra lại số liệu.",
        "en": "“{text}” could mean {thousands} or {decimal}. This question takes a whole "
        "number of {unit}: if you mean {thousands}, please type {thousands}; {decimal} is not "
        "a whole number of {unit} and cannot be recorded here, please check the figure.",
    },
    "number.not_integer": {
        "vi": "Xin nhập một số nguyên, không có phần thập phân, ví dụ 12 hoặc 1.500.",
        "en": "Please enter a whole number without decimals, for example 12 or 1.500 (= 1500).",
    },
    # "1.500 đ" at a question in whole "nghìn đồng": 1,5 of its unit
    "number.not_whole_unit": {
        "vi": "“{text}” đổi ra {unit} là {value} {unit}, không phải số nguyên; xin gõ lại "
        "theo đơn vị {unit} ghi ở câu hỏi.",
        "en": "“{text}” is {value} {unit} (the question's unit), not a whole number; please "
        "type it again in {unit}.",
    },
    "number.too_long": {
        "vi": "Số quá dài; xin nhập không quá {max} chữ số.",
        "en": "That number is too long; please use at most {max} digits.",
    },
    "date.invalid": {
        "vi": "Ngày “{text}” không hợp lệ; xin kiểm tra lại ngày, tháng, năm, ví dụ 20/06/2025.",
        "en": "“{text}” is not a valid date; please check day, month and year, e.g. 20/06/2025.",
    },
    # "20/6": the year is asked for, never guessed (a late report's "20/12" typed in
    # January is December of the year before)
    "date.no_year": {
        "vi": "Ngày “{text}” chưa có năm; xin gõ đủ ngày/tháng/năm, ví dụ {example}.",
        "en": "“{text}” has no year; please type day/month/year in full, for example {example}.",
    },
    "date.format": {
        "vi": "Xin nhập ngày theo dạng ngày/tháng/năm, ví dụ 20/06/2025, hoặc gõ “hôm nay”.",
        "en": "Please enter a date as day/month/year, for example 20/06/2025, or type “today”.",
    },
    "yes_no.invalid": {
        "vi": "Xin trả lời “có” hoặc “không” (hoặc gõ 1 là có, 2 là không).",
        "en": "Please answer “yes” or “no” (or type 1 for yes, 2 for no).",
    },
    "choice.unknown": {
        "vi": "Xin gõ số thứ tự từ 1 đến {count} hoặc tên của lựa chọn.",
        "en": "Please type a number from 1 to {count} or the name of an option.",
    },
    "choice.out_of_range": {
        "vi": "Chỉ có {count} lựa chọn; xin gõ một số từ 1 đến {count}.",
        "en": "There are only {count} options; please type a number from 1 to {count}.",
    },
    "choice.ambiguous": {
        "vi": "Câu trả lời khớp với nhiều lựa chọn; xin gõ số thứ tự (1 đến {count}) hoặc tên "
        "đầy đủ hơn.",
        "en": "That matches several options; please type its number (1 to {count}) or more "
        "of its name.",
    },
    "choice.empty": {
        "vi": "Xin chọn ít nhất một mục, ví dụ 1 hoặc 1, 3.",
        "en": "Please choose at least one option, for example 1 or 1, 3.",
    },
    "text.too_long": {
        "vi": "Câu trả lời quá dài; xin rút gọn dưới {max} ký tự.",
        "en": "That answer is too long; please keep it under {max} characters.",
    },
}

PARSE_ERROR_MESSAGES.update(TYPE_ERROR_MESSAGES)  # times and places: parsing_types
