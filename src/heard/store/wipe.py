from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

import heard.store.tables  # noqa: F401  (every table must be registered before we sort them)
from heard.store.base import Base
from heard.store.tables.org import Person, Team


def delete_all_rows(session: Session) -> None:
    """Empty every table, children first. Used by `heard demo --reset` and the tests."""
    # teams and people point at each other; break the cycle before deleting.
    session.execute(update(Team).values(leader_id=None, parent_id=None))
    session.execute(update(Person).values(manager_id=None))
    for table in reversed(Base.metadata.sorted_tables):
        session.execute(table.delete())
