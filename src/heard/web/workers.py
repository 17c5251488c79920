"""Serve with several worker processes, each listening on its own SO_REUSEPORT socket.

uvicorn's own `--workers` shares one listening socket between workers. Whichever worker
wakes first accepts a whole burst of new connections, so 50 keep-alive clients arriving
together split about 40/10. The busy worker's clients then wait four times longer than the
others for as long as their connections live. With one socket per worker, bound with
SO_REUSEPORT, Linux hashes each new connection to one of the sockets, and the split is even
on average.

The balancing is Linux behaviour (BSDs give every connection to the last socket bound), so
`serve` falls back to uvicorn's supervisor elsewhere.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import socket
import sys
import threading
from typing import Any

import uvicorn
from uvicorn.config import STARTUP_FAILURE

APP = "heard.web.server:application"
SHUTDOWN_GRACE_S = 30
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def serve(host: str, port: int, workers: int, log_level: str = "warning") -> int:
    """Serve until SIGINT or SIGTERM; returns the exit status."""
    if workers <= 1 or not sys.platform.startswith("linux"):
        uvicorn.run(APP, host=host, port=port, workers=workers, log_level=log_level,
                    factory=True)
        return 0
    return Supervisor(host, port, workers, log_level).run()


def _worker(host: str, port: int, log_level: str) -> None:
    """One worker process: its own socket in the port's SO_REUSEPORT group, one uvicorn."""
    _stop_with_parent()
    try:
        sock = listening_socket(host, port)
    except OSError as exc:
        print(f"heard: cannot listen on {host}:{port}: {exc.strerror}", file=sys.stderr)
        sys.exit(STARTUP_FAILURE)
    config = uvicorn.Config(APP, host=host, port=port, log_level=log_level, factory=True)
    uvicorn.Server(config).run(sockets=[sock])


def _stop_with_parent() -> None:
    """Ask Linux to send this worker SIGTERM when the supervisor dies, even by SIGKILL:
    orphaned workers would keep serving on the port with nobody to stop them."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() == 1:  # the supervisor died before prctl took effect
        sys.exit(0)


def listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


class Supervisor:
    """Starts the workers, replaces one that dies, and stops them all on a signal. A worker
    that fails at start-up (port taken, broken configuration) stops the whole server
    rather than being restarted in a loop."""

    def __init__(self, host: str, port: int, workers: int, log_level: str) -> None:
        self.args = (host, port, log_level)
        self.count = workers
        # spawn, not fork: the parent has already opened the database.
        self.context = multiprocessing.get_context("spawn")
        self.processes: list[Any] = []
        self.stopping = threading.Event()
        self.status = 0

    def start_one(self) -> Any:
        process = self.context.Process(target=_worker, args=self.args, daemon=False)
        process.start()
        return process

    def run(self) -> int:
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: self.stopping.set())
        self.processes = [self.start_one() for _ in range(self.count)]
        while not self.stopping.wait(0.5):
            self.replace_dead()
        self.stop_all()
        return self.status

    def replace_dead(self) -> None:
        for i, process in enumerate(self.processes):
            if process.exitcode is None:
                continue
            if process.exitcode == STARTUP_FAILURE:
                self.status = STARTUP_FAILURE
                self.stopping.set()
                return
            self.processes[i] = self.start_one()

    def stop_all(self) -> None:
        for process in self.processes:
            if process.exitcode is None:
                process.terminate()
        for process in self.processes:
            process.join(SHUTDOWN_GRACE_S)
            if process.exitcode is None:
                process.kill()
                process.join()
