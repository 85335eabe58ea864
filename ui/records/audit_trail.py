"""Logging a printed or exported record from the app, and saying so when it fails.

The core's append (calculator.records.audit) raises one typed error, ``AuditLogError``, whose
text is a plain sentence, and leaves the log as it was: the entry is then not logged.
Here that becomes a sentence for the user naming the record and saying "not logged",
and the record is kept as *not logged* in :attr:`AuditTrail.pending`. The next time the
log is written (the next record, or :meth:`AuditTrail.retry`), pending records are
logged first, each exactly once: a record leaves ``pending`` only when its append
succeeded, and a failed append wrote nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from calculator.records.audit import AuditLogError, Event

if TYPE_CHECKING:
    # ui.records.documents (PDF, print) is imported when a record is logged: not at start-up.
    from ui.records.documents import Record


@dataclass(frozen=True)
class NotLogged:
    record: Record
    event: Event
    at: datetime
    content: bytes | None


def _why(exc: Exception) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)


class AuditTrail:
    """The app's writer to one audit log (None: nothing is logged, e.g. no data folder)."""

    def __init__(self, log: Callable[[], Path | None], clock: Callable[[], datetime]) -> None:
        self._log = log
        self._clock = clock
        self.pending: list[NotLogged] = []

    def record(self, record: Record, event: Event, content: bytes | None) -> str | None:
        """Log one record printed/exported now; None when logged, else the sentence to
        show (the record is then marked not logged, and logged by a later retry)."""
        self.pending.append(NotLogged(record, event, self._clock(), content))
        return self.retry()

    def retry(self) -> str | None:
        """Log every record still marked not logged, oldest first; None when all are."""
        log = self._log()
        if log is None:
            self.pending.clear()
            return None
        from ui.records.documents import log_record

        while self.pending:
            item = self.pending[0]
            try:
                log_record(log, item.record, item.event, item.at, item.content)
            except (AuditLogError, OSError, ValueError) as exc:
                count = len(self.pending)
                more = f" ({count} records are waiting to be logged.)" if count > 1 else ""
                return (
                    f"The {item.record.meta.title} ({item.event}) is NOT LOGGED in the audit "
                    f"log: {_why(exc)} It stays marked “not logged” and is logged (once) "
                    f"when the log can be written again.{more}"
                )
            self.pending.pop(0)
        return None
