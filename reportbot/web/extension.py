"""The web page in the running bot: its chat command and its routes, installed on the host.

`install(host)` adds the page only when `REPORTBOT_WEB_PUBLIC_URL` is set (otherwise `/web`
answers that the page is off and who can switch it on). Then a coordinator who
sends ``/web`` (or ``trang web`` without the slash) gets a single-use sign-in link, and the
page's routes are added to the host's web server, which therefore starts in every mode (the
console and Telegram polling included), with /healthz beside it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from connectors.base import Outgoing
from reportbot.coordination.roles import COORDINATOR
from reportbot.coordination.texts import t
from reportbot.routing.inbound import Inbound
from reportbot.web.config import WebSettings, web_settings
from reportbot.web.routes import WebPages
from reportbot.web.signin import SignIn

if TYPE_CHECKING:
    from reportbot.host import Host

WORDS = ("web", "trang web", "trangweb")
PRUNE_INTERVAL_S = 3600.0
HELP = {
    "vi": "/web – liên kết đăng nhập trang theo dõi báo cáo (Zalo: trang web)",
    "en": "/web – a sign-in link to the reports web page",
}


def install(host: Host) -> WebPages | None:
    """Add the page and its chat command when the page is enabled; return the pages."""
    settings = web_settings(host.settings.env)
    if settings is None or host.web_app is None:
        # A coordinator told of /web (README, a colleague) must not get "unknown command".
        host.router.command("web_link", WORDS, _page_off, role=COORDINATOR, help=None)
        return None
    signin = SignIn(
        host.clock,
        link_lifetime=settings.link_lifetime,
        session_lifetime=settings.session_lifetime,
    )
    pages = WebPages(host, settings, signin)
    pages.add_routes(host.web_app)
    host.jobs.add("web-prune", PRUNE_INTERVAL_S, signin.prune)
    host.router.command(
        "web_link", WORDS, _link_handler(settings, signin), role=COORDINATOR, help=HELP
    )
    return pages


def _link_handler(settings: WebSettings, signin: SignIn):
    """The chat handler that sends a coordinator a new sign-in link."""

    async def send_link(inbound: Inbound, _argument: str) -> list[Outgoing]:
        person = inbound.registered
        token = await signin.issue_link(person.id)
        text = t(
            "web_link",
            person.locale,
            link=settings.link(token),
            minutes=_whole(settings.link_lifetime.total_seconds() / 60),
            hours=_whole(settings.session_lifetime.total_seconds() / 3600),
        )
        return [Outgoing(text)]

    return send_link


async def _page_off(inbound: Inbound, _argument: str) -> list[Outgoing]:
    """The answer to /web when the page is not enabled: what to ask for, and what works now."""
    return [Outgoing(t("web_off", inbound.registered.locale))]


def _whole(value: float) -> str:
    """15.0 → '15', 0.5 → '0,5' (Vietnamese decimal comma)."""
    return str(int(value)) if value == int(value) else f"{value:g}".replace(".", ",")
