"""What the fake API servers share: aiohttp on 127.0.0.1 on a free port, started and stopped.

`FakeServer` is the base of a fake platform API (routes of its own, files users send served at
`/files/{name}`, a client for the calls the platform makes itself, such as webhook
deliveries); `AppServer` is the bot's own web server, whose URL is known before it starts so
that webhook URLs can go into the configuration; `ScriptedHandler` stands in for the
application behind a connector.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, Self

import aiohttp
from aiohttp import web

from connectors.base import Incoming, Outgoing

# A 1x1 PNG, for photo downloads.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


class FakeServer:
    """A fake API on 127.0.0.1; `async with Fake() as fake:` then `fake.base_url`."""

    # Keyword arguments of web.Application and web.AppRunner, for fakes that need others.
    app_options: ClassVar[dict[str, Any]] = {}
    runner_options: ClassVar[dict[str, Any]] = {}

    def __init__(self) -> None:
        self.base_url = ""
        self.files: dict[str, tuple[bytes, str]] = {}
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None

    def routes(self, router: web.UrlDispatcher) -> None:
        """Add the API's routes."""
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def start(self) -> str:
        """Listen on 127.0.0.1 on a free port; return the base URL."""
        app = web.Application(**self.app_options)
        self.routes(app.router)
        app.router.add_get("/files/{name}", self._file)
        self._runner = web.AppRunner(app, **self.runner_options)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}"
        return self.base_url

    async def stop(self) -> None:
        """Shut the server (and its client) down."""
        if self._client is not None:
            await self._client.close()
            self._client = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def client(self) -> aiohttp.ClientSession:
        """A client for the calls the platform makes itself (webhook deliveries)."""
        if self._client is None:
            self._client = aiohttp.ClientSession()
        return self._client

    def add_photo(self, name: str = "photo.png", data: bytes = PNG, mime: str = "image/png") -> str:
        """Serve a file and return its URL."""
        self.files[name] = (data, mime)
        return f"{self.base_url}/files/{name}"

    async def wait_for(self, condition: Callable[[], bool], timeout: float = 5.0) -> None:
        """Wait until a condition holds, or fail after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError("condition not met in time")
            await asyncio.sleep(0.01)

    async def _file(self, request: web.Request) -> web.StreamResponse:
        found = self.files.get(request.match_info["name"])
        if found is None:
            return web.Response(status=404)
        return web.Response(body=found[0], content_type=found[1])


class AppServer:
    """The bot's web app (`app`, for ConnectorContext.web_app) on a port known in advance."""

    def __init__(self) -> None:
        self.app = web.Application()
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._runner: web.AppRunner | None = None

    def url(self, path: str) -> str:
        """The full URL of a path on this server."""
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}{path}"

    async def start(self) -> None:
        """Serve the app (after the connectors have added their routes)."""
        self._runner = web.AppRunner(self.app)
        await self._runner.setup()
        await web.SockSite(self._runner, self._sock).start()

    async def stop(self) -> None:
        """Stop serving."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self._sock.close()


class ScriptedHandler:
    """Stands in for the application: records every Incoming, answers with a script."""

    def __init__(self, reply: Callable[[Incoming], Sequence[Outgoing]] | None = None) -> None:
        self.incoming: list[Incoming] = []
        self._reply = reply or (lambda m: [Outgoing(text=f"Đã nhận: {m.text}")])

    async def __call__(self, incoming: Incoming) -> Sequence[Outgoing]:
        self.incoming.append(incoming)
        return self._reply(incoming)
