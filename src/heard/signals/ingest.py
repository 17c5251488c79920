"""Ingest conversations and messages: redact, de-duplicate, write in batches.

Guarantees, in the words a CX lead needs:

* **Redacted before stored.** Every free-text field (message text, subject, customer and
  author) goes through :func:`heard.redaction.redact` before it reaches a table.
* **Idempotent.** Conversations and messages are keyed by ``(source, external id)``;
  re-ingesting a file adds nothing and changes nothing.
* **Bad records are reported, never dropped silently and never half-written.** A record
  that fails validation (a whole conversation, for the threaded formats) is listed with
  its line and reason; every valid record is stored. Records are written in batches, one
  transaction each, so a record is either stored whole or not at all; if the process
  dies mid-file, run it again and the rest lands (the stored part is skipped).
* **Streams.** Files are parsed record by record; memory is bounded by the batch size.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, BinaryIO

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from heard import audit
from heard.accounts.policy import Actor, Permission, require
from heard.errors import Problem, ValidationError
from heard.redaction import redact
from heard.signals.formats import ConversationRecord, Parsed, importer_for
from heard.store.engine import utcnow
from heard.store.tables.signals import Conversation, IngestRun, Interaction

BATCH_SIZE = 1000
MAX_STORED_PROBLEMS = 1000
# A running import writes ``heartbeat_at`` this often, from a thread of its own, so a slow
# batch (a big file scored with the default profile) still beats. A run whose heartbeat is
# older than STALE_AFTER has lost its worker (server restarted, process killed) and is shown
# as interrupted. The row, not process memory, decides: any server worker can tell.
HEARTBEAT_SECONDS = 15.0
STALE_AFTER = timedelta(minutes=2)
INTERRUPTED_MESSAGE = (
    "Interrupted: the server process running this import stopped (restart or crash) before "
    "it finished. Everything stored before that is kept; ingest the same file again to add "
    "the rest (records already stored are skipped)."
)
_IN_CHUNK = 500  # ids per IN (...) query; well under every database's parameter limit

TransactionFactory = Callable[[], AbstractContextManager[Session]]
# Called inside each batch's transaction with the ids of the messages it added.
AfterBatch = Callable[[Session, list[int]], None]
Progress = Callable[[int], None]


@dataclass
class IngestResult:
    run_id: int | None
    format: str
    source: str
    records: int = 0
    conversations_added: int = 0
    interactions_added: int = 0
    already_present: int = 0
    problems: list[Problem] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "format": self.format,
            "source": self.source,
            "records": self.records,
            "conversations_added": self.conversations_added,
            "interactions_added": self.interactions_added,
            "already_present": self.already_present,
            "problem_count": len(self.problems),
            "problems": [p.to_dict() for p in self.problems[:MAX_STORED_PROBLEMS]],
        }


@dataclass
class _BatchOutcome:
    conversations_added: int = 0
    interactions_added: int = 0
    already_present: int = 0
    new_interaction_ids: list[int] = field(default_factory=list)


class CountingReader(io.RawIOBase):
    """Wraps a binary file and counts the bytes read, for progress bars."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        buffer[: len(data)] = data
        self.count += len(data)
        return len(data)


def text_stream(raw: io.RawIOBase) -> io.TextIOWrapper:
    """UTF-8 text (a BOM is dropped) over a counting reader; CSV needs newline=''."""
    return io.TextIOWrapper(io.BufferedReader(raw), encoding="utf-8-sig", newline="")


# --- writing ---------------------------------------------------------------------------


def _clean(value: str) -> str:
    return redact(value).text if value else value


def _existing(session: Session, column: Any, source: str, keys: list[str]) -> dict[str, int]:
    table = column.class_
    found: dict[str, int] = {}
    for start in range(0, len(keys), _IN_CHUNK):
        chunk = keys[start : start + _IN_CHUNK]
        rows = session.execute(
            select(column, table.id).where(table.source == source, column.in_(chunk))
        )
        found.update({key: row_id for key, row_id in rows})
    return found


def _add_conversations(
    session: Session, source: str, records: list[ConversationRecord]
) -> tuple[dict[str, int], int]:
    """Ids of every conversation in the batch, inserting the new ones."""
    keys = list(dict.fromkeys(r.external_id for r in records))
    ids = _existing(session, Conversation.external_id, source, keys)
    new_rows: dict[str, dict[str, Any]] = {}
    for r in records:
        if r.external_id in ids or r.external_id in new_rows:
            continue
        new_rows[r.external_id] = {
            "source": source,
            "external_id": r.external_id,
            "channel": r.channel,
            "brand": r.brand,
            "customer": _clean(r.customer),
            "customer_tier": r.customer_tier,
            "subject": _clean(r.subject)[:300],
            "started_at": r.started_at or min((m.at for m in r.messages if m.at), default=None),
            "ingested_at": utcnow(),
        }
    if new_rows:
        statement = insert(Conversation).returning(
            Conversation.external_id, Conversation.id, sort_by_parameter_order=True
        )
        ids.update(
            {key: row_id for key, row_id in session.execute(statement, list(new_rows.values()))}
        )
    return ids, len(new_rows)


def write_batch(session: Session, source: str, records: list[ConversationRecord]) -> _BatchOutcome:
    """Store the new conversations and messages of ``records``; skip what is stored."""
    outcome = _BatchOutcome()
    if not records:
        return outcome
    conversation_ids, outcome.conversations_added = _add_conversations(session, source, records)
    message_keys = list(dict.fromkeys(m.external_id for r in records for m in r.messages))
    stored = _existing(session, Interaction.external_id, source, message_keys)
    rows: list[dict[str, Any]] = []
    seen: set[str] = set(stored)
    now = utcnow()
    for record in records:
        for message in record.messages:
            if message.external_id in seen:
                outcome.already_present += 1
                continue
            seen.add(message.external_id)
            clean = redact(message.text)
            rows.append(
                {
                    "conversation_id": conversation_ids[record.external_id],
                    "source": source,
                    "external_id": message.external_id,
                    "role": message.role,
                    "author": _clean(message.author),
                    "text": clean.text,
                    "redactions": len(clean.spans),
                    "at": message.at,
                    "ingested_at": now,
                }
            )
    if rows:
        statement = insert(Interaction).returning(Interaction.id, sort_by_parameter_order=True)
        outcome.new_interaction_ids = list(session.scalars(statement, rows))
    outcome.interactions_added = len(rows)
    return outcome


# --- runs ------------------------------------------------------------------------------


def start_run(
    session: Session, actor: Actor, *, filename: str, fmt: str, source: str, bytes_total: int = 0
) -> int:
    """Record that an import began (the page polls this row for progress)."""
    require(actor, Permission.SIGNALS_INGEST)
    importer_for(fmt)  # refuse an unknown format before anything is written
    run = IngestRun(
        filename=filename[:300],
        format=fmt,
        source=source,
        bytes_total=bytes_total,
        actor=actor.label,
        heartbeat_at=utcnow(),
    )
    session.add(run)
    session.flush()
    audit.record(session, actor, "signals.ingest", filename, format=fmt, source=source)
    return run.id


def _batches(items: Iterable[Parsed], size: int) -> Iterator[list[Parsed]]:
    batch: list[Parsed] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _apply(session: Session, source: str, batch: list[Parsed], result: IngestResult) -> list[int]:
    records = [p.record for p in batch if p.record is not None]
    problems = [Problem(p.problem or "invalid record", line=p.line) for p in batch if p.problem]
    outcome = write_batch(session, source, records)
    result.records += len(batch)
    result.conversations_added += outcome.conversations_added
    result.interactions_added += outcome.interactions_added
    result.already_present += outcome.already_present
    result.problems.extend(problems)
    return outcome.new_interaction_ids


def _save_progress(session: Session, result: IngestResult, bytes_read: int) -> None:
    if result.run_id is None:
        return
    session.execute(
        update(IngestRun)
        .where(IngestRun.id == result.run_id)
        .values(
            bytes_read=bytes_read,
            heartbeat_at=utcnow(),
            records=result.records,
            conversations_added=result.conversations_added,
            interactions_added=result.interactions_added,
            already_present=result.already_present,
            problem_count=len(result.problems),
            problems=[p.to_dict() for p in result.problems[:MAX_STORED_PROBLEMS]],
        )
    )


def _beat(transaction: TransactionFactory, run_id: int) -> None:
    with transaction() as session:
        session.execute(
            update(IngestRun)
            .where(IngestRun.id == run_id, IngestRun.status == "running")
            .values(heartbeat_at=utcnow())
        )


@contextmanager
def heartbeat(transaction: TransactionFactory, run_id: int | None) -> Iterator[None]:
    """Keep ``heartbeat_at`` fresh while the block runs (a daemon thread, stopped after)."""
    if run_id is None:
        yield
        return
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(HEARTBEAT_SECONDS):
            try:
                _beat(transaction, run_id)
            except Exception:  # a missed beat must not kill the import
                continue

    thread = threading.Thread(target=beat, name=f"heard-ingest-heartbeat-{run_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def mark_interrupted(session: Session) -> int:
    """Runs still "running" whose heartbeat is older than STALE_AFTER become "interrupted".

    Called whenever runs are read, so it works with any number of server processes and
    needs no start-up hook. Returns how many runs were marked.
    """
    now = utcnow()
    last_sign_of_life = func.coalesce(IngestRun.heartbeat_at, IngestRun.started_at)
    result = session.execute(
        update(IngestRun)
        .where(IngestRun.status == "running", last_sign_of_life < now - STALE_AFTER)
        .values(status="interrupted", error=INTERRUPTED_MESSAGE, finished_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def _finish(session: Session, run_id: int | None, status: str, error: str = "") -> None:
    if run_id is not None:
        session.execute(
            update(IngestRun)
            .where(IngestRun.id == run_id)
            .values(status=status, error=error, finished_at=utcnow())
        )


def fail_run(transaction: TransactionFactory, run_id: int, error: str) -> None:
    """Mark a run failed (e.g. the scorer could not load) unless it already ended."""
    with transaction() as session:
        run = session.get(IngestRun, run_id)
        if run is not None and run.status == "running":
            _finish(session, run_id, "failed", error)


def ingest_file(
    transaction: TransactionFactory,
    actor: Actor,
    binary: BinaryIO,
    *,
    fmt: str,
    source: str | None = None,
    run_id: int | None = None,
    batch_size: int = BATCH_SIZE,
    on_progress: Progress | None = None,
    after_batch: AfterBatch | None = None,
) -> IngestResult:
    """Stream one file into the store, one transaction per batch (see the module doc)."""
    require(actor, Permission.SIGNALS_INGEST)
    source = source or fmt
    importer = importer_for(fmt)
    counter = CountingReader(binary)
    result = IngestResult(run_id=run_id, format=fmt, source=source)
    try:
        with heartbeat(transaction, run_id):
            _stream(
                transaction, importer, counter, source, result, batch_size, on_progress, after_batch
            )
    except Exception as exc:
        with transaction() as session:
            _finish(session, run_id, "failed", f"{type(exc).__name__}: {exc}")
        raise
    with transaction() as session:
        _save_progress(session, result, counter.count)
        _finish(session, run_id, "done")
    return result


def _stream(
    transaction: TransactionFactory,
    importer: Any,
    counter: CountingReader,
    source: str,
    result: IngestResult,
    batch_size: int,
    on_progress: Progress | None,
    after_batch: AfterBatch | None,
) -> None:
    """Parse, store (and score) batch by batch, one transaction each."""
    for batch in _batches(importer.parse(text_stream(counter)), batch_size):
        with transaction() as session:
            new_ids = _apply(session, source, batch, result)
            if after_batch is not None and new_ids:
                after_batch(session, new_ids)
            _save_progress(session, result, counter.count)
        if on_progress is not None:
            on_progress(counter.count)


def ingest_mappings(
    session: Session,
    actor: Actor,
    items: list[Any],
    *,
    source: str = "api",
    after_batch: AfterBatch | None = None,
) -> IngestResult:
    """The API's path: a list of flat message objects, written in the caller's transaction.

    ``line`` in a problem is the 1-based position of the item in the list.
    """
    from heard.signals.formats import JsonlFormat

    require(actor, Permission.SIGNALS_INGEST)
    if len(items) > 10_000:
        raise ValidationError("send at most 10,000 interactions per request")
    run_id = start_run(session, actor, filename="api", fmt="jsonl", source=source)
    result = IngestResult(run_id=run_id, format="jsonl", source=source)
    parsed = list(JsonlFormat().parse_items(items))
    for batch in _batches(parsed, BATCH_SIZE):
        new_ids = _apply(session, source, batch, result)
        if after_batch is not None and new_ids:
            after_batch(session, new_ids)
    _save_progress(session, result, 0)
    _finish(session, run_id, "done")
    return result


def run_status(session: Session, actor: Actor, run_id: int) -> dict[str, Any]:
    """Progress and outcome of one import, for the polling page and the API."""
    from heard.errors import NotFound

    require(actor, Permission.SIGNALS_INGEST)
    mark_interrupted(session)
    run = session.get(IngestRun, run_id)
    if run is None:
        raise NotFound(f"no import run {run_id}")
    return run_to_dict(run)


def run_to_dict(run: IngestRun) -> dict[str, Any]:
    percent = 100 if run.status != "running" else 0
    if run.status == "running" and run.bytes_total:
        percent = min(99, int(100 * run.bytes_read / run.bytes_total))
    return {
        "id": run.id,
        "filename": run.filename,
        "format": run.format,
        "source": run.source,
        "status": run.status,
        "percent": percent,
        "bytes_total": run.bytes_total,
        "bytes_read": run.bytes_read,
        "records": run.records,
        "conversations_added": run.conversations_added,
        "interactions_added": run.interactions_added,
        "already_present": run.already_present,
        "problem_count": run.problem_count,
        "problems": run.problems,
        "error": run.error,
        "started_at": run.started_at.isoformat(timespec="seconds"),
        "finished_at": run.finished_at.isoformat(timespec="seconds") if run.finished_at else None,
    }


def recent_runs(session: Session, actor: Actor, limit: int = 20) -> list[dict[str, Any]]:
    require(actor, Permission.SIGNALS_INGEST)
    mark_interrupted(session)
    runs = session.scalars(select(IngestRun).order_by(IngestRun.id.desc()).limit(limit))
    return [run_to_dict(r) for r in runs]
