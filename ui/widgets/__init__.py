"""Small reusable widgets: labels and text, message boxes, entry fields and how results are
shown. Widgets only: no clinical logic.

Plain text by default (issue 20): Qt shows any text that looks like HTML as rich text and
loads the images it names, so a patient label ``<img src='/dev/zero'>`` would exhaust
memory at every start and ``<b>`` would fake a heading. Every label made here
(:func:`named`, :func:`wrapped_label`, :func:`heading`) is plain text; a window or dialog
calls :func:`plain_text_everywhere` once built (for the labels QFormLayout makes); the
message boxes are :func:`warning_box`, :func:`question_box`, :func:`information_box` (never the
QMessageBox static helpers, which guess); a tooltip with text from a person or a file goes
through :func:`plain_tip`; a menu entry through :func:`action_text`. Our own rich text is
marked with :func:`rich` and builds every outside piece with :func:`escape`.
"""

from ui.widgets.boxes import information_box as information_box
from ui.widgets.boxes import message as message
from ui.widgets.boxes import question_box as question_box
from ui.widgets.boxes import warning_box as warning_box
from ui.widgets.fields import BlankSpin as BlankSpin
from ui.widgets.fields import NoWheelCombo as NoWheelCombo
from ui.widgets.fields import ValidatedField as ValidatedField
from ui.widgets.fields import WholeSpin as WholeSpin
from ui.widgets.results import BADGE_FACTOR as BADGE_FACTOR
from ui.widgets.results import Collapsible as Collapsible
from ui.widgets.results import GradeBadge as GradeBadge
from ui.widgets.results import MessageList as MessageList
from ui.widgets.results import RuleLinks as RuleLinks
from ui.widgets.text import ElidedLabel as ElidedLabel
from ui.widgets.text import FieldErrorLabel as FieldErrorLabel
from ui.widgets.text import MessageLabel as MessageLabel
from ui.widgets.text import action_text as action_text
from ui.widgets.text import escape as escape
from ui.widgets.text import heading as heading
from ui.widgets.text import named as named
from ui.widgets.text import plain as plain
from ui.widgets.text import plain_text_everywhere as plain_text_everywhere
from ui.widgets.text import plain_tip as plain_tip
from ui.widgets.text import repolish as repolish
from ui.widgets.text import rich as rich
from ui.widgets.text import scaled_font as scaled_font
from ui.widgets.text import set_shown as set_shown
from ui.widgets.text import wrapped_label as wrapped_label
