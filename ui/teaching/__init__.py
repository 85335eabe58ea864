"""Teaching mode in the app (spec teaching.md): a Teaching menu, the learner's window
(ui/teaching/session.py), the debrief (debrief.py), the class summary (classroom.py) and
the scenario editor (editor.py). The documents, key and scoring are the core's
(calculator.teaching)."""

from ui.teaching.menu import TeachingLauncher, install_menu

__all__ = ["TeachingLauncher", "install_menu"]
