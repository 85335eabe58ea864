"""Formatting of rule traces (ID, title, text, status, sources) for tooltips and panels.

Nothing here decides anything: it shows what the core's rule data says.
"""

from __future__ import annotations

import html

import calculator

VERIFY = "verify against local protocol"

STATUS_WORDS = {
    "P": "primary source",
    "S": "secondary source",
    "V": "to verify",
    "P/S": "primary / secondary",
    "S/V": "secondary / to verify",
    "P/V": "primary / to verify",
    "derived": "derived from other rules",
    "safety": "safety rule of this product",
}


def rule_or_none(rule_id: str) -> calculator.Rule | None:
    try:
        return calculator.ruleset().rule(rule_id)
    except KeyError:
        return None


def source_citation(key: str) -> str:
    src = calculator.ruleset().sources.get(key)
    return src.citation if src is not None else key


def rule_tooltip(rule_id: str) -> str:
    """Rich text: the rule's ID, title, status, text and sources."""
    rule = rule_or_none(rule_id)
    if rule is None:
        return f"<b>{html.escape(rule_id)}</b>"
    status = f"{rule.status} ({STATUS_WORDS.get(rule.status, rule.status)})"
    if rule.status_note:
        status += f"; {rule.status_note}"
    parts = [
        f"<b>{html.escape(rule.id)}</b> — {html.escape(rule.title)}",
        f"Status: {html.escape(status)}",
    ]
    if rule.needs_verification:
        part = f": {html.escape(rule.verify_part)} only" if rule.verify_part else ""
        parts.append(f"<b>⚠ {VERIFY}</b>{part}")
    parts.append(html.escape(rule.text))
    if rule.sources:
        cites = "<br>".join(
            f"[{html.escape(k)}] {html.escape(source_citation(k))}" for k in rule.sources
        )
        parts.append(f"Sources:<br>{cites}")
    return "<p style='white-space:pre-wrap'>" + "<br><br>".join(parts) + "</p>"


def rule_plain(rule_id: str) -> str:
    rule = rule_or_none(rule_id)
    if rule is None:
        return rule_id
    sources = ", ".join(rule.sources)
    verify = f" — {VERIFY}" if rule.needs_verification else ""
    if rule.verify_part:
        verify += f" ({rule.verify_part} only)"
    return f"{rule.id} ({rule.status}{verify}): {rule.title}. Sources: {sources}."


def rule_links(rule_ids: tuple[str, ...] | list[str]) -> str:
    """Rich text links for a list of rule IDs; V rules carry a ⚠ mark. A rule of split
    status (DEX-CRS, ANAK-ADULT ...) carries none here: the mark goes with its V part
    only, where that part is used (the action or dose says so itself)."""
    out = []
    for rid in rule_ids:
        rule = rule_or_none(rid)
        mark = " ⚠" if rule is not None and rule.needs_verification else ""
        out.append(f"<a href='rule:{html.escape(rid)}'>{html.escape(rid)}</a>{mark}")
    return " · ".join(out)
