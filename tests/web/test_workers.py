"""`heard serve --workers N` as an administrator runs it: a real process tree on a real port.
Each worker listens on its own SO_REUSEPORT socket (see heard.web.workers)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from heard.app import Heard
from heard.web.workers import listening_socket

HEARD = str(Path(sys.executable).parent / "heard")
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="SO_REUSEPORT balancing is Linux behaviour")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def children(pid: int) -> list[int]:
    """The worker processes (multiprocessing also starts a resource tracker: not a worker)."""
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        pids = [int(p) for p in f.read().split()]
    return [p for p in pids if b"spawn_main" in cmdline(p)]


def cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:  # exited meanwhile
        return b""


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as r:
            return bool(r.status == 200)
    except OSError:
        return False


def wait_for(condition: object, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.2)
    raise AssertionError("condition not reached in time")


@pytest.fixture
def server(heard_app: Heard, database_url: str) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    port = free_port()
    env = {**os.environ, "HEARD_DATABASE_URL": database_url}
    proc = subprocess.Popen([HEARD, "serve", "--port", str(port), "--workers", "2"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for(lambda: healthy(port) and len(children(proc.pid)) == 2)
        yield proc, port
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=40)


def test_workers_stop_when_the_supervisor_is_killed(
    server: tuple[subprocess.Popen[bytes], int],
) -> None:
    proc, port = server
    workers = children(proc.pid)
    proc.kill()  # SIGKILL: the supervisor gets no chance to stop its workers itself
    proc.wait()
    wait_for(lambda: not any(cmdline(pid) for pid in workers))
    wait_for(lambda: not healthy(port))


def test_two_workers_serve_and_stop_cleanly_on_sigterm(
    server: tuple[subprocess.Popen[bytes], int],
) -> None:
    proc, port = server
    workers = children(proc.pid)
    for pid in workers:  # each worker holds its own listening socket on the port
        assert any(os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:")
                   for fd in os.listdir(f"/proc/{pid}/fd"))
    assert all(healthy(port) for _ in range(20))
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=40) == 0
    assert not healthy(port)
    for pid in workers:
        assert not os.path.exists(f"/proc/{pid}") or "zombie" in Path(
            f"/proc/{pid}/status").read_text().lower()


def test_a_worker_that_dies_is_replaced(server: tuple[subprocess.Popen[bytes], int]) -> None:
    proc, port = server
    victim = children(proc.pid)[0]
    os.kill(victim, signal.SIGKILL)
    wait_for(lambda: victim not in children(proc.pid) and len(children(proc.pid)) == 2)
    # The dead worker's socket left the group: every request is answered.
    wait_for(lambda: all(healthy(port) for _ in range(20)))


def test_a_taken_port_stops_the_server_with_a_clear_message(
    heard_app: Heard, database_url: str,
) -> None:
    with socket.socket() as taken:  # an ordinary listener, not in a SO_REUSEPORT group
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "HEARD_DATABASE_URL": database_url}
        done = subprocess.run([HEARD, "serve", "--port", str(port), "--workers", "2"], env=env,
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 3
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr


def test_sockets_in_one_group_share_a_port() -> None:
    first = listening_socket("127.0.0.1", 0)
    port = first.getsockname()[1]
    second = listening_socket("127.0.0.1", port)
    assert second.getsockname()[1] == port
    first.close()
    second.close()
