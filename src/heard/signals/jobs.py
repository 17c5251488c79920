"""Ingest jobs for the web: an uploaded file is ingested on a background thread while the
page polls the run's row (``signal_ingest_runs``) for progress.

Progress lives in the database, not in memory, so any server process can answer the poll
and a finished run's outcome stays visible. The uploaded file is a temporary file that is
deleted when the job ends.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from sqlalchemy.orm import Session

from heard.accounts.policy import Actor
from heard.app import Heard
from heard.signals import pipeline
from heard.signals.ingest import AfterBatch, fail_run, ingest_file


def scoring_after_batch(profile: str | None) -> AfterBatch | None:
    """The hook that scores each freshly stored batch, or None when not scoring."""
    if profile is None:
        return None
    scorer = pipeline.scorer_for(profile)

    def score_new(session: Session, ids: list[int]) -> None:
        pipeline.score_stored(session, scorer, ids)

    return score_new


def run_job(
    heard: Heard,
    actor: Actor,
    path: Path,
    *,
    fmt: str,
    source: str,
    run_id: int,
    profile: str | None,
) -> None:
    """Ingest ``path`` (and score, when ``profile`` is given); always removes the file."""
    try:
        after = scoring_after_batch(profile)
        with path.open("rb") as raw:
            ingest_file(
                heard.transaction,
                actor,
                raw,
                fmt=fmt,
                source=source,
                run_id=run_id,
                after_batch=after,
            )
    except Exception as exc:  # the run row carries the error to the page
        fail_run(heard.transaction, run_id, f"{type(exc).__name__}: {exc}")
    finally:
        path.unlink(missing_ok=True)


def start_job(
    heard: Heard,
    actor: Actor,
    path: Path,
    *,
    fmt: str,
    source: str,
    run_id: int,
    profile: str | None,
) -> threading.Thread:
    thread = threading.Thread(
        target=run_job,
        args=(heard, actor, path),
        kwargs={"fmt": fmt, "source": source, "run_id": run_id, "profile": profile},
        name=f"heard-ingest-{run_id}",
        daemon=True,
    )
    thread.start()
    return thread


def spool_dir() -> Path:
    path = Path(os.environ.get("TMPDIR", "/tmp")) / "heard-ingest"
    path.mkdir(parents=True, exist_ok=True)
    return path
