"""The management panel: recommend() for the current grades; actions open the tools."""

from __future__ import annotations

import re
from datetime import datetime

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from calculator.management import RecommendResult
from calculator.records.case_v2 import dump_episode_case, load_episode_case
from tests.ui.helpers import type_text
from ui.case.local_clock import from_core
from ui.controllers.app import AppController
from ui.controllers.case import apply_case, build_case
from ui.models import Grades
from ui.views.management import ActionItem, ManagementPanel


def _grade(c: AppController, temp: str, vaso: bool, ice_zero_unarousable: bool) -> None:
    bar = c.window.patient_bar
    type_text(bar.weight.edit, "70")
    type_text(bar.age.edit, "45")
    crs = c.window.tool_pages["grading"].crs_inputs  # type: ignore[attr-defined]
    type_text(crs.temperature.edit, temp)
    crs.vasopressors["norepinephrine"].setChecked(vaso)
    ic = c.window.tool_pages["grading"].icans_inputs  # type: ignore[attr-defined]
    ic.ice.setChecked(True)
    if not ice_zero_unarousable:
        ic.ice.score.setValue(10)  # ICANS is graded only once assessed: ICE 10 typed
    else:
        for spin in ic.ice.spins.values():
            spin.setValue(0)
        ic.ice0_unarousable.setChecked(True)


def test_crs_grade_3_suggests_tocilizumab_and_dexamethasone(app_controller, qtbot) -> None:
    c = app_controller
    _grade(c, "39.5", vaso=False, ice_zero_unarousable=False)
    crs = c.window.tool_pages["grading"].crs_inputs  # type: ignore[attr-defined]
    with qtbot.wait_signal(c.management.recommended) as blocker:
        crs.vasopressors["norepinephrine"].setChecked(True)
    result = blocker.args[0]
    assert result.crs_grade == 3
    codes = {a.code: a.strength for a in result.actions}
    assert codes["tocilizumab"] == "give"  # examples.md M4
    assert codes["icu"] == "give"
    panel = c.window.tool_pages["grading"].management  # type: ignore[attr-defined]
    assert "For CRS grade 3 and ICANS grade 0" in panel.summary.text()
    assert "MGT-CRS3" in panel.rules.rule_ids()


def test_an_action_opens_the_dose_panel_prefilled(app_controller) -> None:
    c = app_controller
    _grade(c, "39.5", vaso=True, ice_zero_unarousable=False)
    panel = c.window.tool_pages["grading"].management  # type: ignore[attr-defined]
    dex = next(
        b
        for b in panel.action_buttons
        if "Dose" in b.objectName()
        and c.management.result.actions[int(b.objectName()[6:-4])].code == "dexamethasone"
    )
    dex.click()
    assert c.window.tabs.currentWidget() is c.window.tool_pages["dose"]
    assert c.dose.view.drug.currentData() == "dexamethasone"
    assert c.dose.view.regimen.currentData() == "dexamethasone-10mg-q6h"
    assert c.dose.view.dose_value.text() == "10 mg"


def test_icans_grade_4_action_opens_the_taper_planner(app_controller) -> None:
    c = app_controller
    _grade(c, "37", vaso=False, ice_zero_unarousable=True)
    assert c.grading.grades().icans == 4
    panel = c.window.tool_pages["grading"].management  # type: ignore[attr-defined]
    taper = next(b for b in panel.action_buttons if b.objectName().endswith("Taper"))
    taper.click()
    assert c.window.tabs.currentWidget() is c.window.tool_pages["taper"]
    assert c.taper.view.regimen.currentData() == "TAPER-MP1G"
    assert c.taper.result is not None
    assert c.taper.result.totals_mg == {"methylprednisolone": 4740.0}


def test_tocilizumab_is_never_give_for_icans_alone(app_controller) -> None:
    c = app_controller
    _grade(c, "37", vaso=False, ice_zero_unarousable=True)
    result = c.management.result
    assert result is not None
    assert all(a.strength != "give" for a in result.actions if a.code == "tocilizumab")


# --- issue 10: the plan as composed by the core (section 9) --------------------------------

DOSE_2H_AGO = datetime(2026, 11, 21, 12, 0)  # the fixture's clock reads 14:00
STEROIDS = {"dexamethasone", "methylprednisolone"}


def _panel(c: AppController) -> ManagementPanel:
    return c.window.tool_pages["grading"].management  # type: ignore[attr-defined,no-any-return]


def _crs3_icans4(c: AppController, weight: str = "70", age: str = "45") -> None:
    """CRS 3 (39.5 °C on norepinephrine) with ICANS 4 (ICE 0, unarousable)."""
    bar = c.window.patient_bar
    type_text(bar.weight.edit, weight)
    type_text(bar.age.edit, age)
    crs = c.window.tool_pages["grading"].crs_inputs  # type: ignore[attr-defined]
    type_text(crs.temperature.edit, "39.5")
    crs.vasopressors["norepinephrine"].setChecked(True)
    ic = c.window.tool_pages["grading"].icans_inputs  # type: ignore[attr-defined]
    ic.ice.setChecked(True)
    for spin in ic.ice.spins.values():
        spin.setValue(0)
    ic.ice0_unarousable.setChecked(True)
    assert c.grading.grades() == Grades(crs=3, icans=4)


def _waiting_dose_not_improving(
    c: AppController, dose: datetime = DOSE_2H_AGO, at: datetime | None = None
) -> ManagementPanel:
    """CRS 3 + ICANS 4 at ``at`` (else the clock's time), a tocilizumab dose at ``dose``
    (2 h ago), not improving: the next dose waits."""
    if at is not None:
        c.state.set_at(at)
    c.dose.set_doses([dose])
    _crs3_icans4(c)
    panel = _panel(c)
    panel.improving.set_value(False)
    return panel


def _card(panel: ManagementPanel, result: RecommendResult, code: str) -> ActionItem:
    [index] = [i for i, a in enumerate(result.actions) if a.code == code]
    QApplication.processEvents()  # a layout shows a new card on the next event loop turn
    return panel.items[index]


def test_a_dose_not_due_yet_waits_with_its_time_never_avoid(app_controller) -> None:
    """MGT-WAIT: given at 12:00, the 8 h clock (TOCI-INTERVAL) allows the next at 20:00."""
    c = app_controller
    panel = _waiting_dose_not_improving(c)
    result = c.management.result
    toci = next(a for a in result.actions if a.code == "tocilizumab")
    assert toci.not_before is not None
    assert (toci.strength, from_core(toci.not_before)) == ("wait", datetime(2026, 11, 21, 20, 0))
    card = _card(panel, result, "tocilizumab")
    assert card.strength.text() == "WAIT"
    assert card.strength.property("strength") == "wait"
    assert card.when.isVisible()
    assert card.when.text() == "Next tocilizumab dose allowed from 20:00"
    assert "AVOID" not in card.strength.text()
    assert not re.search(r"2026-11-21[T ]20:00", card.text.text())  # a clock time
    assert "allowed from" not in card.text.text()  # said once, on its own line


def test_a_next_dose_in_the_repeated_hour_says_which_one(app_controller, clock) -> None:
    """Europe/Berlin goes back at 03:00 on 25 October 2026. A dose at 19:30 the evening
    before allows the next 8 real hours later (TOCI-INTERVAL): the second 02:30 (+01:00).
    "From 02:30" alone would read as the first one, an hour too early."""
    c = app_controller
    clock[0] = datetime(2026, 10, 25, 0, 30)
    panel = _waiting_dose_not_improving(
        c, dose=datetime(2026, 10, 24, 19, 30), at=datetime(2026, 10, 25, 0, 30)
    )
    result = c.management.result
    toci = next(a for a in result.actions if a.code == "tocilizumab")
    assert toci.strength == "wait"
    card = _card(panel, result, "tocilizumab")
    assert card.when.text() == "Next tocilizumab dose allowed from 02:30 (+01:00)"
    assert "allowed from" not in card.text.text()  # said once, on its own line
    assert not re.search(r"02:30(?! \(\+01:00\))", card.text.text())


def test_each_strength_has_its_own_word_and_colour(app_controller, qtbot) -> None:
    """Strength in words and colour: give/consider/wait/avoid each with its own style,
    every word readable on its own colour (WCAG AA contrast, 4.5:1, for normal text)."""
    backgrounds: dict[str, str] = {}
    for strength in ("give", "consider", "wait", "avoid"):
        item = ActionItem(0, strength, "text", "")
        qtbot.addWidget(item)
        item.show()
        assert item.strength.text() == strength.upper()
        palette = item.strength.palette()
        background = palette.color(item.strength.backgroundRole())
        foreground = palette.color(item.strength.foregroundRole())
        backgrounds[strength] = background.name()
        assert foreground.name() != background.name(), strength
        assert _contrast(foreground, background) >= 4.5, (strength, foreground.name())
    assert len(set(backgrounds.values())) == 4, backgrounds


def _contrast(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21)."""

    def luminance(c: QColor) -> float:
        def channel(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        return (
            0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF())
        )

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_one_corticosteroid_give_card_naming_what_it_replaces(app_controller) -> None:
    """MGT-ONE-STEROID: CRS 3 (dexamethasone 10 mg every 6 h) with ICANS 4
    (methylprednisolone 1 g/day): one steroid is "give", and its card says what it replaces."""
    c = app_controller
    _crs3_icans4(c)
    panel = _panel(c)
    result = c.management.result
    gives = [
        (i, a) for i, a in enumerate(result.actions) if a.code in STEROIDS and a.strength == "give"
    ]
    assert len(gives) == 1
    index, steroid = gives[0]
    assert steroid.code == "methylprednisolone"
    card = panel.items[index]
    shown = f"{card.text.text()} {card.replaces.text()}"
    assert "eplaces dexamethasone 10 mg every 6 h" in shown
    # No other card offers dexamethasone as a second "give".
    others = [item for i, item in enumerate(panel.items) if i != index]
    assert not [
        item
        for item in others
        if item.strength.text() == "GIVE" and "dexamethasone" in item.text.text().lower()
    ]


def test_improving_starts_unanswered_and_the_case_keeps_null(app_controller) -> None:
    """MGT-IMPROVING: three states, none assumed; the panel says what each answer changes."""
    c = app_controller
    panel = _panel(c)
    assert panel.improving.value() is None
    assert panel.improving.radios[None].isChecked()
    assert [r.text() for r in panel.improving.radios.values()] == ["Not asked yet", "Yes", "No"]
    c.dose.set_doses([datetime(2026, 11, 21, 4, 0)])  # 10 h ago: a repeat is allowed
    _crs3_icans4(c)
    result = c.management.result
    assert result.improving is None
    toci = next(a for a in result.actions if a.code == "tocilizumab")
    assert toci.strength != "give"  # no repeat dose is "give" until someone answers
    effects = panel.improving.effects
    assert effects.isVisible()
    assert effects.text().startswith("If yes:")
    assert "\nIf no:" in effects.text()
    assert not re.search(r"\d{4}-\d{2}-\d{2}", effects.text())  # clock times, as on the cards
    assert build_case(c).last.improving is None
    saved = dump_episode_case(build_case(c))
    assert saved["assessments"][-1].get("improving") is None  # never True by default
    assert load_episode_case(saved).last.improving is None
    panel.improving.radios[False].click()
    assert c.management.result.improving is False
    assert build_case(c).last.improving is False
    panel.improving.radios[True].click()
    assert build_case(c).last.improving is True
    saved = build_case(c)
    panel.improving.radios[None].click()
    apply_case(c, saved, wizard=True)
    assert panel.improving.value() is True
    # Reopened (issue 24): the answer is the episode's; the wizard asks again.
    apply_case(c, saved)
    assert panel.improving.value() is None
    assert c.episode.assessments[-1].improving is True
    apply_case(c, saved.model_copy(update={"improving": None}))
    assert panel.improving.value() is None
    assert panel.improving.radios[None].isChecked()


def test_the_paediatric_caveat_sits_inside_the_steroid_card(app_controller) -> None:
    """PED-STEROID: for a child the steroid card itself carries the caveat."""
    c = app_controller
    _crs3_icans4(c, weight="45", age="13")  # ICE from 12 years (CAPD below)
    panel = _panel(c)
    result = c.management.result
    [index] = [
        i for i, a in enumerate(result.actions) if a.code in STEROIDS and a.strength == "give"
    ]
    QApplication.processEvents()
    card = panel.items[index]
    assert card.caveats.isVisible()
    assert any(item.startswith("PED-STEROID") for item in card.caveats.items())
    assert "PED-STEROID" in card.caveats.text()


def test_grade_5_suggests_no_treatment_and_says_so(app_controller) -> None:
    """MGT-G5: no action at grade 5; the panel says so instead of an empty list."""
    c = app_controller
    type_text(c.window.patient_bar.weight.edit, "70")
    type_text(c.window.patient_bar.age.edit, "45")
    c.management.set_grades(Grades(crs=5, icans=0))
    panel = _panel(c)
    assert c.management.result.actions == ()
    assert panel.items == []
    assert panel.no_treatment.isVisible()
    assert "MGT-G5" in panel.no_treatment.text()
    assert not panel.improving.isVisible()  # no answer to ask for
    assert panel.no_treatment.text() not in panel.warnings.items()  # said once
    c.management.set_grades(Grades(crs=3, icans=0))
    assert not panel.no_treatment.isVisible()
    assert panel.improving.isVisible()
    assert panel.items


def test_verify_mark_goes_with_the_v_part_only(app_controller) -> None:
    """Split statuses: ANAK-ADULT is P for 100 mg every 6 h and V for the high IV doses,
    so the adult 100 mg card carries no "verify" mark; a V part in use carries it."""
    c = app_controller
    _crs3_icans4(c)
    panel = _panel(c)
    result = c.management.result
    anakinra = _card(panel, result, "anakinra")
    assert "ANAK-ADULT" in anakinra.rules.rule_ids()
    assert "ANAK-ADULT</a> ⚠" not in anakinra.rules.text()
    assert not anakinra.verify.isVisible()
    marked = [panel.items[i] for i, a in enumerate(result.actions) if a.verify]
    assert marked  # MGT-SZ: the grade threshold of the prophylaxis is the V part
    for card in marked:
        assert card.verify.isVisible()
        assert card.verify.text() == "⚠ verify against local protocol"


def test_a_seizure_entered_in_icans_makes_levetiracetam_give(app_controller) -> None:
    """MGT-SZ: ICANS >= 2 alone: consider prophylaxis; a seizure (ICANS-SZ): give."""
    c = app_controller
    type_text(c.window.patient_bar.weight.edit, "70")
    type_text(c.window.patient_bar.age.edit, "45")
    crs = c.window.tool_pages["grading"].crs_inputs  # type: ignore[attr-defined]
    type_text(crs.temperature.edit, "37")
    ic = c.window.tool_pages["grading"].icans_inputs  # type: ignore[attr-defined]
    ic.seizure.setCurrentIndex(ic.seizure.findData("rapidly_resolving"))
    assert c.grading.grades().seizure
    assert c.grading.grades().icans == 3  # ICANS-SZ: a seizure that resolved rapidly
    levetiracetam = [a for a in c.management.result.actions if a.code == "seizure_prophylaxis"]
    assert [a.strength for a in levetiracetam] == ["give"]
    assert "MGT-SZ" in levetiracetam[0].rules
    ic.seizure.setCurrentIndex(ic.seizure.findData("none"))
    assert not c.grading.grades().seizure


def _shown_words(card: ActionItem) -> dict[str, str]:
    """What a card says, part by part; a hidden part says nothing."""
    parts = {
        "strength": card.strength,
        "text": card.text,
        "detail": card.detail,
        "when": card.when,
        "replaces": card.replaces,
        "verify": card.verify,
        "caveats": card.caveats,
    }
    return {k: w.text() for k, w in parts.items() if not w.isHidden()}


STRENGTH_WORD = {"give": "GIVE", "consider": "CONSIDER", "wait": "WAIT", "avoid": "AVOID"}


def _says_its_action(panel: ManagementPanel, result: RecommendResult) -> None:
    assert len(panel.items) == len(result.actions)
    for card, action in zip(panel.items, result.actions, strict=True):
        words = _shown_words(card)
        assert words["strength"] == STRENGTH_WORD[action.strength]
        assert ("when" in words) == (action.not_before is not None), action.code
        assert ("replaces" in words) == any(r not in action.text for r in action.replaces)
        assert ("verify" in words) == action.verify, action.code
        assert ("caveats" in words) == bool(action.caveats), action.code
        assert card.rules.rule_ids() == tuple(action.rules)
    shown = [b.objectName() for b in panel.action_buttons]
    assert shown == [b.objectName() for card in panel.items for b in card.shown_buttons()]


def test_cards_are_refilled_whole_as_the_plan_changes(app_controller) -> None:
    """Cards are kept and refilled (issue 14): a refilled card says its new action only
    (no "when" left from a waiting dose, no verify mark from another rule), a card no
    longer needed is hidden and empty, and the buttons follow the actions."""
    c = app_controller
    panel = _waiting_dose_not_improving(c)
    big = c.management.result
    _says_its_action(panel, big)
    before = [_shown_words(card) for card in panel.items]
    waiting = [i for i, a in enumerate(big.actions) if a.strength == "wait"]
    assert waiting  # a card with its "when" line, to be refilled below

    crs = c.window.tool_pages["grading"].crs_inputs  # type: ignore[attr-defined]
    crs.vasopressors["norepinephrine"].setChecked(False)  # CRS 1, ICANS still 4
    same_length = c.management.result
    assert (same_length.crs_grade, same_length.icans_grade) == (1, 4)
    assert all(same_length.actions[i].strength != "wait" for i in waiting)
    _says_its_action(panel, same_length)

    ic = c.window.tool_pages["grading"].icans_inputs  # type: ignore[attr-defined]
    for spin in ic.ice.spins.values():
        spin.setValue(spin.maximum())  # ICE 10: ICANS 0, fewer actions
    small = c.management.result
    assert (small.crs_grade, small.icans_grade) == (1, 0)
    assert len(small.actions) < len(big.actions)
    _says_its_action(panel, small)
    spares = [w for w in panel.findChildren(ActionItem) if w not in panel.items]
    assert spares
    assert all(w.isHidden() and not w.text.text() for w in spares)
    assert all(not w.rules.rule_ids() and not w.shown_buttons() for w in spares)

    # And back: the same plan, said the same way as when its cards were first built.
    crs.vasopressors["norepinephrine"].setChecked(True)
    for spin in ic.ice.spins.values():
        spin.setValue(0)
    ic.ice0_unarousable.setChecked(True)
    assert c.management.result.actions == big.actions
    assert [_shown_words(card) for card in panel.items] == before


def test_the_wait_time_is_said_for_the_assessment_day_after_the_clock_moves(
    app_controller,
) -> None:
    """MGT-WAIT: after a dose at 18:00 the next may come at 02:00 the next day
    (TOCI-INTERVAL). At 01:00 on that day it reads "02:00"; moved back to 19:00 the day
    before, the plan is the same but the words must carry the date."""
    c = app_controller
    panel = _waiting_dose_not_improving(
        c, dose=datetime(2026, 11, 21, 18, 0), at=datetime(2026, 11, 22, 1, 0)
    )
    first = c.management.result
    assert _card(panel, first, "tocilizumab").when.text() == (
        "Next tocilizumab dose allowed from 02:00"
    )
    c.state.set_at(datetime(2026, 11, 21, 19, 0))
    moved = c.management.result
    assert moved.actions == first.actions  # the same plan...
    assert _card(panel, moved, "tocilizumab").when.text() == (
        "Next tocilizumab dose allowed from Sun 22 Nov 02:00"  # ...said for the new day
    )


def test_a_refused_question_leaves_no_suggestions_behind(app_controller) -> None:
    """Moving "Assessed at" before a logged dose: the core refuses the management question,
    and the suggestions made for the earlier question go with a message saying why."""
    c = app_controller
    panel = _waiting_dose_not_improving(c)
    assert panel.items
    c.state.set_at(datetime(2026, 11, 21, 11, 0))  # before the 12:00 dose
    assert c.management.result is None
    assert panel.items == []
    assert panel.action_buttons == []
    assert panel.rules.rule_ids() == ()
    assert "tocilizumab_doses" in panel.error.error_text()
    assert panel.summary.text() == "No suggestions until the problem below is fixed."
    c.state.set_at(datetime(2026, 11, 21, 14, 0))
    assert panel.error.error_text() == ""
    assert panel.items
    assert c.management.result is not None
