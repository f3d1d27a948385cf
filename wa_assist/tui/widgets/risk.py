"""The lens risk, per pillar, as the engine rates it: words, not colours, say the level.

While nothing is rejected every pillar is "unverified" (pending or accepted practices are not known
to be in place), and one line says so; once the pillars differ, each gets its own line.
"""

from __future__ import annotations

from collections.abc import Mapping

from textual.content import Content
from textual.widgets import Static

from wa_assist.tui.session import PILLAR_LABELS

RISK_STYLE = {
    "high": "bold $text-error",
    "medium": "$text-warning",
    "unverified": "$text-accent",
    "none": "$text-success",
}
RISK_WORD = {"high": "high risk", "medium": "medium risk", "unverified": "unverified", "none": "no risk"}
SHOWN_STATUSES = ("rejected", "pending", "accepted", "not-assessed", "implemented")


def _counts_text(counts: Mapping[str, int]) -> str:
    parts = [f"{counts[s]} {s.replace('-', ' ')}" for s in SHOWN_STATUSES if counts.get(s)]
    return ", ".join(parts)


def risk_content(risk: Mapping[str, str], counts: Mapping[str, Mapping[str, int]] | None = None) -> Content:
    counts = counts or {}
    if not risk:
        return Content("No lens risk assessed yet.")
    levels = set(risk.values())
    if len(levels) == 1 and not any(c.get("rejected") for c in counts.values()):
        level = next(iter(levels))
        total: dict[str, int] = {}
        for tally in counts.values():
            for status, n in tally.items():
                total[status] = total.get(status, 0) + n
        detail = _counts_text(total)
        return Content.assemble(
            (RISK_WORD.get(level, level).capitalize(), RISK_STYLE.get(level, "")),
            f" on every pillar{': ' + detail if detail else ''}; no lens practice rejected.",
        )
    lines = []
    for pillar, level in risk.items():
        label = PILLAR_LABELS.get(pillar, pillar)
        detail = _counts_text(counts.get(pillar, {}))
        lines.append(
            Content.assemble(
                (label, "bold"),
                ": ",
                (RISK_WORD.get(level, level), RISK_STYLE.get(level, "")),
                (f" ({detail})" if detail else "", "dim"),
            )
        )
    return Content("\n").join(lines)


class RiskSummary(Static):
    """Risk of each pillar, from the lens practices pending, accepted and rejected."""

    DEFAULT_CSS = """
    RiskSummary {
        height: auto;
    }
    """

    def show(self, risk: Mapping[str, str], counts: Mapping[str, Mapping[str, int]] | None = None) -> None:
        self.risk = dict(risk)
        self.counts = dict(counts or {})
        self.update(risk_content(risk, counts))
