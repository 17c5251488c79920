"""`heard score`, `heard signals ...` and `heard models evaluate`: customer signals from the
command line. Batch work is a command, never a hidden daemon."""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO, TextIO

import click
import orjson

from heard.accounts.policy import OPERATOR
from heard.cli.base import app, echo_json
from heard.signals import pipeline
from heard.signals.formats import FORMATS
from heard.signals.jobs import scoring_after_batch

CHUNK = 1024  # lines handed to a worker at a time


# --- heard score -----------------------------------------------------------------------


def _read_lines(stream: TextIO) -> Iterator[tuple[int, str]]:
    for number, raw in enumerate(stream, start=1):
        if raw.strip():
            yield number, raw


def _parse(number: int, raw: str) -> tuple[Any, str] | str:
    """(id, text), or the reason the line is bad."""
    try:
        item = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        return f"line {number}: invalid JSON: {exc.msg}"
    if not isinstance(item, dict) or not isinstance(item.get("text"), str):
        return f"line {number}: expected an object with a string 'text'"
    if "id" not in item:
        return f"line {number}: 'id' is required"
    return item["id"], item["text"]


_worker_scorer: pipeline.ScorerLike | None = None


def _init_worker(profile: str) -> None:
    global _worker_scorer
    _worker_scorer = pipeline.scorer_for(profile)


def _score_chunk(job: tuple[list[tuple[int, str]], int]) -> tuple[list[str], list[str]]:
    """Score one chunk of input lines -> (output lines, problems)."""
    lines, batch_size = job
    assert _worker_scorer is not None
    ids, texts, problems = [], [], []
    for number, raw in lines:
        parsed = _parse(number, raw)
        if isinstance(parsed, str):
            problems.append(parsed)
        else:
            ids.append(parsed[0])
            texts.append(parsed[1])
    scores = pipeline.score_texts(_worker_scorer, texts, batch_size) if texts else []
    # orjson: the standard library's float formatting was a sixth of the fast profile's time.
    out = [
        orjson.dumps({"id": i, **s}, option=orjson.OPT_APPEND_NEWLINE).decode()
        for i, s in zip(ids, scores, strict=True)
    ]
    return out, problems


def _chunks(stream: TextIO, batch_size: int) -> Iterator[tuple[list[tuple[int, str]], int]]:
    lines = _read_lines(stream)
    while chunk := list(islice(lines, CHUNK)):
        yield chunk, batch_size


@click.command("score")
@click.option(
    "--input",
    "input_path",
    required=True,
    type=click.Path(dir_okay=False, allow_dash=True),
    help='JSON lines: {"id": ..., "text": ...} ("-" = stdin).',
)
@click.option(
    "--output",
    "output_path",
    required=True,
    type=click.Path(dir_okay=False, allow_dash=True),
    help='Where to write the scored lines ("-" = stdout).',
)
@click.option(
    "--batch-size",
    default=pipeline.DEFAULT_BATCH,
    show_default=True,
    type=click.IntRange(1, 4096),
    help="Messages per model call.",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Processes; each loads the scorer once.",
)
@click.option(
    "--profile",
    default="default",
    show_default=True,
    type=click.Choice(pipeline.PROFILES),
    help="default: best quality; fast: speed.",
)
def score_command(
    input_path: str, output_path: str, batch_size: int, workers: int, profile: str
) -> None:
    """Redact and score customer messages from a JSON-lines file.

    Each output line keeps "id" and adds emotions (all 28 labels), emotion_labels,
    emotion_groups, sentiment, intensity, distress, effort and confidence. Bad input
    lines are reported on stderr with their line number; the rest are still scored.
    """
    started = time.perf_counter()
    if workers == 1:
        _init_worker(profile)  # timed apart: loading is a one-off, the rate is per message
    loaded = time.perf_counter() - started
    scored, problems = 0, []
    with (
        click.open_file(input_path, "r", encoding="utf-8-sig") as source,
        click.open_file(output_path, "w", encoding="utf-8") as sink,
        _batch_gc(),
    ):
        for out, bad in _run_chunks(_text(source), batch_size, workers, profile):
            sink.writelines(out)
            scored += len(out)
            problems.extend(bad)
    elapsed = time.perf_counter() - started - loaded
    for problem in problems[:100]:
        click.echo(problem, err=True)
    rate = scored / elapsed if elapsed else 0.0
    load_note = f" after {loaded:.1f} s loading the models" if workers == 1 else ""
    click.echo(f"scored {scored} messages in {elapsed:.1f} s ({rate:.0f}/s){load_note}", err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} bad input line(s) were not scored")


@contextmanager
def _batch_gc() -> Iterator[None]:
    """Garbage collection tuned for a batch of scores, put back afterwards.

    Every message allocates a dozen small dicts, and each collection used to walk everything
    alive: the models, the tokeniser cache, every imported module. Freezing what exists after
    loading and collecting the youngest objects less often made the fast profile about a
    quarter faster (benchmarks/score_throughput.py --cli). Nothing here holds reference
    cycles that need prompt collection.
    """
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(10_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def _init_pool_worker(profile: str) -> None:
    _init_worker(profile)
    gc.freeze()  # as _batch_gc, for the life of the worker process
    gc.set_threshold(10_000, 20, 100)


def _run_chunks(
    source: TextIO, batch_size: int, workers: int, profile: str
) -> Iterator[tuple[list[str], list[str]]]:
    if workers == 1:  # the caller has loaded the scorer (_init_worker)
        yield from map(_score_chunk, _chunks(source, batch_size))
        return
    # fork: workers inherit the scorer registry; the parent never loads a model itself.
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with context.Pool(workers, initializer=_init_pool_worker, initargs=(profile,)) as pool:
        yield from pool.imap(_score_chunk, _chunks(source, batch_size))


# --- heard signals ... -----------------------------------------------------------------


@click.group("signals")
def signals_group() -> None:
    """Customer signals: ingest conversations, score them, route them."""


@signals_group.command("ingest")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice(sorted(FORMATS)),
    help="The file's format (see docs/signals.md).",
)
@click.option("--source", default=None, help="Namespace of external ids [default: the format].")
@click.option(
    "--score/--no-score",
    default=False,
    show_default=True,
    help="Score new customer messages as they land (review, routing, SLAs follow).",
)
@click.option(
    "--profile",
    default="default",
    show_default=True,
    type=click.Choice(pipeline.PROFILES),
    help="Scoring profile with --score.",
)
@click.option(
    "--batch-size",
    default=1000,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="Records per transaction.",
)
def ingest_command(
    file: Path, fmt: str, source: str | None, score: bool, profile: str, batch_size: int
) -> None:
    """Ingest a file of conversations. Redacts before storing; safe to repeat.

    Bad records are listed with their line and reason; every valid record is stored.
    """
    from heard.signals.ingest import ingest_file, start_run

    heard = app()
    heard.check_schema()
    size = file.stat().st_size
    try:
        with heard.transaction() as session:
            run_id = start_run(
                session,
                OPERATOR,
                filename=file.name,
                fmt=fmt,
                source=source or fmt,
                bytes_total=size,
            )
        after = scoring_after_batch(profile if score else None)
        with (
            file.open("rb") as raw,
            click.progressbar(length=size, label=f"ingesting {file.name}", file=sys.stderr) as bar,
        ):
            done = [0]

            def advance(position: int) -> None:
                bar.update(position - done[0])
                done[0] = position

            result = ingest_file(
                heard.transaction,
                OPERATOR,
                _binary(raw),
                fmt=fmt,
                source=source,
                run_id=run_id,
                batch_size=batch_size,
                on_progress=advance,
                after_batch=after,
            )
    finally:
        heard.close()
    echo_json(result.to_dict() | {"problems": [p.to_dict() for p in result.problems[:50]]})
    for problem in result.problems[:50]:
        click.echo(f"  skipped: {problem}", err=True)


def _binary(raw: Any) -> BinaryIO:
    return raw  # type: ignore[no-any-return]


def _text(stream: Any) -> TextIO:
    return stream  # type: ignore[no-any-return]


@signals_group.command("score")
@click.option(
    "--profile",
    default="default",
    show_default=True,
    type=click.Choice(pipeline.PROFILES),
    help="Scoring profile.",
)
@click.option("--limit", type=click.IntRange(1), default=None, help="Score at most this many.")
def signals_score_command(profile: str, limit: int | None) -> None:
    """Score stored customer messages that have no score yet (then review and route them)."""
    heard = app()
    heard.check_schema()
    scorer = pipeline.scorer_for(profile)
    total = pipeline.ScoreOutcome()
    try:
        with heard.transaction() as session:
            ids = pipeline.unscored_ids(session, OPERATOR, limit)
        with click.progressbar(length=len(ids), label="scoring", file=sys.stderr) as bar:
            for start in range(0, len(ids), 512):
                chunk = ids[start : start + 512]
                with heard.transaction() as session:
                    outcome = pipeline.score_stored(session, scorer, chunk)
                total.add(outcome)
                bar.update(len(chunk))
    finally:
        heard.close()
    echo_json(total.__dict__)


# --- heard models evaluate -------------------------------------------------------------


@click.group("models")
def models_group() -> None:
    """The scoring models: measure them against people."""


@models_group.command("evaluate")
@click.option(
    "--labels",
    "labels",
    type=click.Choice(["reviewed"]),
    default="reviewed",
    show_default=True,
    help="Which labels to compare with: reviewers' verdicts.",
)
def evaluate_command(labels: str) -> None:
    """Agreement between the models and the reviewers, per head (accuracy, F1, kappa)."""
    from heard.cli.base import transaction
    from heard.signals.agreement import agreement

    with transaction() as session:
        echo_json(agreement(session, OPERATOR))
