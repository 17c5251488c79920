"""Rotation scheduler: 200 leaders x 40 hosts x 13 weeks (the acceptance size).

    .venv/bin/python benchmarks/programs_scheduler.py [--runs 5]

Prints wall time per run (parse + checks + CP-SAT + mentor and slot assignment) and the
median. Problems come from heard.programs.generate with seeds 1..runs.
"""

from __future__ import annotations

import argparse
import statistics
import time

from heard.programs.generate import rotation_problem
from heard.programs.scheduler import schedule


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    times = []
    for seed in range(1, args.runs + 1):
        problem = rotation_problem(leaders=200, hosts=40, weeks=13, seed=seed)
        started = time.perf_counter()
        result = schedule(problem)
        elapsed = time.perf_counter() - started
        times.append(elapsed)
        sessions = len(result.get("assignments", []))
        print(f"seed {seed}: {result['status']} optimal={result.get('optimal')} "
              f"sessions={sessions} {elapsed:.2f} s")
    print(f"median {statistics.median(times):.2f} s, max {max(times):.2f} s")


if __name__ == "__main__":
    main()
