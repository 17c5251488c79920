"""A small, low-overhead HTTP/1.1 load generator for loopback benchmarks.

Each virtual client holds one keep-alive connection and sends requests back to back
(closed loop), so latency includes any queueing in the server. Raw asyncio streams keep
the client's own CPU use small: on a 2-core machine the client competes with the server.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass, field


@dataclass
class LoadResult:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: int = 0
    seconds: float = 0.0

    def summary(self) -> dict[str, dict[str, float]]:
        out = {}
        everything = [x for xs in self.latencies.values() for x in xs]
        for name, xs in [*self.latencies.items(), ("all", everything)]:
            q = statistics.quantiles(xs, n=100, method="inclusive")
            out[name] = {"requests": len(xs), "rps": len(xs) / self.seconds,
                         "p50_ms": q[49] * 1000, "p95_ms": q[94] * 1000, "p99_ms": q[98] * 1000}
        return out


async def _request(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                   raw: bytes) -> int:
    writer.write(raw)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    if length:
        await reader.readexactly(length)
    return status


async def _client(host: str, port: int, targets: list[tuple[str, bytes]], deadline: float,
                  result: LoadResult, offset: int) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    i = offset
    while time.perf_counter() < deadline:
        name, raw = targets[i % len(targets)]
        i += 1
        start = time.perf_counter()
        try:
            status = await asyncio.wait_for(_request(reader, writer, raw), timeout=10)
        except TimeoutError:
            result.errors += 1
            break  # the connection is in an unknown state; this client stops
        elapsed = time.perf_counter() - start
        if status != 200:
            result.errors += 1
        result.latencies.setdefault(name, []).append(elapsed)
    writer.close()


def build_request(path: str, host: str, headers: dict[str, str]) -> bytes:
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}", "Connection: keep-alive",
             *(f"{k}: {v}" for k, v in headers.items()), "", ""]
    return "\r\n".join(lines).encode()


def run_load(host: str, port: int, targets: list[tuple[str, bytes]], clients: int,
             seconds: float) -> LoadResult:
    result = LoadResult()

    async def main() -> None:
        deadline = time.perf_counter() + seconds
        start = time.perf_counter()
        await asyncio.gather(*(_client(host, port, targets, deadline, result, i)
                               for i in range(clients)))
        result.seconds = time.perf_counter() - start

    asyncio.run(main())
    return result
