"""The pulse migration creates exactly what the table classes declare."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from heard.app import Heard
from heard.store.base import Base


def test_the_pulse_migration_matches_the_tables(heard_app: Heard) -> None:
    with heard_app.db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)

    def pulse(change: object) -> bool:
        return "pulse_" in repr(change)

    assert [c for c in diff if pulse(c)] == []
