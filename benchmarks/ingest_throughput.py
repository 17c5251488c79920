"""Ingest throughput without scoring: interactions per second into a fresh SQLite file.

Builds a JSONL file of N messages whose texts are the real customer-care tweets (so redaction
does real work), grouped 4 to a conversation, then times ``heard.signals.ingest.ingest_file``
(parse + redact + de-duplicate + batched inserts + per-batch commits) over R runs, each into
a new database. Prints each run and the median.

    .venv/bin/python benchmarks/ingest_throughput.py --messages 100000 --runs 3
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from heard.accounts.policy import OPERATOR
from heard.app import Heard
from heard.settings import Settings
from heard.signals.ingest import ingest_file

DATA = Path(__file__).resolve().parents[1] / "data" / "customer-care-twitter"


def real_texts() -> list[str]:
    texts = []
    for split in ("dev", "test"):
        for conversation in json.loads((DATA / f"{split}.json").read_text()):
            texts.extend(turn["message"] for turn in conversation["dialogContent"])
    return texts


def write_file(path: Path, count: int) -> None:
    texts = real_texts()
    with path.open("w") as out:
        for n in range(count):
            out.write(
                json.dumps(
                    {
                        "id": f"m{n}",
                        "conversation_id": f"c{n // 4}",
                        "role": "agent" if n % 4 == 3 else "customer",
                        "text": texts[n % len(texts)],
                        "channel": "twitter",
                        "brand": "Acme",
                        "at": f"2026-01-{1 + n % 28:02d}T{n % 24:02d}:00:00Z",
                    }
                )
                + "\n"
            )


def one_run(data: Path, workdir: Path, run: int, batch_size: int) -> float:
    heard = Heard(Settings.from_env(environ={}, database_url=f"sqlite:///{workdir}/run{run}.db"))
    heard.upgrade()
    started = time.perf_counter()
    with data.open("rb") as raw:
        result = ingest_file(heard.transaction, OPERATOR, raw, fmt="jsonl", batch_size=batch_size)
    elapsed = time.perf_counter() - started
    heard.close()
    assert not result.problems
    return result.interactions_added / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        data = workdir / "messages.jsonl"
        write_file(data, args.messages)
        rates = []
        for run in range(args.runs):
            rate = one_run(data, workdir, run, args.batch_size)
            rates.append(rate)
            print(f"run {run + 1}: {rate:,.0f} interactions/s")
    print(
        f"median of {args.runs} runs over {args.messages:,} messages: "
        f"{statistics.median(rates):,.0f} interactions/s"
    )


if __name__ == "__main__":
    main()
