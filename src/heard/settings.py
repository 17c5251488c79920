"""Settings are declared once, as data, and parsed strictly from the environment.

Each :class:`Setting` has a name, a default and help text. ``docs/configuration.md`` is
generated from this table (``heard settings --markdown``) and a test checks they match.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from heard.errors import ConfigError


def _parse_bool(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"expected true/false, got {raw!r}")


def _parse_int(raw: str) -> int:
    return int(raw.strip())


def _parse_str(raw: str) -> str:
    return raw


def _parse_profile(raw: str) -> str:
    value = raw.strip().lower()
    if value not in ("default", "fast"):
        raise ValueError(f"expected default or fast, got {raw!r}")
    return value


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    parse: Callable[[str], Any] = _parse_str
    minimum: int | None = None
    maximum: int | None = None

    @property
    def env(self) -> str:
        return "HEARD_" + self.name.upper()

    def read(self, environ: Mapping[str, str]) -> Any:
        raw = environ.get(self.env)
        if raw is None or raw == "":
            return self.default
        try:
            value = self.parse(raw)
        except ValueError as exc:
            raise ConfigError(f"{self.env}: {exc}") from None
        if isinstance(value, int) and not isinstance(value, bool):
            if self.minimum is not None and value < self.minimum:
                raise ConfigError(f"{self.env}: must be at least {self.minimum}, got {value}")
            if self.maximum is not None and value > self.maximum:
                raise ConfigError(f"{self.env}: must be at most {self.maximum}, got {value}")
        return value


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "database_url",
        "sqlite:///heard.db",
        "SQLAlchemy URL of the database. A SQLite file by default; "
        "use postgresql+psycopg://user@host/db for PostgreSQL.",
    ),
    Setting("host", "127.0.0.1", "Address `heard serve` listens on."),
    Setting("port", 8000, "Port `heard serve` listens on.", _parse_int, 1, 65535),
    Setting("workers", 1, "Number of web server processes.", _parse_int, 1, 64),
    Setting(
        "session_hours", 12, "How long a sign-in lasts without activity.", _parse_int, 1, 24 * 30
    ),
    Setting(
        "cookie_secure",
        False,
        "Send the session cookie only over HTTPS. Turn on behind a TLS proxy.",
        _parse_bool,
    ),
    Setting(
        "login_attempts",
        5,
        "Failed sign-ins allowed per account (and 4x per address) in the login window.",
        _parse_int,
        1,
        1000,
    ),
    Setting(
        "login_window_seconds",
        300,
        "Length of the window in which failed sign-ins are counted.",
        _parse_int,
        10,
        86400,
    ),
    Setting(
        "min_group_size",
        5,
        "Default k: the fewest respondents a pulse result may show (admins may set 3-10).",
        _parse_int,
        3,
        10,
    ),
    Setting(
        "comment_min_group_size",
        10,
        "The fewest respondents a group needs before its free-text comments are shown.",
        _parse_int,
        3,
        100,
    ),
    Setting("demo_seed", 7, "Seed of the deterministic demo generator.", _parse_int),
    Setting(
        "signals_profile",
        "default",
        "Scoring profile for customer messages ingested through the web and API: "
        "default (best quality) or fast (much quicker, lower quality).",
        _parse_profile,
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Settings:
    """A parsed, immutable set of settings. Build with :meth:`from_env` or keywords."""

    values: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        env = os.environ if environ is None else environ
        values = {s.name: s.read(env) for s in SETTINGS}
        for name, value in overrides.items():
            if name not in _BY_NAME:
                raise ConfigError(f"unknown setting {name!r}")
            values[name] = value
        return cls(values)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None


def settings_markdown() -> str:
    """The settings table for docs/configuration.md."""
    rows = ["| variable | default | what it does |", "|---|---|---|"]
    for s in SETTINGS:
        rows.append(f"| `{s.env}` | `{s.default}` | {s.help} |")
    return "\n".join(rows) + "\n"
