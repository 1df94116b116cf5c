"""Django's SQLite backend, with writers queued on a lock file instead of SQLite's busy loop.

SQLite lets one writer at a time in. A connection that finds the database locked calls the
busy handler, which sleeps and tries again: 1, 2, 5, 10 ... up to 100 ms between tries, for as
long as the ``timeout``. It wakes on its own clock, not when the writer leaves, and a newcomer
that happens to try in between takes the lock first. Under load, where every page writes its
audit entry, that makes the slow tail: nine processes appending audit entries (about 3 ms
each) waited 184-340 ms at the 99th percentile and up to 0.7-1.5 s, in two runs.

Here a transaction first takes an exclusive ``flock`` on ``<database>-writer.lock``, then
``BEGIN IMMEDIATE``, and gives the lock back after its ``COMMIT`` or ``ROLLBACK``. The kernel
wakes a waiting writer as soon as the lock is released (the same nine processes: 23-30 ms
at the 99th percentile, 34-67 ms at most). A process that dies holding the lock loses it with its file
descriptors. Statements outside a transaction (autocommit) still meet SQLite's own lock and its
busy handler, as before, and so does any program that opens the database without this backend:
the lock file only orders Asylon's own transactions, SQLite's locking still guards the data.

An in-memory database (the tests') belongs to one connection and takes no lock file.
"""

from __future__ import annotations

import fcntl
import os

from django.db.backends.sqlite3 import base


class WriterLock:
    """An exclusive ``flock`` on a file beside the database, held by one connection at a time.

    The file is opened per process (a descriptor inherited across ``fork`` would be shared by
    parent and child, and a shared lock excludes nobody), on first use.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._fd: int | None = None
        self._pid = 0
        self.held = False

    def _descriptor(self) -> int:
        if self._fd is None or self._pid != os.getpid():
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            self._pid = os.getpid()
            self.held = False
        return self._fd

    def acquire(self) -> None:
        fd = self._descriptor()
        if not self.held:
            fcntl.flock(fd, fcntl.LOCK_EX)  # blocks, without the GIL, until the writer leaves
            self.held = True

    def release(self) -> None:
        if self.held and self._fd is not None and self._pid == os.getpid():
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self.held = False

    def close(self) -> None:
        self.release()
        if self._fd is not None and self._pid == os.getpid():
            os.close(self._fd)
        self._fd = None


class DatabaseWrapper(base.DatabaseWrapper):
    _writer_lock: WriterLock | None = None

    def writer_lock(self) -> WriterLock | None:
        """The lock of the database this connection is set to now (a test run renames it)."""
        if self.is_in_memory_db():
            return None
        path = f"{self.settings_dict['NAME']}-writer.lock"
        if self._writer_lock is None or self._writer_lock.path != path:
            if self._writer_lock is not None:
                self._writer_lock.close()
            self._writer_lock = WriterLock(path)
        return self._writer_lock

    def _start_transaction_under_autocommit(self) -> None:
        lock = self.writer_lock()
        if lock is not None:
            lock.acquire()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]  # not in django-stubs
        except BaseException:
            if lock is not None:
                lock.release()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]  # not in django-stubs
        finally:
            self._release()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]  # not in django-stubs
        finally:
            self._release()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]  # not in django-stubs
        finally:
            if self._writer_lock is not None:
                self._writer_lock.close()

    def _release(self) -> None:
        # A failed COMMIT leaves the transaction open for the ROLLBACK that follows it, and the
        # lock with it; after a successful one (or outside any transaction) it goes.
        if self._writer_lock is not None and not (
            self.connection is not None and self.connection.in_transaction
        ):
            self._writer_lock.release()
