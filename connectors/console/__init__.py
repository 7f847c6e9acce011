"""The console connector: a conversation in the terminal, the zero-setup default.

Each line read from standard input is one message; the replies are printed before the next
line is read, so a whole report can be scripted with a pipe. Choices are shown numbered.
A line that names an existing file answers a photo or file question with that file.
"""

from __future__ import annotations

import asyncio
import contextlib
import mimetypes
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from connectors.base import (
    Address,
    Attachment,
    Capabilities,
    Connector,
    ConnectorContext,
    Handler,
    Incoming,
    Outgoing,
    RecipientRefused,
    render_plain,
)

PLATFORM = "console"
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic"}


class ConsoleConnector(Connector):
    """Reads lines from a stream, prints replies to another."""

    name = PLATFORM
    capabilities = Capabilities(buttons=False, max_text_length=100_000, photos=True, documents=True)

    def __init__(
        self,
        handler: Handler,
        *,
        user_id: str,
        display_name: str | None = None,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
    ) -> None:
        self.handler = handler
        self.user_id = user_id
        self.display_name = display_name
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.finished = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._interactive = self.stdin.isatty()

    async def start(self) -> None:
        """Start reading lines in the background; `finished` is set at end of input."""
        self._task = asyncio.create_task(self._read_loop(), name="console-connector")

    async def stop(self) -> None:
        """Stop reading."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self.finished.set()

    async def send(self, address: Address, messages: Sequence[Outgoing]) -> None:
        """Print messages meant for the person at this console (reminders, notices).

        Anyone else is never reachable here: RecipientRefused, so the caller can report it.
        """
        if address.user_id != self.user_id:
            raise RecipientRefused(f"{address.user_id} is not at this console")
        for message in messages:
            self._print(message)

    async def _read_loop(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while True:
                if self._interactive:
                    self.stdout.write("> ")
                    self.stdout.flush()
                line = await loop.run_in_executor(None, self.stdin.readline)
                if not line:
                    break
                replies = await self.handler(self._incoming(line.rstrip("\r\n")))
                for reply in replies:
                    self._print(reply)
        finally:
            self.finished.set()

    def _incoming(self, line: str) -> Incoming:
        attachment = _attachment_for(line)
        return Incoming(
            platform=PLATFORM,
            user_id=self.user_id,
            chat_id=self.user_id,
            text=None if attachment else line,
            attachment=attachment,
            display_name=self.display_name,
        )

    def _print(self, message: Outgoing) -> None:
        self.stdout.write(render_plain(message, self.capabilities) + "\n\n")
        if message.attachment_path:
            self.stdout.write(f"[tệp đính kèm / attachment: {message.attachment_path}]\n\n")
        self.stdout.flush()


def _attachment_for(line: str) -> Attachment | None:
    candidate = line.strip().strip("\"'")
    if not candidate or len(candidate) > 500 or "\n" in candidate:
        return None
    path = Path(candidate).expanduser()
    try:
        if not path.is_file():
            return None
    except OSError:
        return None
    kind = "photo" if path.suffix.lower() in IMAGE_SUFFIXES else "file"
    mime, _ = mimetypes.guess_type(path.name)
    return Attachment(
        kind=kind,
        path=str(path.resolve()),
        name=path.name,
        size=path.stat().st_size,
        mime_type=mime,
    )


def create(context: ConnectorContext) -> ConsoleConnector | None:
    """Entry point: a console connector when the application asks for one."""
    user_id = context.config.get("user_id")
    if not user_id:
        return None
    return ConsoleConnector(
        context.handler,
        user_id=str(user_id),
        display_name=context.config.get("display_name"),
        stdin=context.config.get("stdin"),
        stdout=context.config.get("stdout"),
    )
