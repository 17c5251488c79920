"""Measure heard.redaction throughput on the real customer-care turns.

Run: python benchmarks/redaction_speed.py
Prints messages per second on one core (best of several passes over all turns).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from heard.redaction import redact

DATA = Path(__file__).resolve().parents[1] / "data" / "customer-care-twitter"


def load_turns() -> list[str]:
    turns: list[str] = []
    for name in ("dev.json", "test.json"):
        for conv in json.loads((DATA / name).read_text(encoding="utf-8")):
            turns.extend(t["message"] for t in conv["dialogContent"])
            turns.append(conv["agentURL"]["url_utterance"])
    return turns


def main(repeats: int = 5, passes: int = 10) -> None:
    turns = load_turns()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(passes):
            for text in turns:
                redact(text)
        best = min(best, time.perf_counter() - start)
    n = len(turns) * passes
    mean_chars = sum(map(len, turns)) / len(turns)
    print(f"turns: {len(turns)} (mean {mean_chars:.0f} chars)")
    print(f"redaction: {n / best:,.0f} msgs/s on one core (best of {repeats} x {n} msgs)")


if __name__ == "__main__":
    main()
