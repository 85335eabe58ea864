"""A real app process for the two-instance tests: the main window on CRS_CALC_HOME,
driven by one-line commands on standard input, answering with one JSON line each.

Run as ``python -m tests.ui.app_child``. At start it prints the state (whether it owns
the data folder, its autosave file, the recovery question it would ask, the notice).
Commands: ``type LABEL`` (types a patient label, weight and an invalid temperature and
waits for the autosave), ``answer yes|no`` (answers the recovery question), ``state``,
``close`` (a clean close; the process exits 0).
"""

from __future__ import annotations

import json
import os
import sys
import threading
import traceback
from queue import Empty, Queue
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

from ui.controllers.app import AppController
from ui.shell.app import application
from ui.store.settings import Settings
from ui.store.storage import locate


def say(data: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(data) + "\n")
    sys.stdout.flush()


def main() -> int:
    app = application()
    c = AppController(locations=locate())
    c.window.show()
    questions: list[str] = []

    def ask(answer: bool) -> Any:
        def prompt(_parent: QWidget, question: str) -> bool:
            questions.append(question)
            return answer

        return prompt

    def state(**extra: Any) -> dict[str, Any]:
        keeper = c.session.keeper
        probe: list[str] = []
        if keeper is not None and keeper.recovery_pending:
            probe.append(keeper.recovery.whose())
        return {
            "owner": keeper.ownership.owner if keeper else None,
            "autosave": str(keeper.autosaver.path) if keeper else None,
            "recovery": probe[0] if probe else "",
            "notice": c.window.notice.text.text(),
            "label": c.window.patient_bar.label.text(),
            "temperature": c.grading.view.crs_inputs.temperature.edit.text(),
            **extra,
        }

    commands: Queue[str] = Queue()

    def read_stdin() -> None:
        for line in sys.stdin:
            commands.put(line.strip())
        commands.put("close")

    threading.Thread(target=read_stdin, daemon=True).start()

    def run(command: str) -> None:
        verb, _, arg = command.partition(" ")
        keeper = c.session.keeper
        if verb == "type" and keeper is not None:
            bar = c.window.patient_bar
            for edit, text in ((bar.label, arg), (bar.weight.edit, "70")):
                edit.setText(text)
                edit.textEdited.emit(text)
            temp = c.grading.view.crs_inputs.temperature.edit
            temp.setText("39.5.1")
            temp.textEdited.emit("39.5.1")
            keeper.autosaver.save_now()
            say(state(saved=keeper.autosaver.path.read_text(encoding="utf-8")))
        elif verb == "answer":
            restored = c.session.offer_recovery(ask(arg == "yes"))
            say(state(restored=restored, question=questions[-1] if questions else ""))
        elif verb == "state":
            say(state())
        elif verb == "close":
            c.unsaved.enabled = False  # "Discard" at the unsaved-changes question
            c.window.close()
            app.quit()

    def poll() -> None:
        try:
            run(commands.get_nowait())
        except Empty:
            pass
        except Exception:  # the test reads the error instead of waiting for a line
            say({"error": traceback.format_exc()})

    timer = QTimer()
    timer.timeout.connect(poll)
    timer.start(20)
    c.session.settings = Settings()
    say(state(pid=os.getpid()))
    code = app.exec()
    QApplication.processEvents()
    return code


if __name__ == "__main__":
    sys.exit(main())
