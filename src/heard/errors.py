"""Every error heard raises on purpose derives from :class:`HeardError`.

::

    HeardError
    ├── ConfigError          a setting is missing or malformed
    ├── NotAuthenticated     no valid session or token
    ├── Forbidden            the actor's role does not allow this
    ├── NotFound             the thing asked for does not exist (or is not visible)
    ├── Conflict             the request clashes with stored state
    ├── RateLimited          too many attempts; try again later
    └── ValidationError      input is malformed; ``problems`` says where and why
        └── ImportRejected   a file import was refused as a whole

Web and CLI layers translate these into status codes and exit codes in one place each.
"""

from __future__ import annotations

from dataclasses import dataclass


class HeardError(Exception):
    """Base of heard's own errors. ``str(err)`` is written for the user."""


class ConfigError(HeardError):
    pass


class NotAuthenticated(HeardError):
    pass


class Forbidden(HeardError):
    pass


class NotFound(HeardError):
    pass


class Conflict(HeardError):
    pass


class RateLimited(HeardError):
    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where it is and why it is wrong."""

    reason: str
    field: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.field:
            where.append(f"field '{self.field}'")
        prefix = ", ".join(where)
        return f"{prefix}: {self.reason}" if prefix else self.reason

    def to_dict(self) -> dict[str, object]:
        return {"line": self.line, "field": self.field, "reason": self.reason}


class ValidationError(HeardError):
    def __init__(self, problems: list[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems)]
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems[:20]))


class ImportRejected(ValidationError):
    """The whole file was refused; nothing was stored."""

    def __str__(self) -> str:
        count = len(self.problems)
        head = f"import rejected, nothing was changed: {count} problem{'s' * (count != 1)}"
        return head + "\n" + "\n".join(f"  {p}" for p in self.problems[:50])
