"""A service's database: one writer with group commit, readers that never take the write lock.

Every write is a *unit of work*: an async function given the open :class:`Transaction`. Units
that arrive together share one transaction (group commit); each runs in its own savepoint, so
one that fails is rolled back alone and its neighbours still commit. A unit's caller resumes
only after the commit. Inside a unit, nested writes and reads on the same database run in the
unit's own transaction (see :data:`current_transaction`): a command's idempotency record, its
expected-version check and its events therefore commit together.

A unit must not wait for another task's write on the same database (that write waits for this
transaction to end): read, decide and write within the unit.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextvars import ContextVar
from typing import Any, NamedTuple, TypeVar

import structlog
from sqlalchemy import MetaData
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.schema import CreateIndex, CreateTable, DropTable
from sqlalchemy.sql import ClauseElement

from shared.sql.callers import CALLERS, GIVE_WAY_SECONDS
from shared.sql.compiled import StatementCache, driver_arguments
from shared.sql.result import Result

log = structlog.get_logger(__name__)

T = TypeVar("T")
Work = Callable[["Transaction"], Awaitable[T]]

MAX_UNITS_PER_COMMIT = 256
BACKGROUND_LINGER_SECONDS = 0.002
"""How long background work alone waits for more before the writer begins: the dispatchers of
one database are woken by commits of different stores a moment apart, and one transaction for
all their batches costs less than one each (and is one commit, not several)."""
SMALL_BACKGROUND_EVENTS = 8
"""While requests are served, background work of at most this many events (in all) still
shares a command's transaction: it costs the command less than a commit of its own."""
SLOW_UNIT_SECONDS = 1.0

current_transaction: ContextVar[Transaction | None] = ContextVar(
    "current_transaction", default=None
)
"""The transaction of the unit of work running in this task, if any."""


class DatabaseClosed(Exception):
    """The database was closed; nothing more can be written."""


def is_unique_violation(error: BaseException) -> bool:
    """A write refused because a unique key (or primary key) is taken, on either driver.

    Drivers' integrity errors surface as SQLAlchemy's ``IntegrityError`` (as they would through
    an engine), so code written against SQLAlchemy keeps catching them.
    """
    if not isinstance(error, IntegrityError):
        return False
    name = type(error.orig).__name__
    return name == "UniqueViolationError" or "UNIQUE" in str(error.orig).upper()


class Connection(ABC):
    """Statements on one driver connection: SQLAlchemy Core statements (compiled once) or driver
    SQL for the hot paths (``fetch``/``run``/``run_many`` with the driver's placeholders)."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.dialect: Dialect = database.dialect

    async def execute(
        self,
        statement: ClauseElement,
        parameters: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
    ) -> Result:
        cache = self.database.statements
        if isinstance(parameters, Sequence) and not isinstance(parameters, Mapping):
            if not parameters:
                return Result((), [], 0)
            prepared, values = cache.prepare(statement, parameters[0])
            if prepared.expanding or values is not None:
                raise ValueError("executemany needs a statement with bindparams, no IN lists")
            arguments = [prepared.arguments(params) for params in parameters]
            count = await self.run_many(prepared.sql, arguments)
            return Result((), [], count)
        prepared, values = cache.prepare(statement, parameters)
        sql, args = driver_arguments(prepared, parameters, values)
        if not prepared.returns_rows:
            return Result((), [], await self.run(sql, args))
        columns, rows = await self._fetch(sql, args)
        keys = prepared.columns or columns
        processors = prepared.results
        if processors is not None and rows:
            rows = [
                tuple(
                    v if p is None or v is None else p(v)
                    for v, p in zip(row, processors, strict=True)
                )
                for row in rows
            ]
        return Result(keys, rows, len(rows))

    async def scalar(
        self, statement: ClauseElement, parameters: Mapping[str, Any] | None = None
    ) -> Any:
        return (await self.execute(statement, parameters)).scalar()

    async def fetch(self, sql: str, args: Sequence[Any] = ()) -> Sequence[Sequence[Any]]:
        """Rows of driver SQL (``?`` placeholders on SQLite, ``$1`` on PostgreSQL)."""
        return (await self._fetch(sql, args))[1]

    @abstractmethod
    async def _fetch(
        self, sql: str, args: Sequence[Any]
    ) -> tuple[tuple[str, ...], Sequence[Sequence[Any]]]:
        """(column names, rows as sequences) of a statement that returns rows."""

    @abstractmethod
    async def run(self, sql: str, args: Sequence[Any] = ()) -> int:
        """Run driver SQL that returns no rows; the number of rows it changed (-1 if unknown)."""

    @abstractmethod
    async def run_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        """Run driver SQL once per argument row."""


class _Scope:
    """Callbacks registered by the work inside one savepoint (or the whole transaction)."""

    __slots__ = ("committed", "rolled_back", "statements")

    def __init__(self) -> None:
        self.committed: list[Callable[[], None]] = []
        self.rolled_back: list[Callable[[], None]] = []
        self.statements: list[str] = []

    def absorb(self, inner: _Scope) -> None:
        self.committed.extend(inner.committed)
        self.rolled_back.extend(inner.rolled_back)
        self.statements.extend(s for s in inner.statements if s not in self.statements)

    def undo(self) -> None:
        for callback in reversed(self.rolled_back):
            try:
                callback()
            except Exception:  # a cache that cannot forget must not stop the rollback
                log.exception("rollback callback failed")
        self.rolled_back.clear()
        self.committed.clear()
        self.statements.clear()


class Transaction(Connection):
    """The writer's open transaction, as a unit of work sees it."""

    def __init__(self, database: Database, driver: Connection) -> None:
        super().__init__(database)
        self._driver = driver
        self._scopes = [_Scope()]
        self._depth = 0
        self._control: list[str] = []
        """Savepoint statements not sent yet: they go with the next statement (in one round
        trip where the driver allows, see ``Database._send``), and a savepoint nothing ran in
        is never sent at all."""
        self.state: dict[Any, Any] = {}
        """Scratch space for this transaction (e.g. the event log's next position)."""

    async def _fetch(
        self, sql: str, args: Sequence[Any]
    ) -> tuple[tuple[str, ...], Sequence[Sequence[Any]]]:
        if self._control:
            await self._send_control()
        return await self._driver._fetch(sql, args)

    async def run(self, sql: str, args: Sequence[Any] = ()) -> int:
        if self._control:
            await self._send_control()
        return await self._driver.run(sql, args)

    async def run_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        if self._control:
            await self._send_control()
        return await self._driver.run_many(sql, rows)

    async def _send_control(self) -> None:
        statements, self._control = self._control, []
        await self.database._send(self._driver, statements)

    def _take_control(self) -> list[str]:
        statements, self._control = self._control, []
        return statements

    def _close_savepoint(self, name: str, *statements: str) -> None:
        opened = f"SAVEPOINT {name}"
        if self._control and self._control[-1] == opened:
            self._control.pop()  # nothing ran in it: it need not exist
        else:
            self._control.extend(statements)

    def on_commit(self, callback: Callable[[], None]) -> None:
        """Call after the transaction commits (not if this unit's savepoint is rolled back)."""
        self._scopes[-1].committed.append(callback)

    def before_commit(self, sql: str) -> None:
        """Run ``sql`` (no parameters) as the transaction commits, once however often it is
        asked for; not if this work is rolled back. On PostgreSQL it travels with COMMIT (e.g.
        a NOTIFY: no round trip of its own)."""
        statements = self._scopes[-1].statements
        if sql not in statements:
            statements.append(sql)

    def on_rollback(self, callback: Callable[[], None]) -> None:
        """Call if this work is rolled back (its savepoint, or the whole transaction)."""
        self._scopes[-1].rolled_back.append(callback)

    @contextlib.asynccontextmanager
    async def savepoint(self) -> AsyncIterator[Transaction]:
        """Work that is undone alone if it raises; the transaction goes on."""
        name = f"sp{self._depth}"
        self._depth += 1
        self._control.append(f"SAVEPOINT {name}")
        self._scopes.append(_Scope())
        try:
            yield self
        except BaseException:
            scope = self._scopes.pop()
            self._depth -= 1
            self._close_savepoint(
                name, f"ROLLBACK TO SAVEPOINT {name}", f"RELEASE SAVEPOINT {name}"
            )
            scope.undo()
            self.state.clear()
            raise
        else:
            scope = self._scopes.pop()
            self._depth -= 1
            self._close_savepoint(name, f"RELEASE SAVEPOINT {name}")
            self._scopes[-1].absorb(scope)

    begin_nested = savepoint

    def _committed(self) -> None:
        scope = self._scopes[0]
        for callback in scope.committed:
            try:
                callback()
            except Exception:
                log.exception("commit callback failed")
        scope.committed.clear()

    def _undo_all(self) -> None:
        for scope in reversed(self._scopes):
            scope.undo()


class _Background(NamedTuple):
    """A queued background unit: ``late`` ones do not give way to requests; ``size`` is its
    events (0: not given)."""

    work: Work[Any]
    future: asyncio.Future[Any]
    late: bool
    size: int


class _BodyFailed(Exception):
    def __init__(self, error: BaseException) -> None:
        super().__init__(repr(error))
        self.error = error


class Database(ABC):
    """A service's database: ``write``/``begin`` for units of work, ``connect`` for reads."""

    dialect: Dialect

    def __init__(self) -> None:
        self.statements = StatementCache(self.dialect)
        self._pending: deque[tuple[Work[Any], asyncio.Future[Any]]] = deque()
        self._background: deque[_Background] = deque()
        self._lingering: asyncio.Future[None] | None = None
        self.background_linger = BACKGROUND_LINGER_SECONDS
        self.give_way_seconds = GIVE_WAY_SECONDS
        """The longest background work alone waits while requests are being served."""
        self._flusher: asyncio.Task[None] | None = None
        self._closed = False
        self.commits = 0
        """Transactions committed by the writer (a figure for benchmarks and /metrics)."""
        self.generation: int | None = None
        """Changes whenever another process may have written; None when that cannot be known
        (then nothing cached from this database may be trusted without a read)."""
        self.units = 0
        self.busy_seconds = 0.0
        """Process CPU time while the writer ran units and committed. Where the driver
        awaits a server (PostgreSQL), other tasks' CPU during those waits is counted too."""
        self._committed_listeners: list[Callable[[], None]] = []
        self.writers_serialized = False
        """Every writer transaction holds one lock that all processes on this database take
        (PostgreSQL, see ``PostgresDatabase.serialize_writers``): finer locks add nothing."""

    @property
    def name(self) -> str:
        return self.dialect.name

    # --- writing ----------------------------------------------------------------------------

    async def write(
        self, work: Work[T], *, background: bool = False, late: bool = False, size: int = 0
    ) -> T:
        """Run ``work`` in the writer's transaction and return its result once committed.

        Inside another unit on this database, ``work`` simply runs there: if it fails, the
        enclosing unit fails (or a savepoint its caller took, see :meth:`Transaction.savepoint`).

        ``background`` work (a dispatcher's batch) runs after the foreground work (commands,
        whose callers wait) queued with it, in the same transaction; queued alone, it lingers
        ``background_linger`` seconds for more (foreground work ends the wait), then gives way
        to requests being served, unless it is ``late`` (its events waited long enough).
        While requests are served, a command shares its transaction only with background work
        of small ``size`` (events; costing it little and saving a commit).
        """
        tx = current_transaction.get()
        if tx is not None and tx.database is self:
            return await work(tx)
        if self._closed:
            raise DatabaseClosed(f"{self} is closed")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        if background:
            self._background.append(_Background(work, future, late, size))
        else:
            self._pending.append((work, future))
            if self._lingering is not None and not self._lingering.done():
                self._lingering.set_result(None)
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.get_running_loop().create_task(
                self._flush(), name=f"writer:{self}"
            )
        return await future

    @contextlib.asynccontextmanager
    async def begin(self) -> AsyncIterator[Transaction]:
        """A unit of work as a block: the writer's transaction is lent to the block's task."""
        tx = current_transaction.get()
        if tx is not None and tx.database is self:
            yield tx  # part of the enclosing unit, as with write()
            return
        loop = asyncio.get_running_loop()
        lent: asyncio.Future[Transaction] = loop.create_future()
        done: asyncio.Future[None] = loop.create_future()

        async def work(tx: Transaction) -> None:
            if lent.cancelled():
                return
            lent.set_result(tx)
            await done

        unit = asyncio.ensure_future(self.write(work))
        body_error: BaseException | None = None
        try:
            waiting: set[asyncio.Future[Any]] = {lent, unit}
            await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
            if not lent.done():
                lent.cancel()
                unit.result()  # raises why the writer could not start the unit
            tx = lent.result()
            token = current_transaction.set(tx)
            try:
                yield tx
            finally:
                current_transaction.reset(token)
        except BaseException as error:
            body_error = error
            raise
        finally:
            # The writer waits for this block: always tell it how the block ended.
            if not done.done():
                if body_error is None:
                    done.set_result(None)
                else:
                    done.set_exception(_BodyFailed(body_error))
            if body_error is None:
                await asyncio.shield(unit)
            else:
                with contextlib.suppress(Exception):
                    await asyncio.shield(unit)

    async def _flush(self) -> None:
        try:
            while self._pending or self._background:
                if not self._pending:
                    await self._linger()
                started = time.process_time()
                try:
                    await self._commit_batch(self._next_batch())
                finally:
                    self.busy_seconds += time.process_time() - started
        except asyncio.CancelledError:
            while self._pending:
                _fail(self._pending.popleft()[1], DatabaseClosed(f"{self} stopped writing"))
            while self._background:
                _fail(self._background.popleft().future, DatabaseClosed(f"{self} stopped writing"))
            raise

    async def _linger(self) -> None:
        """Before background work alone: wait ``background_linger`` seconds for more, then
        while requests are being served (see :mod:`shared.sql.callers`); foreground work
        arriving ends either wait."""
        loop = asyncio.get_running_loop()
        if self.background_linger > 0:
            self._lingering = waited = loop.create_future()
            timer = loop.call_later(self.background_linger, _resolve, waited)
            try:
                await waited
            finally:
                timer.cancel()
                self._lingering = None
        if CALLERS.serving and not self._pending and not self._late_queued():
            self._lingering = waited = loop.create_future()
            try:
                await CALLERS.give_way(waited, self.give_way_seconds)
            finally:
                self._lingering = None

    def _next_batch(self) -> list[tuple[Work[Any], asyncio.Future[Any]]]:
        """Foreground units first, then background ones, in one transaction; but while
        requests are being served, their units commit without waiting for background work
        beyond ``SMALL_BACKGROUND_EVENTS`` (unless that is late: then commands wait for it, so
        reactions keep up with them)."""
        batch: list[tuple[Work[Any], asyncio.Future[Any]]] = []
        while self._pending and len(batch) < MAX_UNITS_PER_COMMIT:
            batch.append(self._pending.popleft())
        hurried = bool(batch and CALLERS.serving and not self._late_queued())
        room = SMALL_BACKGROUND_EVENTS if hurried else None
        while self._background and len(batch) < MAX_UNITS_PER_COMMIT:
            unit = self._background[0]
            if room is not None:
                if not unit.size or unit.size > room:  # no size given: taken as large
                    break
                room -= unit.size
            self._background.popleft()
            batch.append((unit.work, unit.future))
        return batch

    def _late_queued(self) -> bool:
        """Background work is queued that no longer gives way to requests."""
        return any(unit.late for unit in self._background)

    async def _commit_batch(self, batch: list[tuple[Work[Any], asyncio.Future[Any]]]) -> None:
        live = [(work, future) for work, future in batch if not future.done()]
        if not live:
            return
        try:
            driver = await self._writer()
            await driver.run(self._begin_sql)
            await self._began(driver)
        except BaseException as error:
            await self._batch_failed(live, error)
            return
        tx = Transaction(self, driver)
        alone = len(live) == 1
        outcomes: list[tuple[bool, Any]] = []
        try:
            for work, _ in live:
                outcomes.append(await self._run_unit(tx, work, alone))
            if alone and not outcomes[0][0]:
                await driver.run("ROLLBACK")
                tx._undo_all()
            else:
                await self._send(driver, [*tx._take_control(), *tx._scopes[0].statements, "COMMIT"])
                self.commits += 1
                tx._committed()
                for listener in self._committed_listeners:
                    listener()
        except BaseException as error:
            with contextlib.suppress(Exception):
                await driver.run("ROLLBACK")
            tx._undo_all()
            await self._batch_failed(live, error)
            return
        self.units += len(live)
        for (_, future), (ok, value) in zip(live, outcomes, strict=True):
            if future.done():
                continue
            if ok:
                future.set_result(value)
            else:
                _fail(future, value)

    async def _batch_failed(
        self, live: list[tuple[Work[Any], asyncio.Future[Any]]], error: BaseException
    ) -> None:
        """Nothing of the batch is stored: every unit's caller learns why."""
        for _, future in live:
            _fail(future, error)
        if isinstance(error, asyncio.CancelledError):
            raise error
        await self._writer_failed(error)

    async def _run_unit(self, tx: Transaction, work: Work[Any], alone: bool) -> tuple[bool, Any]:
        token = current_transaction.set(tx)
        started = time.perf_counter()
        try:
            if alone:
                return True, await work(tx)
            async with tx.savepoint():
                return True, await work(tx)
        except Exception as error:
            return False, error
        except asyncio.CancelledError as error:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise  # the writer itself is stopping
            return False, error
        finally:
            current_transaction.reset(token)
            took = time.perf_counter() - started
            if took > SLOW_UNIT_SECONDS:
                log.warning("slow unit of work held the writer", seconds=round(took, 3))

    async def _send(self, driver: Connection, statements: list[str]) -> None:
        """Statements without parameters, in order (PostgreSQL sends them in one round trip)."""
        for sql in statements:
            await driver.run(sql)

    def on_commit(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` after every commit of the writer (e.g. to wake followers)."""
        self._committed_listeners.append(listener)

    # --- reading ----------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def connect(self) -> AsyncIterator[Connection]:
        """A connection to read with; inside a unit of work on this database, its transaction."""
        tx = current_transaction.get()
        if tx is not None and tx.database is self:
            yield tx
            return
        async with self._reader() as conn:
            yield conn

    # --- schema -----------------------------------------------------------------------------

    async def create_all(self, metadata: MetaData) -> None:
        """Create the tables and indexes of ``metadata`` that do not exist yet."""

        async def create(tx: Transaction) -> None:
            await self._lock_ddl(tx)
            for table in metadata.sorted_tables:
                await tx.run(
                    str(CreateTable(table, if_not_exists=True).compile(dialect=self.dialect))
                )
                for index in sorted(table.indexes, key=lambda i: i.name or ""):
                    ddl = CreateIndex(index, if_not_exists=True).compile(dialect=self.dialect)
                    await tx.run(str(ddl))

        await self.write(create)

    async def drop_all(self, metadata: MetaData) -> None:
        async def drop(tx: Transaction) -> None:
            await self._lock_ddl(tx)
            for table in reversed(metadata.sorted_tables):
                await tx.run(str(DropTable(table, if_exists=True).compile(dialect=self.dialect)))

        await self.write(drop)

    async def _lock_ddl(self, tx: Transaction) -> None:  # noqa: B027 (only PostgreSQL locks)
        """PostgreSQL: one process at a time creates tables (concurrent CREATEs collide)."""

    @abstractmethod
    async def table_names(self) -> set[str]:
        """The tables of this database (its schema, on PostgreSQL)."""

    @abstractmethod
    async def columns(self, table: str) -> set[str]:
        """The column names of one table (empty when it does not exist)."""

    # --- the driver -------------------------------------------------------------------------

    _begin_sql = "BEGIN"

    @abstractmethod
    async def _writer(self) -> Connection:
        """The writer's connection, (re)opened if needed."""

    async def _began(self, driver: Connection) -> None:  # noqa: B027 (SQLite tracks writers)
        """The writer's transaction has begun (and holds the write lock)."""

    async def _writer_failed(self, error: BaseException) -> None:
        """The writer's transaction failed outside any unit (e.g. a lost connection)."""
        log.warning("write transaction failed", database=str(self), error=repr(error))

    @abstractmethod
    def _reader(self) -> contextlib.AbstractAsyncContextManager[Connection]:
        """A reader connection for one block of reads."""

    async def close(self) -> None:
        """Finish the queued writes, then release every connection."""
        self._closed = True
        if self._flusher is not None and not self._flusher.done():
            with contextlib.suppress(Exception):
                await self._flusher
        await self._close_connections()

    @abstractmethod
    async def _close_connections(self) -> None: ...

    # SQLAlchemy's AsyncEngine names, so code written against an engine reads the same.
    async def dispose(self) -> None:
        await self.close()


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def _fail(future: asyncio.Future[Any], error: BaseException) -> None:
    if future.done():
        return
    if isinstance(error, asyncio.CancelledError):
        future.cancel()
    else:
        future.set_exception(error)
