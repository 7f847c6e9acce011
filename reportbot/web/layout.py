"""The page frame: one small style sheet, readable on a phone, and escaping helpers.

Everything shown comes from people (unit names, answers): it is escaped here, at the one place
text becomes HTML (`esc`), and attribute values are quoted and escaped too.
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote

STYLE = """
*{box-sizing:border-box}
body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;
color:#1b1b1b;background:#f4f5f7}
header{background:#b3261e;color:#fff;padding:.7rem 1rem}
header a{color:#fff}
header h1{font-size:1.1rem;margin:0}
main{max-width:60rem;margin:0 auto;padding:.8rem}
section{background:#fff;border-radius:.5rem;padding:.8rem;margin:0 0 1rem;
box-shadow:0 1px 2px #0002}
h2{font-size:1.05rem;margin:.1rem 0 .4rem}
.muted{color:#555;font-size:.9rem}
.counts{display:flex;flex-wrap:wrap;gap:.4rem;padding:0;margin:.5rem 0;list-style:none}
.counts li{background:#f1f3f4;border-radius:.4rem;padding:.3rem .6rem}
.counts b{font-size:1.1rem}
.files a{display:inline-block;margin:.2rem .4rem .2rem 0;padding:.35rem .7rem;
border:1px solid #b3261e;border-radius:.4rem;color:#b3261e;text-decoration:none}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #e3e3e3;vertical-align:top}
th{background:#fafafa;font-weight:600}
.b-on_time{color:#1e7d32}.b-late{color:#b26a00}.b-drafting{color:#1565c0}
.b-not_started{color:#b3261e}
button{font-size:1rem;padding:.6rem 1.2rem;border:0;border-radius:.4rem;background:#b3261e;
color:#fff}
.answer{white-space:pre-wrap;word-break:break-word}
"""


def esc(text: object) -> str:
    """Text made safe to put between tags or in a quoted attribute."""
    return escape(str(text), quote=True)


def url_part(text: str) -> str:
    """A path or query piece, percent-encoded."""
    return quote(text, safe="")


def page(title: str, body: str, *, signed_in: bool = True) -> str:
    """A whole HTML page (Vietnamese) around `body` (already HTML)."""
    out = ' · <a href="/web/dang-xuat">Đăng xuất</a>' if signed_in else ""
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{esc(title)}</title><style>{STYLE}</style></head><body>"
        f'<header><h1><a href="/web/">Báo cáo</a> · {esc(title)}</h1>'
        f'<div class="muted" style="color:#fff">Trang chỉ để xem{out}</div></header>'
        f"<main>{body}</main></body></html>"
    )


def message_page(title: str, text: str) -> str:
    """A page with one paragraph, for a visitor who is not signed in."""
    return page(title, f"<section><p>{esc(text)}</p></section>", signed_in=False)
