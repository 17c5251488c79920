"""Throughput of heard's full scoring path (redaction + emotion/sentiment model + intensity +
distress + effort) over 20,000 distinct real messages, for each profile.

Each profile runs in its own process so peak RSS is that profile's alone. For each profile the
model is loaded once (load time reported separately), then ``score_messages`` is run over all
messages in chunks (as ingest does) 3 times; we report each run and the median msgs/s.

    .venv/bin/python benchmarks/score_throughput.py                 # both profiles
    .venv/bin/python benchmarks/score_throughput.py --profile fast --runs 3
    .venv/bin/python benchmarks/score_throughput.py --customer-only # only the 1,316 tweets
    .venv/bin/python benchmarks/score_throughput.py --ablation      # what made MiniLM fast
    .venv/bin/python benchmarks/score_throughput.py --breakdown --profile fast  # per part
    .venv/bin/python benchmarks/score_throughput.py --cli --profile fast  # `heard score` itself

``--cli`` writes the messages to a JSON-lines file and runs the real command,
``heard score --input IN --output OUT --profile P``, once per run: parsing, redaction, every
head and the JSON output lines. It reports the rate the command prints (its own clock, after
it has loaded the models; the load time is printed and recorded apart) and the wall time of
the whole process, interpreter start-up, imports and model load included.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from messages import customer_turns, distinct_messages  # noqa: E402


def run_profile(
    profile: str, runs: int, chunk: int, customer_only: bool, stages: list[str]
) -> dict[str, object]:
    from heard.signals.scoring import load_scorer, score_messages

    texts = customer_turns() if customer_only else distinct_messages()
    t0 = time.perf_counter()
    scorer = load_scorer(profile)
    load_s = time.perf_counter() - t0
    step = {
        # redaction + emotions/sentiment + intensity + distress + effort: what ingest runs
        "pipeline": lambda part: score_messages(part, profile=profile),
        # the emotion/sentiment model alone (tokenise, infer, calibrate)
        "model": lambda part: scorer.model.predict(part),
    }
    result: dict[str, object] = {
        "profile": profile, "messages": len(texts),
        "mean_chars": round(statistics.mean(map(len, texts)), 1), "chunk": chunk,
        "load_s": round(load_s, 2),
    }
    for stage in stages:
        rates = []
        for _ in range(runs):
            t0 = time.perf_counter()
            for start in range(0, len(texts), chunk):
                step[stage](texts[start : start + chunk])
            rates.append(len(texts) / (time.perf_counter() - t0))
        result[stage] = {"runs_msgs_per_s": [round(r, 1) for r in rates],
                         "median_msgs_per_s": round(statistics.median(rates), 1)}
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result["load_avg_1min_after"] = round(os.getloadavg()[0], 2)
    return result


def ablation(n: int = 3000) -> list[dict[str, object]]:
    """MiniLM model step alone on n messages: what sorting, batch size, graph opts, int8 buy."""
    from heard.signals.models.emotions import OnnxEmotionModel

    texts = distinct_messages()[:n]
    fp32 = Path(__file__).resolve().parents[1] / "training" / ".cache" / "emotions-minilm.fp32.onnx"
    variants: list[tuple[str, dict[str, object], int]] = [
        ("int8, length-sorted, batch 32, graph opt", {}, 32),
        ("int8, length-sorted, batch 16, graph opt", {}, 16),
        ("int8, length-sorted, batch 64, graph opt", {}, 64),
        ("int8, unsorted, batch 32, graph opt", {"sort_by_length": False}, 32),
        ("int8, length-sorted, batch 32, no graph opt", {"graph_optimization": False}, 32),
    ]
    if fp32.exists():  # only present where training ran (not shipped)
        variants.append(("fp32, length-sorted, batch 32, graph opt", {"onnx_path": fp32}, 32))
    rows: list[dict[str, object]] = []
    for name, options, batch in variants:
        model = OnnxEmotionModel(**options)  # type: ignore[arg-type]
        model.inner_batch = batch
        model.logits(texts[:64])  # warm-up
        t0 = time.perf_counter()
        model.logits(texts, batch_size=batch)
        rows.append({"variant": name, "messages": n,
                     "msgs_per_s": round(n / (time.perf_counter() - t0), 1)})
    return rows


def breakdown(profile: str, runs: int) -> dict[str, float]:
    """Median msgs/s of each part of the pipeline alone, to show where the time goes."""
    from heard.redaction import redact
    from heard.signals.distress import detect_distress
    from heard.signals.effort import detect_effort
    from heard.signals.models.labels import EMOTIONS
    from heard.signals.scoring import load_scorer

    texts = distinct_messages()
    scorer = load_scorer(profile)
    probs = scorer.model.predict(texts[:2000]).emotions
    emotions = [dict(zip(EMOTIONS, row, strict=True)) for row in probs.tolist()] * 10
    parts = {
        "redaction": lambda: [redact(t) for t in texts],
        "emotion model": lambda: scorer.model.predict(texts),
        "distress": lambda: detect_distress(texts, emotions),
        "effort": lambda: [detect_effort(t) for t in texts],
        "Scorer.score (all heads, no redaction)": lambda: scorer.score(texts),
    }
    out = {}
    for name, fn in parts.items():
        rates = []
        for _ in range(runs):
            t0 = time.perf_counter()
            fn()
            rates.append(len(texts) / (time.perf_counter() - t0))
        out[name] = round(statistics.median(rates), 1)
    return out


def cli_runs(profile: str, runs: int, workers: int) -> dict[str, object]:
    """`heard score` on the 20,000 messages, one process per run."""
    texts = distinct_messages()
    heard = Path(sys.executable).with_name("heard")
    rates: list[float] = []
    walls: list[float] = []
    loads: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        source, sink = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
        with source.open("w", encoding="utf-8") as fh:
            for i, text in enumerate(texts):
                fh.write(json.dumps({"id": i, "text": text}) + "\n")
        for _ in range(runs):
            cmd = [str(heard), "score", "--input", str(source), "--output", str(sink),
                   "--profile", profile, "--workers", str(workers)]
            t0 = time.perf_counter()
            done = subprocess.run(cmd, check=True, capture_output=True, text=True)
            walls.append(len(texts) / (time.perf_counter() - t0))
            reported = re.search(r"\((\d+)/s\)(?: after ([\d.]+) s loading)?", done.stderr)
            assert reported, done.stderr
            rates.append(float(reported.group(1)))
            loads.append(float(reported.group(2) or "nan"))
        lines = sink.read_text(encoding="utf-8").splitlines()
        assert len(lines) == len(texts) and json.loads(lines[-1])["id"] == len(texts) - 1
    return {
        "profile": profile, "workers": workers, "messages": len(texts),
        "command_runs_msgs_per_s": rates, "command_median_msgs_per_s": statistics.median(rates),
        "command_load_s": loads,
        "wall_runs_msgs_per_s": [round(w, 1) for w in walls],
        "wall_median_msgs_per_s": round(statistics.median(walls), 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        "load_avg_1min_after": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--profile", choices=["default", "fast", "both"], default="both")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--chunk", type=int, default=1000, help="messages per score_messages call")
    ap.add_argument("--customer-only", action="store_true")
    ap.add_argument("--ablation", action="store_true")
    ap.add_argument("--breakdown", action="store_true", help="time each pipeline part alone")
    ap.add_argument("--stages", default="pipeline,model",
                    help="comma-separated: pipeline (redact + all heads), model (model alone)")
    ap.add_argument("--cli", action="store_true", help="time the `heard score` command itself")
    ap.add_argument("--workers", type=int, default=1, help="--workers for `heard score` (--cli)")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.cli:
        for profile in ["default", "fast"] if args.profile == "both" else [args.profile]:
            print(json.dumps(cli_runs(profile, args.runs, args.workers)))
        return
    if args.breakdown:
        print(json.dumps(breakdown("fast" if args.profile == "both" else args.profile, args.runs)))
        return
    if args.ablation:
        for row in ablation():
            print(json.dumps(row))
        return
    if args.child:
        stages = args.stages.split(",")
        print(json.dumps(run_profile(args.profile, args.runs, args.chunk, args.customer_only,
                                     stages)))
        return
    profiles = ["default", "fast"] if args.profile == "both" else [args.profile]
    for profile in profiles:
        cmd = [sys.executable, __file__, "--child", "--profile", profile, "--runs", str(args.runs),
               "--chunk", str(args.chunk), "--stages", args.stages]
        cmd += ["--customer-only"] if args.customer_only else []
        result = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
        for stage in args.stages.split(","):
            r = result[stage]
            print(f"{profile:8s} {stage:9s} {r['median_msgs_per_s']:>9.1f} msgs/s median of "
                  f"{r['runs_msgs_per_s']}")
        print(f"{profile:8s} peak RSS {result['peak_rss_mb']} MB, {result['messages']} msgs, "
              f"mean {result['mean_chars']} chars, model load {result['load_s']} s")
        print(json.dumps(result))


if __name__ == "__main__":
    main()
