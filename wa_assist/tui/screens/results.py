"""The recommendations, grouped by pillar and ordered by priority; each can be accepted or rejected.

The list filters by pillar, priority and status, searches its titles, and accepts or rejects every
recommendation shown at once. Marks say the status without colour: ``[✓]`` accepted, ``[✗]`` rejected,
``[ ]`` pending (applied when the project is generated, unless rejected).
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from wa_assist.formatting import show_value
from wa_assist.render import entry_markdown
from wa_assist.tui.session import PILLAR_LABELS, Session
from wa_assist.tui.widgets.markdown_view import MarkdownView
from wa_assist.tui.widgets.risk import RiskSummary

if TYPE_CHECKING:
    from wa_assist.tui.app import WaAssistApp

PRIORITY_STYLE = {"high": "bold $text-error", "medium": "$text-warning", "low": "$text-muted"}
MARKS = {"accepted": "[✓] ", "rejected": "[✗] ", "pending": "[ ] "}
MARK_STYLE = {"accepted": "bold $text-success", "rejected": "bold $text-error", "pending": "$text-muted"}
MARK_WIDTH = 11  # the mark and the priority padded to 7: long titles wrap under the title, not the mark
ANY = "any"


class RecommendationList(OptionList):
    """The results list; tells its screen when its width changes, so titles wrap to it."""

    def on_resize(self, event: events.Resize) -> None:
        screen = self.screen
        if isinstance(screen, ResultsScreen):
            screen.call_after_refresh(screen._rewrap)


def matches(rec: Any, query: str) -> bool:
    """Whether every word of ``query`` is in the recommendation's title, id, summary or reasons."""
    text = " ".join([rec.title, rec.id, rec.summary, *rec.reasons]).lower()
    return all(word in text for word in query.lower().split())


class ResultsScreen(Screen[None]):
    """Review the recommendations before generating the project."""

    app: WaAssistApp

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_recommendation", "Toggle", show=False),
        Binding("a", "accept", "Accept"),
        Binding("r", "reject", "Reject"),
        Binding("A", "accept_shown", "Accept shown", show=False),
        Binding("R", "reject_shown", "Reject shown", show=False),
        Binding("slash,ctrl+f", "find", "Filter"),
        Binding("g", "generate", "Generate"),
        Binding("u", "update_project", "Update project"),
        Binding("escape,ctrl+b", "back", "Back", show=False),
    ]

    def __init__(self, session: Session, focus: str | None = None) -> None:
        super().__init__()
        self.session = session
        self.initial_focus = focus
        self._title_width: int | None = None  # None until laid out: titles are not wrapped by hand

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="results-top"):
            yield Static(id="results-headline")
            with Horizontal(id="rec-filters"):
                yield Input(placeholder="Search the list (/)", id="rec-search", compact=True)
                pillars = [(label, pillar) for pillar, label in PILLAR_LABELS.items()]
                yield Select(
                    [("Every pillar", ANY), *pillars], value=ANY, allow_blank=False, id="pillar-filter", compact=True
                )
                priorities = [("Any priority", ANY), ("High", "high"), ("Medium", "medium"), ("Low", "low")]
                yield Select(priorities, value=ANY, allow_blank=False, id="priority-filter", compact=True)
                statuses = [
                    ("Any status", ANY),
                    ("Pending", "pending"),
                    ("Accepted", "accepted"),
                    ("Rejected", "rejected"),
                ]
                yield Select(statuses, value=ANY, allow_blank=False, id="status-filter", compact=True)
        with Horizontal(id="results"):
            yield RecommendationList(id="recs")
            with Vertical(id="detail-column"):
                yield RiskSummary(id="results-risk")
                with VerticalScroll(id="detail"):
                    yield MarkdownView(id="rec-detail")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.sub_title = "Recommendations"
        self.app.note_step("results")
        self._fill()
        recs = self.query_one("#recs", OptionList)
        recs.focus()
        if not (self.initial_focus and self.jump(self.initial_focus)):
            self._highlight_first()
        self.call_after_refresh(self._rewrap)

    def on_screen_resume(self) -> None:
        self.app.note_step("results")
        self.refresh_choices()

    def refresh_choices(self) -> None:
        """Choices made elsewhere (search, the palette) show here too."""
        if self.is_mounted:
            self._fill()
            self._highlight_first(keep=True)
            self._show_detail()

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
        for rec in self.shown():
            recs.replace_option_prompt(rec.id, self._prompt(rec))

    # ------------------------------------------------------------------ filters

    def _filter(self, selector: str) -> str:
        value = self.query_one(selector, Select).value
        return value if isinstance(value, str) else ANY

    def shown(self) -> list[Any]:
        """The recommendations the filters let through, in list order."""
        pillar = self._filter("#pillar-filter")
        priority = self._filter("#priority-filter")
        status = self._filter("#status-filter")
        query = self.query_one("#rec-search", Input).value.strip()
        return [
            rec
            for rec in self.session.all_recommendations()
            if (pillar == ANY or pillar in rec.pillars)
            and (priority == ANY or rec.priority == priority)
            and (status == ANY or self.session.status(rec.id) == status)
            and (not query or matches(rec, query))
        ]

    @on(Input.Changed, "#rec-search")
    @on(Select.Changed)
    def _filters_changed(self) -> None:
        self._fill()
        self._highlight_first(keep=True)

    @on(Input.Submitted, "#rec-search")
    def _search_done(self) -> None:
        self.query_one("#recs", OptionList).focus()

    def action_find(self) -> None:
        self.query_one("#rec-search", Input).focus()

    def on_key(self, event: events.Key) -> None:
        if event.key == "escape" and self.focused is not None and self.focused.id == "rec-search":
            event.stop()
            event.prevent_default()
            self.query_one("#recs", OptionList).focus()

    # ------------------------------------------------------------------ content

    def _prompt(self, rec: Any) -> Content:
        status = self.session.status(rec.id)
        mark = (MARKS[status], MARK_STYLE[status])
        priority = (f"{rec.priority:<6} ", PRIORITY_STYLE.get(rec.priority, ""))
        style = "strike $text-muted" if status == "rejected" else ""
        lines = textwrap.wrap(rec.title, self._title_width) if self._title_width else [rec.title]
        parts: list[tuple[str, str] | str] = [mark, priority, (lines[0], style)]
        for line in lines[1:]:
            parts += ["\n" + " " * MARK_WIDTH, (line, style)]
        return Content.assemble(*parts)

    def _fill(self) -> None:
        recs = self.query_one("#recs", OptionList)
        current = self.current()
        recs.clear_options()
        pillar = None
        options: list[Option] = []
        shown = self.shown()
        for rec in shown:
            if rec.pillars[0] != pillar:
                pillar = rec.pillars[0]
                options.append(Option(Content.styled(PILLAR_LABELS.get(pillar, pillar), "bold $accent"), disabled=True))
            options.append(Option(self._prompt(rec), id=rec.id))
        if not shown:
            options.append(Option(Content.styled("No recommendation matches the filters.", "dim"), disabled=True))
        recs.add_options(options)
        if current is not None and any(r.id == current.id for r in shown):
            recs.highlighted = recs.get_option_index(current.id)
        self._summary()

    def _highlight_first(self, keep: bool = False) -> None:
        recs = self.query_one("#recs", OptionList)
        if keep and recs.highlighted is not None and recs.get_option_at_index(recs.highlighted).id is not None:
            return
        first = next((i for i in range(recs.option_count) if not recs.get_option_at_index(i).disabled), None)
        recs.highlighted = first
        if first is None:
            self.query_one("#rec-detail", MarkdownView).show("")

    def _summary(self) -> None:
        result = self.session.result()
        counts = self.session.counts()
        total = sum(counts.values())
        high = sum(1 for r in self.session.all_recommendations() if r.priority == "high")
        shown = len(self.shown())
        filtered = f"; {shown} shown" if shown != total else ""
        self.query_one("#results-headline", Static).update(
            Content.assemble(
                (f"{total} recommendations", "bold"),
                f" ({high} high): {counts['pending']} pending, {counts['accepted']} accepted, "
                f"{counts['rejected']} rejected{filtered}",
            )
        )
        risk = result.risk or {}
        self.query_one("#results-risk", RiskSummary).show(risk.get("pillars", {}), risk.get("pillar_counts", {}))

    def current(self) -> Any | None:
        recs = self.query_one("#recs", OptionList)
        if recs.highlighted is None:
            return None
        option = recs.get_option_at_index(recs.highlighted)
        if option.id is None:
            return None
        return next((r for r in self.session.all_recommendations() if r.id == option.id), None)

    def jump(self, rec_id: str) -> bool:
        """Highlight ``rec_id`` (clearing filters that hide it); False when it is not a recommendation here."""
        if not any(r.id == rec_id for r in self.session.all_recommendations()):
            return False
        if not any(r.id == rec_id for r in self.shown()):
            with self.prevent(Input.Changed, Select.Changed):
                self.query_one("#rec-search", Input).value = ""
                for selector in ("#pillar-filter", "#priority-filter", "#status-filter"):
                    self.query_one(selector, Select).value = ANY
            self._fill()
        recs = self.query_one("#recs", OptionList)
        recs.highlighted = recs.get_option_index(rec_id)
        recs.focus()
        self._show_detail()
        return True

    def detail_markdown(self, rec: Any) -> str:
        status = self.session.status(rec.id)
        rejected = status == "rejected"
        note = {
            "pending": "pending: the project applies it unless you reject it",
            "accepted": "accepted: the project applies it",
            "rejected": "rejected: the project leaves it out",
        }[status]
        lines = [
            f"`{MARKS[status].strip()}` **{rec.priority.capitalize()} priority**, {note}. "
            "`a` accepts, `r` rejects, space toggles; `A` and `R` do it for every one shown.",
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

    def _changed(self) -> None:
        """After a choice: the marks, the counts, the risk and the draft follow."""
        recs = self.query_one("#recs", OptionList)
        status = self._filter("#status-filter")
        if status != ANY:  # a choice can move a recommendation out of the status shown
            self._fill()
            self._highlight_first(keep=True)
        else:
            for rec in self.shown():
                recs.replace_option_prompt(rec.id, self._prompt(rec))
            self._summary()
        self._show_detail()
        self.app.save_draft(quiet=True)

    def _set(self, rejected: bool | None) -> None:
        rec = self.current()
        if rec is None:
            return
        if rejected is None:
            self.session.toggle(rec.id)
        else:
            self.session.set_rejected(rec.id, rejected)
        self._changed()

    def _set_shown(self, status: str) -> None:
        shown = self.shown()
        if not shown:
            self.notify("No recommendation is shown.", severity="warning")
            return
        for rec in shown:
            self.session.set_status(rec.id, status)
        self._changed()
        plural = "" if len(shown) == 1 else "s"
        self.notify(f"{status.capitalize()} {len(shown)} recommendation{plural} shown.", title=status.capitalize())

    def action_toggle_recommendation(self) -> None:
        self._set(None)

    def action_accept(self) -> None:
        self._set(False)

    def action_reject(self) -> None:
        self._set(True)

    def action_accept_shown(self) -> None:
        self._set_shown("accepted")

    def action_reject_shown(self) -> None:
        self._set_shown("rejected")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A project opened for updating is updated (``u``), not generated again (``g``)."""
        opened = self.app.services.project is not None
        if action == "generate":
            return not opened
        if action == "update_project":
            return opened
        return True

    def action_generate(self) -> None:
        self.app.show_generate()

    def action_update_project(self) -> None:
        self.app.show_update()

    def action_back(self) -> None:
        self.app.pop_screen()
