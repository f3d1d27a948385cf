"""The recommendations, grouped by pillar and ordered by priority; each can be accepted or rejected."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from wa_assist.render import entry_markdown
from wa_assist.tui.session import PILLAR_LABELS, Session, show_value
from wa_assist.tui.widgets.markdown_view import MarkdownView
from wa_assist.tui.widgets.risk import RiskSummary

if TYPE_CHECKING:
    from wa_assist.tui.app import WaAssistApp

PRIORITY_STYLE = {"high": "bold $text-error", "medium": "$text-warning", "low": "$text-muted"}
MARK_WIDTH = 11  # "[x] " and the priority padded to 7: long titles wrap under the title, not the mark


class ResultsScreen(Screen[None]):
    """Review the recommendations before generating the project."""

    app: WaAssistApp

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_recommendation", "Toggle"),
        Binding("a", "accept", "Accept"),
        Binding("r", "reject", "Reject"),
        Binding("g", "generate", "Generate"),
        Binding("escape,ctrl+b", "back", "Back"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self._title_width: int | None = None  # None until laid out: titles are not wrapped by hand

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="results"):
            with Vertical(id="rec-column"):
                yield Static(id="results-headline")
                yield RiskSummary(id="results-risk")
                yield OptionList(id="recs")
            with VerticalScroll(id="detail"):
                yield MarkdownView(id="rec-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Recommendations"
        self._fill()
        recs = self.query_one("#recs", OptionList)
        recs.focus()
        first = next((i for i in range(recs.option_count) if not recs.get_option_at_index(i).disabled), None)
        if first is not None:
            recs.highlighted = first
        self.call_after_refresh(self._rewrap)

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self._rewrap)

    def _rewrap(self) -> None:
        """Wrap long titles to the list's width, indented under the title."""
        recs = self.query_one("#recs", OptionList)
        available = recs.scrollable_content_region.width - MARK_WIDTH
        width = available if available >= 16 else None
        if width == self._title_width:
            return
        self._title_width = width
        for rec in self.session.all_recommendations():
            recs.replace_option_prompt(rec.id, self._prompt(rec))

    # ------------------------------------------------------------------ content

    def _prompt(self, rec: Any) -> Content:
        rejected = self.session.is_rejected(rec.id)
        mark = ("[ ] ", "$text-muted") if rejected else ("[x] ", "bold $text-success")
        priority = (f"{rec.priority:<6} ", PRIORITY_STYLE.get(rec.priority, ""))
        style = "strike $text-muted" if rejected else ""
        lines = textwrap.wrap(rec.title, self._title_width) if self._title_width else [rec.title]
        parts: list[tuple[str, str] | str] = [mark, priority, (lines[0], style)]
        for line in lines[1:]:
            parts += ["\n" + " " * MARK_WIDTH, (line, style)]
        return Content.assemble(*parts)

    def _fill(self) -> None:
        recs = self.query_one("#recs", OptionList)
        recs.clear_options()
        pillar = None
        options: list[Option] = []
        for rec in self.session.all_recommendations():
            if rec.pillars[0] != pillar:
                pillar = rec.pillars[0]
                options.append(Option(Content.styled(PILLAR_LABELS.get(pillar, pillar), "bold $accent"), disabled=True))
            options.append(Option(self._prompt(rec), id=rec.id))
        recs.add_options(options)
        self._summary()

    def _summary(self) -> None:
        result = self.session.result()
        total = len(result.recommendations) + len(result.rejected)
        high = sum(1 for r in result.recommendations if r.priority == "high")
        self.query_one("#results-headline", Static).update(
            Content.assemble(
                (f"{total} recommendations", "bold"),
                f", {len(result.recommendations)} accepted ({high} high), {len(result.rejected)} rejected",
            )
        )
        self.query_one("#results-risk", RiskSummary).show(result.risk.get("pillars", {}))

    def current(self) -> Any | None:
        recs = self.query_one("#recs", OptionList)
        if recs.highlighted is None:
            return None
        option = recs.get_option_at_index(recs.highlighted)
        if option.id is None:
            return None
        return next((r for r in self.session.all_recommendations() if r.id == option.id), None)

    def detail_markdown(self, rec: Any) -> str:
        rejected = self.session.is_rejected(rec.id)
        status = "rejected" if rejected else "accepted"
        lines = [
            f"**{rec.priority.capitalize()} priority**, {status}. Press space, `a` or `r` to change.",
            "",
            "## Why",
            "",
        ]
        lines += [f"- {reason}" for reason in rec.reasons] or ["- It applies to every profile."]
        lines.append("")
        if rejected:
            lines += ["## What rejecting it changes", ""]
            if rec.changes:
                lines += [f"The project loses: {rec.changes}", ""]
            changes = self.session.rejection_changes(rec.id)
            if changes:
                lines += ["| Decision | Accepted | Rejected |", "|---|---|---|"]
                lines += [f"| {c.title} | {show_value(c.accepted)} | {show_value(c.rejected)} |" for c in changes]
            else:
                lines.append("No project decision changes.")
            lines.append("")
        elif rec.decisions:
            lines += ["## It decides", ""]
            for did, value in rec.decisions.items():
                decision = self.session.kb.decisions.get(did)
                lines.append(f"- {decision.title if decision else did}: `{show_value(value)}`")
            lines.append("")
        lines += ["---", "", entry_markdown(self.session.kb, rec.entry)]
        return "\n".join(lines)

    def _show_detail(self) -> None:
        rec = self.current()
        if rec is not None:
            self.query_one("#rec-detail", MarkdownView).show(self.detail_markdown(rec))
            self.query_one("#detail", VerticalScroll).scroll_home(animate=False)

    @on(OptionList.OptionHighlighted, "#recs")
    def _highlighted(self) -> None:
        self._show_detail()

    # ------------------------------------------------------------------ actions

    def _set(self, rejected: bool | None) -> None:
        rec = self.current()
        if rec is None:
            return
        if rejected is None:
            self.session.toggle(rec.id)
        else:
            self.session.set_rejected(rec.id, rejected)
        recs = self.query_one("#recs", OptionList)
        recs.replace_option_prompt(rec.id, self._prompt(rec))
        self._summary()
        self._show_detail()

    def action_toggle_recommendation(self) -> None:
        self._set(None)

    def action_accept(self) -> None:
        self._set(False)

    def action_reject(self) -> None:
        self._set(True)

    def action_generate(self) -> None:
        self.app.show_generate()

    def action_back(self) -> None:
        self.app.pop_screen()
