"""A compact per-pillar risk summary."""

from __future__ import annotations

from collections.abc import Mapping

from textual.content import Content
from textual.widgets import Static

from wa_assist.tui.session import PILLAR_LABELS

RISK_STYLE = {"high": "bold $text-error", "medium": "$text-warning", "none": "$text-success"}
RISK_WORD = {"high": "high risk", "medium": "medium risk", "none": "no risk"}


def risk_content(risk: Mapping[str, str]) -> Content:
    lines = []
    for pillar, level in risk.items():
        label = PILLAR_LABELS.get(pillar, pillar)
        lines.append(Content.assemble(f"{label:<24}", (RISK_WORD.get(level, level), RISK_STYLE.get(level, ""))))
    return Content("\n").join(lines) if lines else Content("No lens risk assessed yet.")


class RiskSummary(Static):
    """Risk of each pillar, from the lens practices the user accepted or rejected."""

    DEFAULT_CSS = """
    RiskSummary {
        height: auto;
    }
    """

    def show(self, risk: Mapping[str, str]) -> None:
        self.risk = dict(risk)
        self.update(risk_content(risk))
