"""Local servers on 127.0.0.1 for tests: serve on a thread, find a free port, wait for one."""
from __future__ import annotations

import socket
import socketserver
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

S = TypeVar("S", bound=socketserver.BaseServer)


def threaded_servers(make: Callable[..., S]) -> Iterator[Callable[..., S]]:
    """For a fixture, ``yield from threaded_servers(ServerClass)``: the test gets ``start(*args)``,
    which makes a server and serves it on a daemon thread; each is shut down and closed afterwards."""
    servers: list[S] = []

    def start(*args: Any, **kwargs: Any) -> S:
        srv = make(*args, **kwargs)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        servers.append(srv)
        return srv

    yield start
    for srv in servers:
        srv.shutdown()
        srv.server_close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, *, up: bool = True, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                if up:
                    return
        except OSError:
            if not up:
                return
        time.sleep(0.02)
    raise AssertionError(f"port {port} did not go {'up' if up else 'down'} within {timeout} s")
