"""Several fake spreadsheets behind one Sheets API root (one commune's sheet each, issue 17)."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from aiohttp import web

from tests.fakes._server import FakeServer
from tests.fakes.sheets import ApiError, FakeSheets


class FakeSheetsHub(FakeServer):
    """Several spreadsheets behind one API root, as Google serves them: each id is a
    `FakeSheets` of its own (`hub.books[id]`); an unknown id answers 404, a denied one 403 as
    Google does for a spreadsheet nobody shared with the service account."""

    app_options: ClassVar[dict[str, Any]] = FakeSheets.app_options
    runner_options: ClassVar[dict[str, Any]] = FakeSheets.runner_options

    def __init__(self, *spreadsheet_ids: str) -> None:
        super().__init__()
        self.books = {key: FakeSheets(key) for key in spreadsheet_ids}
        self.denied: set[str] = set()
        self.requests: list[str] = []  # the spreadsheet id of every request, in order

    def routes(self, router: web.UrlDispatcher) -> None:
        """Every spreadsheet call goes to its spreadsheet's fake."""
        router.add_route("*", "/v4/spreadsheets/{tail:.*}", self._handle)

    async def _handle(self, request: web.Request) -> web.Response:
        raw = request.rel_url.raw_path[len("/v4/spreadsheets/") :]
        spreadsheet_id = re.split(r"[/:]", raw, maxsplit=1)[0]
        self.requests.append(spreadsheet_id)
        if spreadsheet_id in self.denied:
            return ApiError(403, "The caller does not have permission").response()
        book = self.books.get(spreadsheet_id)
        if book is None:
            return ApiError(404, "Requested entity was not found.").response()
        return await book._handle(request)
