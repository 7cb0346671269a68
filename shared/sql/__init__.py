"""The driver path: SQLAlchemy Core builds and compiles statements once; the driver runs them.

A :class:`Database` owns one writer connection (group commit, a savepoint per unit of work) and
reader connections that never take the write lock.
"""

from shared.sql.database import Connection, Database, Transaction, current_transaction
from shared.sql.result import Result

__all__ = ["Connection", "Database", "Result", "Transaction", "current_transaction"]
