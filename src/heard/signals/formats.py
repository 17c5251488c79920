"""File formats heard can ingest: a registry of one-method parsers.

Each parser reads a text stream and yields :class:`Parsed` items, one per record, in file
order: either a :class:`ConversationRecord` or the reason the record at that line is bad.
Parsers never buffer the whole file; JSON arrays are decoded one element at a time.

Built-ins (:data:`FORMATS`):

``csv``
    One row per message. Required columns ``id`` and ``text``; optional
    ``conversation_id`` (defaults to ``id``), ``role`` (``customer``/``agent``, default
    ``customer``), ``author``, ``customer``, ``customer_tier``, ``channel``, ``brand``,
    ``subject``, ``at`` (ISO 8601; ``created_at`` is accepted too).
``jsonl``
    One JSON object per line with the same keys as the CSV columns.
``twitter``
    The customer-care Twitter JSON (``data/customer-care-twitter``): an array of
    conversations with ``dialogHeader``, ``dialogContent`` turns and ``agentURL``.
``zendesk``
    A Zendesk-style ticket export: one ticket per line (the shape of Zendesk's JSON
    export), or a JSON array of tickets. See ``docs/signals.md`` for the fields.

A test double is one class with ``parse``; register it in a dict of your own.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, TextIO

ROLES = ("customer", "agent")
TIERS = ("standard", "priority", "vip")
MAX_TEXT = 20_000


class BadRecord(ValueError):
    """Raised inside a parser for one record; becomes a :class:`Parsed` problem."""


@dataclass(frozen=True)
class Message:
    external_id: str
    role: str
    text: str
    author: str = ""
    at: datetime | None = None


@dataclass(frozen=True)
class ConversationRecord:
    external_id: str
    channel: str
    messages: list[Message]
    brand: str = ""
    customer: str = ""
    customer_tier: str = "standard"
    subject: str = ""
    started_at: datetime | None = None


@dataclass(frozen=True)
class Parsed:
    """One record of a file: where it starts, and either the record or what is wrong."""

    line: int
    record: ConversationRecord | None = None
    problem: str | None = None


class Importer(Protocol):
    def parse(self, stream: TextIO) -> Iterator[Parsed]: ...


# --- field helpers -----------------------------------------------------------------


def parse_time(value: Any, name: str = "at") -> datetime | None:
    """ISO 8601 to naive UTC; empty means unknown. A malformed time is a bad record."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise BadRecord(f"'{name}' must be an ISO 8601 string, got {value!r}")
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise BadRecord(f"'{name}' is not an ISO 8601 time: {value!r}") from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def _text(value: Any, name: str, *, required: bool = False, limit: int = 200) -> str:
    if value is None:
        value = ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise BadRecord(f"'{name}' must be text, got {type(value).__name__}")
    text: str = value.strip()
    if required and not text:
        raise BadRecord(f"'{name}' is required")
    if len(text) > limit:
        raise BadRecord(f"'{name}' is longer than {limit} characters")
    return text


def _choice(value: Any, name: str, choices: tuple[str, ...], default: str) -> str:
    text = _text(value, name).lower() or default
    if text not in choices:
        raise BadRecord(f"'{name}' must be one of {', '.join(choices)}, got {text!r}")
    return text


def record_from_mapping(row: Mapping[str, Any]) -> ConversationRecord:
    """One message in the flat CSV/JSONL/API shape, as a one-message conversation."""
    message_id = _text(row.get("id"), "id", required=True)
    at = parse_time(row.get("at") or row.get("created_at"), "at")
    message = Message(
        external_id=message_id,
        role=_choice(row.get("role"), "role", ROLES, "customer"),
        text=_text(row.get("text"), "text", required=True, limit=MAX_TEXT),
        author=_text(row.get("author"), "author"),
        at=at,
    )
    return ConversationRecord(
        external_id=_text(row.get("conversation_id"), "conversation_id") or message_id,
        channel=_text(row.get("channel"), "channel", limit=40).lower() or "other",
        brand=_text(row.get("brand"), "brand", limit=120),
        customer=_text(row.get("customer"), "customer"),
        customer_tier=_choice(row.get("customer_tier"), "customer_tier", TIERS, "standard"),
        subject=_text(row.get("subject"), "subject", limit=300),
        started_at=at,
        messages=[message],
    )


def _guarded(line: int, build: Any, *args: Any) -> Parsed:
    try:
        return Parsed(line, record=build(*args))
    except BadRecord as exc:
        return Parsed(line, problem=str(exc))


# --- streaming JSON ------------------------------------------------------------------

_CHUNK = 1 << 16
_MAX_ELEMENT = 16 << 20  # one array element larger than this is refused, not buffered


def iter_json_array(stream: TextIO) -> Iterator[tuple[int, Any, str | None]]:
    """Yield ``(line, element, error)`` for each element of a top-level JSON array.

    Reads the stream in chunks. A syntax error cannot be resynchronised inside an array,
    so it is reported once, with its line, and parsing stops there.
    """
    decoder = json.JSONDecoder()
    buf, pos, line, eof = "", 0, 1, False
    started = False

    def more() -> bool:
        nonlocal buf, pos, eof
        chunk = stream.read(_CHUNK)
        buf, pos = buf[pos:] + chunk, 0
        eof = not chunk
        return bool(chunk)

    while True:
        # skip whitespace, commas and the opening bracket, counting lines as we go
        while True:
            while pos < len(buf) and buf[pos] in " \t\r\n,[":
                if buf[pos] == "\n":
                    line += 1
                if buf[pos] == "[":
                    if started:
                        break
                    started = True
                pos += 1
            if pos < len(buf) or not more():
                break
        if pos >= len(buf) or buf[pos] == "]":
            return
        if not started:
            yield line, None, "expected a JSON array ('[' ...)"
            return
        try:
            element, end = decoder.raw_decode(buf, pos)
        except json.JSONDecodeError as exc:
            if not eof and len(buf) - pos < _MAX_ELEMENT and more():
                continue
            yield line + buf.count("\n", pos, exc.pos), None, f"invalid JSON: {exc.msg}"
            return
        yield line, element, None
        line += buf.count("\n", pos, end)
        pos = end


def _json_lines(stream: TextIO) -> Iterator[tuple[int, Any, str | None]]:
    for number, raw in enumerate(stream, start=1):
        if not raw.strip():
            continue
        try:
            yield number, json.loads(raw), None
        except json.JSONDecodeError as exc:
            yield number, None, f"invalid JSON: {exc.msg}"


def _first_char(stream: TextIO) -> str:
    """Peek at the first non-blank character without consuming the stream."""
    # TextIOWrapper cannot seek back cheaply after reading, so peek on the buffer.
    peek = getattr(getattr(stream, "buffer", None), "peek", None)
    if peek is not None:
        head: bytes = peek(64)
        return head.decode("utf-8", "ignore").lstrip("\ufeff \t\r\n")[:1]
    position = stream.tell()
    head_text = stream.read(64)
    stream.seek(position)
    return head_text.lstrip("\ufeff \t\r\n")[:1]


def _json_records(stream: TextIO) -> Iterator[tuple[int, Any, str | None]]:
    """A JSON array or JSON lines, whichever the file holds."""
    return iter_json_array(stream) if _first_char(stream) == "[" else _json_lines(stream)


# --- the built-in formats ---------------------------------------------------------------


class CsvFormat:
    def parse(self, stream: TextIO) -> Iterator[Parsed]:
        reader = csv.DictReader(stream)
        if reader.fieldnames is None:
            return
        names = {(n or "").strip() for n in reader.fieldnames}
        missing = [c for c in ("id", "text") if c not in names]
        if missing:
            yield Parsed(1, problem=f"missing required column(s): {', '.join(missing)}")
            return
        start = reader.line_num + 1
        for row in reader:
            if None in row:
                yield Parsed(start, problem="the row has more cells than the header")
            else:
                yield _guarded(start, record_from_mapping, row)
            start = reader.line_num + 1


class JsonlFormat:
    def parse(self, stream: TextIO) -> Iterator[Parsed]:
        for line, value, error in _json_lines(stream):
            yield Parsed(line, problem=error) if error else self._item(line, value)

    def parse_items(self, items: Iterable[Any]) -> Iterator[Parsed]:
        """The same records from already-decoded objects (the API); line = position."""
        for position, value in enumerate(items, start=1):
            yield self._item(position, value)

    @staticmethod
    def _item(line: int, value: Any) -> Parsed:
        if not isinstance(value, dict):
            return Parsed(line, problem="each record must be a JSON object")
        return _guarded(line, record_from_mapping, value)


def _duration(value: Any) -> timedelta | None:
    """'01:26:55.0' -> timedelta; anything else -> None."""
    try:
        hours, minutes, seconds = str(value).split(":")
        return timedelta(hours=int(hours), minutes=int(minutes), seconds=float(seconds))
    except ValueError:
        return None


class TwitterCareFormat:
    """Conversations from the customer-care Twitter corpus (IBM, EMNLP 2020)."""

    def parse(self, stream: TextIO) -> Iterator[Parsed]:
        for line, value, error in iter_json_array(stream):
            if error is not None:
                yield Parsed(line, problem=error)
            else:
                yield _guarded(line, self.conversation, value)

    def conversation(self, item: Any) -> ConversationRecord:
        if not isinstance(item, dict) or not isinstance(item.get("dialogHeader"), dict):
            raise BadRecord("a conversation needs a 'dialogHeader' object")
        header = item["dialogHeader"]
        turns = item.get("dialogContent")
        if not isinstance(turns, list) or not turns:
            raise BadRecord("'dialogContent' must be a non-empty list of turns")
        company = _text(header.get("company"), "company", limit=120)
        messages = [self._turn(turn, company) for turn in turns]
        started = parse_time(header.get("conversationDateTime"), "conversationDateTime")
        final = item.get("agentURL")
        if isinstance(final, dict) and final.get("url_utterance"):
            elapsed = _duration(header.get("duration"))
            messages.append(
                Message(
                    external_id=_text(final.get("tweet_ID"), "tweet_ID", required=True),
                    role="agent",
                    author=company,
                    text=_text(final["url_utterance"], "url_utterance", limit=MAX_TEXT),
                    at=started + elapsed if started and elapsed else None,
                )
            )
        customer = next((m.author for m in messages if m.role == "customer"), "")
        return ConversationRecord(
            external_id=_text(header.get("sessionID"), "sessionID", required=True),
            channel="twitter",
            brand=company,
            customer=customer,
            started_at=started,
            messages=messages,
        )

    @staticmethod
    def _turn(turn: Any, company: str) -> Message:
        if not isinstance(turn, dict):
            raise BadRecord("each turn must be an object")
        author_key = next((k for k in ("client", "client1", "agent") if k in turn), None)
        if author_key is None:
            raise BadRecord("a turn needs 'client' or 'agent'")
        return Message(
            external_id=_text(turn.get("tweet_ID"), "tweet_ID", required=True),
            role="agent" if author_key == "agent" else "customer",
            author=_text(turn.get(author_key), author_key) or company,
            text=_text(turn.get("message"), "message", required=True, limit=MAX_TEXT),
            at=parse_time(turn.get("datetime"), "datetime"),
        )


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


class ZendeskFormat:
    """Tickets with their comments, in the shape of Zendesk's JSON export."""

    def parse(self, stream: TextIO) -> Iterator[Parsed]:
        for line, value, error in _json_records(stream):
            if error is not None:
                yield Parsed(line, problem=error)
            else:
                yield _guarded(line, self.ticket, value)

    def ticket(self, item: Any) -> ConversationRecord:
        if not isinstance(item, dict):
            raise BadRecord("each ticket must be a JSON object")
        ticket_id = _text(item.get("id"), "id", required=True)
        requester = _object(item.get("requester"))
        requester_id = _text(item.get("requester_id") or requester.get("id"), "requester_id")
        comments = item.get("comments")
        if not isinstance(comments, list) or not comments:
            raise BadRecord("'comments' must be a non-empty list")
        messages = [
            self._comment(c, requester_id, n) for n, c in enumerate(comments) if self._public(c)
        ]
        if not messages:
            raise BadRecord("the ticket has no public comments")
        via = _object(item.get("via"))
        tags = [str(t).lower() for t in item.get("tags") or [] if isinstance(t, str | int)]
        tier = item.get("customer_tier") or next((t for t in TIERS if t in tags), "standard")
        brand = item.get("brand")
        return ConversationRecord(
            external_id=ticket_id,
            channel=_text(via.get("channel"), "via.channel", limit=40).lower() or "email",
            brand=_text(brand.get("name") if isinstance(brand, dict) else brand, "brand"),
            customer=requester_id,
            customer_tier=_choice(tier, "customer_tier", TIERS, "standard"),
            subject=_text(item.get("subject"), "subject", limit=300),
            started_at=parse_time(item.get("created_at"), "created_at"),
            messages=messages,
        )

    @staticmethod
    def _public(comment: Any) -> bool:
        # Internal notes are agents talking to agents; they are not customer signals.
        return not (isinstance(comment, dict) and comment.get("public") is False)

    @staticmethod
    def _comment(comment: Any, requester_id: str, index: int) -> Message:
        if not isinstance(comment, dict):
            raise BadRecord(f"comment {index + 1} must be an object")
        author = _text(comment.get("author_id"), f"comments[{index}].author_id")
        body = comment.get("plain_body") or comment.get("body")
        return Message(
            external_id=_text(comment.get("id"), f"comments[{index}].id", required=True),
            role="customer" if author and author == requester_id else "agent",
            author=author,
            text=_text(body, f"comments[{index}].body", required=True, limit=MAX_TEXT),
            at=parse_time(comment.get("created_at"), f"comments[{index}].created_at"),
        )


FORMATS: dict[str, Importer] = {
    "csv": CsvFormat(),
    "jsonl": JsonlFormat(),
    "twitter": TwitterCareFormat(),
    "zendesk": ZendeskFormat(),
}


def importer_for(name: str) -> Importer:
    try:
        return FORMATS[name]
    except KeyError:
        from heard.errors import ValidationError

        raise ValidationError(
            f"unknown format {name!r}; choose one of {', '.join(sorted(FORMATS))}"
        ) from None
