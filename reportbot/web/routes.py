"""The page's HTTP handlers on the bot's aiohttp server, under /web/.

Reading only: nothing here changes a report. A visitor without a live session (cookie) gets
the sign-in page; a sign-in link shows a button that spends it by POST, so a chat app fetching
the link for a preview does not use it up. The person's role is read again on every request:
a coordinator demoted meanwhile sees nothing more.
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from aiohttp import web

from reportbot.conversation.session import PersonInfo
from reportbot.coordination.names import commune_labels
from reportbot.coordination.reporting.formatting import bucket_label
from reportbot.coordination.reporting.forms_seen import forms_seen
from reportbot.coordination.reporting.province import add_commune_sheet, consolidate_scope
from reportbot.coordination.reporting.reports import (
    FORMATS,
    ReportHeader,
    default_name,
    header_for,
    write_report,
)
from reportbot.coordination.reporting.status import (
    PeriodStatus,
    bucket_of,
    current_statuses,
    period_status,
)
from reportbot.coordination.reporting.unit_view import unit_view
from reportbot.coordination.roles import COORDINATOR, has_role
from reportbot.forms.schema import FormTemplate
from reportbot.mirror.apart import apart_lines, communes_apart
from reportbot.mirror.config import commune_workbook
from reportbot.periods import Period, period_at, period_by_key
from reportbot.store.forms import template_by_record
from reportbot.store.queries.coordination import unit_by_id
from reportbot.store.queries.organisations import (
    Scope,
    organisation_by_id,
    person_scope,
)
from reportbot.store.queries.unit_reports import latest_unit_report
from reportbot.store.queries.web import active_person
from reportbot.vocabulary.format import unit_in_commune
from reportbot.web.config import WebSettings
from reportbot.web.layout import esc, message_page, page
from reportbot.web.pages import LOCALE, status_page, unit_page
from reportbot.web.signin import SignIn

if TYPE_CHECKING:
    from reportbot.host import Host

COOKIE = "reportbot_web"
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # No script at all; the one style sheet is inline.
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
}
MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "png": "image/png",
}
ASK_BOT = (
    "Trang này chỉ dành cho chuyên viên tổng hợp. Để đăng nhập, nhắn /web (hoặc “trang web”) "
    "cho bot báo cáo: bot gửi anh/chị một liên kết đăng nhập dùng một lần."
)
LINK_PROBLEMS = {
    "expired": "Liên kết đăng nhập đã hết hạn. Xin nhắn /web cho bot để nhận liên kết mới.",
    "unknown": "Liên kết đăng nhập không đúng hoặc đã được dùng. "
    "Xin nhắn /web cho bot để nhận liên kết mới.",
}


def html(body: str, status: int = 200) -> web.Response:
    """An HTML response with the page's security headers."""
    return web.Response(
        text=body, status=status, content_type="text/html", headers=SECURITY_HEADERS
    )


class WebPages:
    """The handlers, bound to the running bot's settings, clock and sign-in store."""

    def __init__(self, host: Host, settings: WebSettings, signin: SignIn) -> None:
        self.host = host
        self.settings = settings
        self.signin = signin
        self.tz: tzinfo = host.settings.timezone
        self.header = ReportHeader.from_env(host.settings.env)

    def add_routes(self, app: web.Application) -> None:
        """Register the page's routes."""
        app.router.add_get("/web", self.home)
        app.router.add_get("/web/", self.home)
        app.router.add_get("/web/dang-nhap", self.sign_in_form)
        app.router.add_post("/web/dang-nhap", self.sign_in)
        app.router.add_get("/web/dang-xuat", self.sign_out)
        app.router.add_get("/web/don-vi/{unit_id:[0-9]+}", self.unit)
        app.router.add_get("/web/bao-cao/{form}/{period}.{fmt:xlsx|docx|png}", self.report)
        app.router.add_get("/web/so-theo-doi.xlsx", self.mirror)

    # -- signing in --------------------------------------------------------------------------

    async def sign_in_form(self, request: web.Request) -> web.Response:
        """The page a sign-in link opens: a button that spends the link (POST)."""
        token = request.query.get("t", "")
        state = await self.signin.link_state(token)
        if state != "valid":
            return html(message_page("Đăng nhập", LINK_PROBLEMS[state]), status=403)
        body = (
            "<section><p>Bấm nút dưới đây để mở trang theo dõi báo cáo.</p>"
            '<form method="post" action="/web/dang-nhap">'
            f'<input type="hidden" name="t" value="{esc(token)}">'
            '<button type="submit">Đăng nhập</button></form></section>'
        )
        return html(page("Đăng nhập", body, signed_in=False))

    async def sign_in(self, request: web.Request) -> web.Response:
        """Spend the link and open a session (cookie), then show the status page."""
        form = await request.post()
        token = str(form.get("t", ""))
        state, session = await self.signin.exchange(token)
        if session is None:
            return html(message_page("Đăng nhập", LINK_PROBLEMS[state]), status=403)
        response = web.HTTPSeeOther("/web/", headers=SECURITY_HEADERS)
        response.set_cookie(
            COOKIE,
            session,
            max_age=int(self.settings.session_lifetime.total_seconds()),
            path="/web",
            httponly=True,
            samesite="Lax",
            secure=self.settings.secure,
        )
        raise response

    async def sign_out(self, request: web.Request) -> web.Response:
        """End the session and forget the cookie."""
        session = request.cookies.get(COOKIE)
        if session:
            await self.signin.sign_out(session)
        response = html(message_page("Đăng xuất", "Anh/chị đã đăng xuất. " + ASK_BOT))
        response.del_cookie(COOKIE, path="/web")
        return response

    async def _person(self, request: web.Request) -> PersonInfo | None:
        """The coordinator of the request's session, or None."""
        session = request.cookies.get(COOKIE)
        person_id = await self.signin.session_person(session) if session else None
        if person_id is None:
            return None
        person = await active_person(person_id)
        return person if person is not None and has_role(person, COORDINATOR) else None

    def _refused(self) -> web.Response:
        return html(message_page("Đăng nhập", ASK_BOT), status=401)

    # -- pages -------------------------------------------------------------------------------

    async def home(self, request: web.Request) -> web.Response:
        """Filing status of every form in use."""
        person = await self._person(request)
        if person is None:
            return self._refused()
        now = self.host.clock()
        scope = await person_scope(person.id)
        form_key, period_key = request.query.get("form"), request.query.get("period")
        if form_key and period_key:  # one period asked for (the "← Kỳ trước" links)
            found = await self._period(form_key, period_key, scope)
            if found is None:
                return self._not_found()
            statuses = [await period_status(form_key, *found, scope=scope)]
        else:
            statuses = [
                status
                for pair in await current_statuses(now, self.tz, scope)
                for status in pair
                if status is not None
            ]
        sections = [(status, self._earlier(status)) for status in statuses]
        mirror = await self._mirror_for(scope)
        apart: list[str] = []
        if mirror is not None and scope.everything:  # the deployment's workbook
            env = self.host.settings.env
            apart = apart_lines(await communes_apart(env, str(self._mirror_path())), LOCALE)
        body = status_page(
            sections,
            now,
            self.tz,
            person_name=person.name,
            # The deployment's workbook holds every unit: for a commune's coordinator only
            # the commune's own workbook, when it has one (`reportbot org set-sheet`).
            has_mirror=mirror is not None,
            chosen=bool(form_key and period_key),
            apart=apart,
        )
        return html(body)

    def _earlier(self, status: PeriodStatus) -> str | None:
        """The key of the period before the one shown (None for a one-off form)."""
        period = status.period
        earlier = period_at(status.template.period, period.deadline, self.tz, -1)
        return earlier.key if earlier is not None else None

    async def unit(self, request: web.Request) -> web.Response:
        """One unit's answers for a form and period."""
        person = await self._person(request)
        if person is None:
            return self._refused()
        scope = await person_scope(person.id)  # another commune's unit is not found
        unit = await unit_by_id(int(request.match_info["unit_id"]), scope)
        form_key = request.query.get("form", "")
        found = await self._period(form_key, request.query.get("period", ""), scope)
        if unit is None or found is None:
            return self._not_found()
        template, period = found
        submission = await latest_unit_report(unit.id, form_key, period.key)
        view = None
        overdue = self.host.clock() > period.deadline  # the digest's words after it
        state = bucket_label("not_started", overdue=overdue)
        if submission is not None:
            stored = await template_by_record(submission.template_id)
            view = unit_view(stored, unit, submission, self.tz)
            bucket = bucket_of(submission, period.deadline)  # type: ignore[arg-type]
            state = bucket_label(bucket, overdue=overdue)
            if submission.status == "reopened":
                state += " (mở lại)"
        body = unit_page(
            unit_name=await self._unit_name(unit.id, unit.name, scope),
            unit_code=unit.code,
            template=template,
            period=period,
            state=state,
            view=view,
        )
        return html(body)

    @staticmethod
    async def _unit_name(unit_id: int, name: str, scope: Scope) -> str:
        """A unit's name, with its commune's for a reader who sees several communes."""
        communes = await commune_labels([unit_id], scope)
        return unit_in_commune(name, communes.get(unit_id, ""))

    async def report(self, request: web.Request) -> web.StreamResponse:
        """A consolidated report file, made now by the report builders of /tonghop."""
        person = await self._person(request)
        if person is None:
            return self._refused()
        form_key, fmt = request.match_info["form"], request.match_info["fmt"]
        scope = await person_scope(person.id)
        found = await self._period(form_key, request.match_info["period"], scope)
        if found is None or fmt not in FORMATS:
            return self._not_found()
        template, period = found
        now = self.host.clock()
        scoped = await consolidate_scope(
            form_key, template, period, now=now, tz=self.tz, scope=scope
        )
        data = scoped.total
        header = await header_for(self.header, scope)

        def build() -> bytes:
            with tempfile.TemporaryDirectory(prefix="reportbot-web-") as folder:
                path = Path(folder) / default_name(data, fmt)
                write_report(data, fmt, path, tz=self.tz, header=header)
                if fmt == "xlsx":
                    add_commune_sheet(scoped, path)  # a province: one row per commune
                return path.read_bytes()

        content = await asyncio.to_thread(build)
        return self._download(content, default_name(data, fmt), MEDIA_TYPES[fmt])

    async def mirror(self, request: web.Request) -> web.StreamResponse:
        """The mirror workbook as the bot keeps it on its server: the deployment's for those
        who see every unit, a commune's own for that commune's coordinators."""
        person = await self._person(request)
        if person is None:
            return self._refused()
        path = await self._mirror_for(await person_scope(person.id))
        if path is None:
            return self._not_found()
        try:
            # The mirror replaces its file atomically: whole bytes of one version are read.
            content = await asyncio.to_thread(path.read_bytes)
        except OSError:
            return self._not_found()
        return self._download(content, "so-theo-doi-bao-cao.xlsx", MEDIA_TYPES["xlsx"])

    # -- helpers -----------------------------------------------------------------------------

    async def _period(
        self, form_key: str, period_key: str, scope: Scope
    ) -> tuple[FormTemplate, Period] | None:
        template = (await forms_seen(scope)).get(form_key)  # another commune's: not found
        if template is None:
            return None
        try:
            return template, period_by_key(template.period, period_key, self.tz)
        except ValueError:  # PeriodKeyError is a ValueError: a key of no period of this form
            return None

    def _mirror_path(self) -> Path:
        configured = self.host.settings.env.get("REPORTBOT_MIRROR_XLSX")
        return Path(configured) if configured else self.host.settings.mirror_xlsx

    async def _mirror_for(self, scope: Scope) -> Path | None:
        """The workbook this scope may download, if written yet: the deployment's for the
        whole deployment; a commune's own (its path, or the one the mirror derives) for a
        commune with its own sheet; none for a province (its communes' rows are mixed with
        others' in the deployment's workbook)."""
        path: Path | None = None
        if scope.everything:
            path = self._mirror_path()
        elif scope.root_id is not None:
            found = await organisation_by_id(scope.root_id)
            if found is not None and found.kind == "commune" and found.own_sheet:
                path = commune_workbook(str(self._mirror_path()), found.code, found.workbook)
        return path if path is not None and path.is_file() else None

    def _not_found(self) -> web.Response:
        body = page("Không tìm thấy", "<section><p>Không tìm thấy trang này.</p></section>")
        return html(body, status=404)

    def _download(self, content: bytes, name: str, media_type: str) -> web.Response:
        headers = {
            **SECURITY_HEADERS,
            "Content-Disposition": f'attachment; filename="{name}"',
        }
        return web.Response(body=content, content_type=media_type, headers=headers)
