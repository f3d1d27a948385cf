"""The interview: one step (a group of questions) at a time, with why each question matters and a
running preview of what the answers imply."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Footer, Header, ProgressBar, Static

from wa_assist.tui.session import Session
from wa_assist.tui.widgets.question import QuestionField
from wa_assist.tui.widgets.risk import RiskSummary

if TYPE_CHECKING:
    from wa_assist.tui.app import WaAssistApp


class InterviewScreen(Screen[None]):
    """Asks the questions of one step; ``ctrl+n`` and ``ctrl+b`` move between steps."""

    app: WaAssistApp

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+b", "back", "Back", priority=True),
        Binding("ctrl+n", "next", "Next", priority=True),
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("ctrl+l", "app.search", "Search"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.group: str | None = None
        self._focused_question: str | None = None
        self._switching = asyncio.Lock()  # one step change at a time (keys and clicks may overlap)

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="interview"):
            with Vertical(id="form-column"):
                yield Static(id="step-title")
                with Horizontal(id="step-row"):
                    yield ProgressBar(id="progress", show_eta=False, show_percentage=False)
                    yield Static(id="preview")
                yield VerticalScroll(id="form")
                with Horizontal(id="nav"):
                    yield Button("Back", id="back", compact=True)
                    yield Button("Next", id="next", variant="primary", compact=True)
                yield Static(id="draft-status")
            with VerticalScroll(id="side"):
                yield Static("Why it matters", classes="side-title")
                yield Static(id="why")
                yield Static(id="entry-summary")
                yield Static("Lens risk so far", classes="side-title")
                yield RiskSummary(id="risk")
        yield Footer()

    async def on_mount(self) -> None:
        steps = self.session.steps()
        self.refresh_draft_status()
        await self.show_step(steps[0], preview=False)
        self.app.interview_ready()
        self.call_after_refresh(self.refresh_preview)  # the engine runs once the question is on screen

    # ------------------------------------------------------------------ steps

    @property
    def steps(self) -> list[str]:
        return self.session.steps()

    @property
    def step_index(self) -> int:
        steps = self.steps
        return steps.index(self.group) if self.group in steps else 0

    def fields(self) -> list[QuestionField]:
        """The fields of the current step."""
        return list(self.query_one("#form").query(QuestionField))

    def visible_fields(self) -> list[QuestionField]:
        return [f for f in self.fields() if f.display]

    async def show_step(self, group: str, focus_last: bool = False, preview: bool = True) -> None:
        async with self._switching:
            await self._show_step(group, focus_last, preview)

    async def _show_step(self, group: str, focus_last: bool, preview: bool) -> None:
        self.group = group
        self.app.note_step(group)
        form = self.query_one("#form", VerticalScroll)
        await form.remove_children()
        fields = [QuestionField(q, self.session.values[q.id]) for q in self.session.group_questions(group)]
        await form.mount_all(fields)
        self._refresh_visibility()
        self._refresh_progress()
        if preview:
            self.refresh_preview()
        form.scroll_home(animate=False)
        visible = self.visible_fields()
        if visible:
            (visible[-1] if focus_last else visible[0]).focus_control()
            self._show_help(visible[-1] if focus_last else visible[0])

    def _refresh_visibility(self) -> None:
        for field in self.fields():
            field.display = self.session.applies(field.question)

    def _refresh_progress(self) -> None:
        steps = self.steps
        index = self.step_index
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=len(steps), progress=index + 1)
        title = Content.assemble(
            (f"Step {index + 1} of {len(steps)}", "bold"), "  ", (self.group or "", "bold $accent")
        )
        self.query_one("#step-title", Static).update(title)
        self.query_one("#back", Button).disabled = index == 0
        self.query_one("#next", Button).label = "Results" if index == len(steps) - 1 else "Next"
        self.sub_title = f"Interview: {self.group}"

    def on_screen_resume(self) -> None:
        if self.group is not None:
            self.app.note_step(self.group)
        self.refresh_preview()
        self.refresh_draft_status()

    def refresh_preview(self) -> None:
        try:
            preview = self.session.preview()
        except Exception as exc:
            self.query_one("#preview", Static).update(Content(f"Preview unavailable: {exc}"))
            return
        self.query_one("#preview", Static).update(Content.styled(preview.headline, "bold $text-accent"))
        self.query_one(
            "#preview", Static
        ).tooltip = f"{preview.high} high, {preview.medium} medium, {preview.low} low priority"
        self.query_one("#risk", RiskSummary).show(preview.risk, preview.counts)

    def refresh_draft_status(self) -> None:
        """Where the answers are kept, and whether the latest ones are saved."""
        store = self.app.services.store
        status = self.query_one("#draft-status", Static)
        if store is None:
            project = self.app.services.project
            if project is not None:  # the project's record is where the answers go, by updating it
                status.update(Content.assemble("Changing ", (str(project), "dim"), ": u on the results updates it."))
            else:
                status.update("")
            return
        where = self.app.draft_where()
        if not store.exists() and not self.session.unsaved():
            state = ("Nothing to save yet:", "")
        elif self.session.unsaved():
            state = ("Unsaved", "bold $text-warning")
        else:
            state = ("Saved", "$text-success")
        label = "draft" if store.autosaved else "profile"
        status.update(Content.assemble(state, (f" {label} {where}", "dim")))
        status.tooltip = str(store.path)

    def _show_help(self, field: QuestionField) -> None:
        q = field.question
        self._focused_question = q.id
        self.query_one("#why", Static).update(Content(q.help))
        entry = self.session.kb.get(q.entry) if q.entry else None
        summary = self.query_one("#entry-summary", Static)
        if entry is not None:
            summary.update(Content.assemble((entry.title, "bold"), "\n", entry.summary, ("\n" + entry.id, "dim")))
            summary.display = True
        else:
            summary.update("")
            summary.display = False

    # ------------------------------------------------------------------ events

    @on(QuestionField.Answered)
    def _answered(self, event: QuestionField.Answered) -> None:
        problem = self.session.answer(event.question.id, event.value)
        if problem:  # the widget validated it already; keep the two in step anyway
            event.field.problem = problem
            return
        self._refresh_visibility()
        self._refresh_progress()
        self.refresh_preview()
        self.refresh_draft_status()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        node: Widget | None = event.widget
        while node is not None and not isinstance(node, QuestionField):
            node = node.parent if isinstance(node.parent, Widget) else None
        if isinstance(node, QuestionField) and node.question.id != self._focused_question:
            self._show_help(node)
            self.call_after_refresh(node.scroll_visible, animate=False)  # the prompt with its control

    @on(Button.Pressed, "#next")
    async def _next_pressed(self) -> None:
        await self.action_next()

    @on(Button.Pressed, "#back")
    async def _back_pressed(self) -> None:
        await self.action_back()

    # ------------------------------------------------------------------ actions

    def first_invalid(self) -> QuestionField | None:
        for field in self.visible_fields():
            if field.problem:
                return field
        return None

    async def action_next(self) -> None:
        invalid = self.first_invalid()
        if invalid is not None:
            invalid.focus_control()
            self.notify(invalid.problem or "", title=f"Fix: {invalid.question.prompt}", severity="warning")
            return
        steps = self.steps
        index = self.step_index
        self.app.note_step(steps[index + 1] if index + 1 < len(steps) else "results")
        self.app.save_draft(quiet=True)
        if index + 1 < len(steps):
            await self.show_step(steps[index + 1])
        else:
            self.app.show_results()

    async def action_back(self) -> None:
        index = self.step_index
        if index > 0:
            invalid = self.first_invalid()
            if invalid is not None:  # going back keeps the last valid answer; say so
                self.notify(
                    f"{invalid.question.prompt}: kept {self.session.values[invalid.question.id]!r}", severity="warning"
                )
            await self.show_step(self.steps[index - 1], focus_last=True)
            self.app.save_draft(quiet=True)

    def action_save(self) -> None:
        self.app.save_draft(quiet=False)
