"""Table definitions, one module per capability. Importing this package registers them all
on :data:`heard.store.Base.metadata` (migrations and tests rely on that)."""

from heard.store.tables import accounts, audit, org, programs, pulse, pulse_decisions, signals

__all__ = ["accounts", "audit", "org", "programs", "pulse", "pulse_decisions", "signals"]
