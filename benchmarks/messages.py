"""20,000 distinct real messages for throughput benchmarks (shared by benchmark scripts).

All distinct turns of the customer-care-twitter conversations come first (real customer-care
length, with real personal data for the redactor to find), then GoEmotions dev and train
comments in file order until the count is reached. Only files vendored under data/ are read.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"


def customer_turns() -> list[str]:
    seen: dict[str, None] = {}
    for split in ("dev", "test"):
        conversations = json.loads((DATA / "customer-care-twitter" / f"{split}.json").read_text())
        for conv in conversations:
            for turn in conv["dialogContent"]:
                seen.setdefault(turn["message"], None)
    return list(seen)


def goemotions_texts(split: str) -> list[str]:
    with open(DATA / "goemotions" / f"{split}.tsv", encoding="utf-8") as fh:
        return [row[0] for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)]


def distinct_messages(n: int = 20_000) -> list[str]:
    seen: dict[str, None] = {}
    for source in (customer_turns(), goemotions_texts("dev"), goemotions_texts("train")):
        for text in source:
            seen.setdefault(text, None)
            if len(seen) == n:
                return list(seen)
    raise ValueError(f"only {len(seen)} distinct messages available")
