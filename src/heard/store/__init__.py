"""Storage lives here: the engine, transactions, table definitions and migrations.

Domain packages receive a SQLAlchemy :class:`~sqlalchemy.orm.Session` and query the
tables declared in :mod:`heard.store.tables` with SQLAlchemy expressions; nobody outside
this package builds SQL strings or opens connections.
"""

from heard.store.base import Base
from heard.store.engine import Database, utcnow

__all__ = ["Base", "Database", "utcnow"]
