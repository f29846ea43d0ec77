"""A TCP proxy on loopback whose link can be cut and restored: a partner's network outage."""

from __future__ import annotations

import asyncio
import contextlib
import socket


class LinkProxy:
    """Forwards 127.0.0.1:port to 127.0.0.1:target_port. ``cut()`` drops every connection and
    refuses new ones until ``restore()`` listens again on the same port."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = 0
        self.up = True
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(
            self._serve, "127.0.0.1", self.port, reuse_address=True
        )
        sock: socket.socket = self._server.sockets[0]
        self.port = int(sock.getsockname()[1])

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.up:
            writer.close()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return
        if not self.up:
            # cut while connecting: cut() did not see this pair, which would stay open
            up_writer.close()
            writer.close()
            return
        self._writers |= {writer, up_writer}
        try:
            await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
        finally:
            # also when the task is cancelled at the end of the test's event loop
            for w in (writer, up_writer):
                self._writers.discard(w)
                with contextlib.suppress(Exception):
                    w.transport.abort()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while self.up and (data := await reader.read(65536)):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            self._writers.discard(writer)
            with contextlib.suppress(Exception):
                writer.close()

    async def cut(self) -> None:
        """Drop every connection and stop listening: new connections are refused."""
        self.up = False
        if self._server is not None:
            self._server.close()
            self._server = None
        for w in list(self._writers):
            w.transport.abort()
            w.close()
        self._writers.clear()

    async def restore(self) -> None:
        self.up = True
        await self.start()

    async def close(self) -> None:
        await self.cut()
