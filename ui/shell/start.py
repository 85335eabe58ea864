"""The running app's start (issue 26): paint the window first, build its tools right after.

``main()`` shows a ``MainWindow()`` without tools (the patient bar, the menus, "Loading
rules…" on each tab and in the status line) as soon as Qt is up; at the event loop's first
idle moment after that paint, ``Start.run`` loads the rules and builds the tools, their
controllers and the session into that same window (``AppController(window=...)``). Until
then nothing on screen is a result, and the input aimed at the window waits
(``HeldInput``): keys are delivered to the field they were typed into once the tools are
built, clicks are dropped (they would land on what is being replaced). What needs the
built window (the recovery question, the Teaching menu) is run by the caller's ``then``.
"""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

#: Clicks and wheel turns on the window while its tools are being built: dropped.
DROPPED = frozenset(
    {
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.Wheel,
    }
)
KEYS = frozenset({QEvent.Type.KeyPress, QEvent.Type.KeyRelease})


class HeldInput(QObject):
    """Holds the keys typed into ``window`` until ``release()``, then delivers them, in
    order, to the widget each was typed into (or the window's focus widget, if that one
    is gone). A key that would trigger a shortcut is held as a key too: shortcuts wait
    for the menus to be wired."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self._held: list[tuple[QObject, QKeyEvent]] = []
        self._app = QApplication.instance()
        if self._app is not None:
            self._app.installEventFilter(self)

    @property
    def held(self) -> int:
        return len(self._held)

    def _mine(self, watched: QObject) -> bool:
        return isinstance(watched, QWidget) and watched.window() is self._window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in KEYS and kind not in DROPPED and kind != QEvent.Type.ShortcutOverride:
            return False
        if not self._mine(watched):
            return False
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()  # no shortcut now: the key comes as a key press, and is held
            return True
        if kind in KEYS and isinstance(event, QKeyEvent):
            copy = QKeyEvent(
                event.type(),
                event.key(),
                event.modifiers(),
                event.text(),
                event.isAutoRepeat(),
                event.count(),
            )
            self._held.append((watched, copy))
        return True

    def stop(self) -> None:
        """Stop holding (what was held is kept for ``deliver``). Called before the build:
        an application-wide filter in Python would be asked about each of the many events
        of building the tools (tens of milliseconds), and while the build runs the event
        loop delivers no input anyway."""
        if self._app is not None:
            self._app.removeEventFilter(self)
            self._app = None

    def release(self) -> None:
        """Stop holding; deliver what was held (posted, so after the current event)."""
        self.stop()
        held, self._held = self._held, []
        for receiver, event in held:
            # The field typed into, unless it went with the page it was on.
            target = receiver if shiboken6.isValid(receiver) else None
            if not isinstance(target, QWidget) or not self._mine(target):
                target = self._window.focusWidget() or self._window
            QApplication.postEvent(target, event)


class Start(QObject):
    """Builds the app into a painted window once (``run``), holding input meanwhile; a
    failure to build quits the event loop and is raised again by ``raise_failure``."""

    def __init__(
        self,
        window: QWidget,
        build: Callable[[QWidget], object],
        then: Callable[[object], object] = lambda _controller: None,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._build = build
        self._then = then
        self.held = HeldInput(window)
        self.controller: object | None = None
        self.failure: BaseException | None = None
        self._building = False

    def run(self) -> None:
        # Once: the first paint and the unpainted-window timer both call this, and a box
        # shown while building (a nested event loop) must not start a second build.
        if self.controller is not None or self.failure is not None or self._building:
            return
        self._building = True
        self.held.stop()
        try:
            self.controller = self._build(self._window)
        except BaseException as exc:  # raised again by raise_failure, after the loop ends
            self.failure = exc
            self.held.release()
            QApplication.quit()
            return
        self.held.release()
        self._then(self.controller)

    def raise_failure(self) -> None:
        if self.failure is not None:
            raise self.failure
