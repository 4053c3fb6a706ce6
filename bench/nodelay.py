"""uvicorn's HTTP protocol with TCP_NODELAY set on every accepted socket.

With `--workers N` uvicorn hands each worker the listening socket by file descriptor, and
asyncio then does not recognise accepted sockets as TCP, so it leaves Nagle's algorithm on:
every response waits ~40 ms for the client's delayed ACK. A careful operator sets it:
`uvicorn APP --workers N --http bench.nodelay:H11NoDelay`.
"""

from __future__ import annotations

import socket
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol


class H11NoDelay(H11Protocol):
    def connection_made(self, transport: Any) -> None:
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)
