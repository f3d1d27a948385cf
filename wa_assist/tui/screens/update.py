"""Update the project the interview opened: a dry run first (what ``wa-assist update --dry-run`` prints),
then, on confirmation, the update itself; both in a worker thread, as generating is."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Footer, Header, ProgressBar, Static
from textual.worker import Worker, WorkerState

from wa_assist.errors import UserError
from wa_assist.tui.services import Updated
from wa_assist.tui.session import Session
from wa_assist.tui.widgets.choice import MarkedCheckbox

if TYPE_CHECKING:
    from wa_assist.tui.app import WaAssistApp

PLAN, APPLY = "update-plan", "update-apply"


class UpdateScreen(Screen[None]):
    """The dry-run summary of the update, then its outcome; errors are shown here and nothing is lost."""

    app: WaAssistApp

    DEFAULT_CSS = """
    UpdateScreen #update-head { height: auto; padding: 0 1; }
    UpdateScreen #update-scroll { height: 1fr; padding: 0 1; border: round $panel; }
    UpdateScreen #update-actions { height: 1; padding: 0 1; }
    UpdateScreen #update-actions Button { margin-right: 2; }
    UpdateScreen #update-force { padding: 0 1; }
    UpdateScreen #update-status { height: auto; padding: 0 1; }
    UpdateScreen #update-progress { padding: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("u", "apply", "Update the project"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.preview: Updated | None = None  # the dry run
        self.outcome: Updated | None = None  # the update done
        self.error: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="update-head")
        with VerticalScroll(id="update-scroll"):
            yield Static(id="update-summary")
        yield MarkedCheckbox(
            "Update despite uncommitted changes (what it replaces is backed up)",
            id="update-force",
            compact=True,
        )
        with Horizontal(id="update-actions"):
            yield Button("Update the project (u)", id="update-go", variant="primary", compact=True)
            yield Button("Back (esc)", id="update-back", compact=True)
        yield ProgressBar(id="update-progress", show_eta=False, show_percentage=False)
        yield Static(id="update-status")
        yield Footer(compact=True, show_command_palette=False)

    @property
    def project(self) -> str:
        return str(self.app.services.project)

    def on_mount(self) -> None:
        self.sub_title = "Update the project"
        self.query_one("#update-head", Static).update(
            Content.assemble(
                ("Dry run: ", "bold"),
                f"what updating {self.project} with these answers changes. Nothing is written yet.",
            )
        )
        self.query_one("#update-go", Button).disabled = True
        self.query_one("#update-force").display = False  # offered when the update asks for it
        self._run(PLAN, dry_run=True, status="Working out the update (a dry run) ...")

    # ------------------------------------------------------------------ running

    def _run(self, name: str, *, dry_run: bool, status: str) -> None:
        services = self.app.services
        update, project, recorded = services.update, services.project, services.recorded
        assert update is not None and project is not None and recorded is not None
        answers = self.session.changed_answers(recorded)
        choices = self.session.choices()
        force = self.query_one("#update-force", Checkbox).value
        self._busy(True, status)
        self.run_worker(
            lambda: update(project, answers, choices, dry_run=dry_run, force=force),
            name=name,
            group="update",
            thread=True,
            exclusive=True,
            exit_on_error=False,
        )

    def _busy(self, busy: bool, status: str = "") -> None:
        self.query_one("#update-go", Button).disabled = busy or self.preview is None or self.outcome is not None
        self.query_one("#update-force").disabled = busy
        bar = self.query_one("#update-progress", ProgressBar)
        bar.display = busy
        bar.update(total=None)
        self.query_one("#update-status", Static).update(status)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        name = event.worker.name
        if name not in (PLAN, APPLY):
            return
        if event.state is WorkerState.SUCCESS:
            done = cast(Updated, event.worker.result)
            self.error = None
            if name == PLAN:
                self._previewed(done)
            else:
                self._applied(done)
        elif event.state is WorkerState.ERROR:
            exc = event.worker.error
            message = str(exc) if isinstance(exc, UserError) else f"the update failed ({type(exc).__name__}: {exc})"
            forced = "--force" in message  # the command line's way out is the check box here
            if forced:
                message = message.replace("pass --force", "tick the box above (space), then u")
                self.query_one("#update-force").display = True
            self.error = message
            self._busy(False)
            self.query_one("#update-status", Static).update(Content.assemble(("Error: ", "bold $text-error"), message))
            self.query_one("#update-force" if forced else "#update-go").focus()
        elif event.state is WorkerState.CANCELLED:
            self._busy(False, "Cancelled.")

    def _previewed(self, preview: Updated) -> None:
        self.preview = preview
        self.query_one("#update-summary", Static).update(Content(preview.text))
        if preview.empty:
            self.outcome = preview  # nothing to do: the button stays off
            self._busy(False)
            self.query_one("#update-status", Static).update(
                Content.assemble(("Up to date: ", "bold $text-success"), "these answers generate the project as it is.")
            )
            return
        self._busy(False)
        conflicts = f" {len(preview.conflicts)} file(s) would need you (conflicts)." if preview.conflicts else ""
        self.query_one("#update-status", Static).update(
            f"u (or the button) updates {self.project} as listed.{conflicts} escape goes back."
        )
        self.query_one("#update-go", Button).focus()

    def _applied(self, outcome: Updated) -> None:
        self.outcome = outcome
        self._busy(False)
        self.query_one("#update-force").display = False
        self.query_one("#update-go").display = False
        self.query_one("#update-back", Button).focus()
        self.query_one("#update-head", Static).update(
            Content.assemble(("Updated: ", "bold"), f"{self.project}; its record now holds these answers.")
        )
        self.query_one("#update-summary", Static).update(Content(outcome.text))
        if outcome.exit_code:
            listed = ", ".join(outcome.conflicts[:4]) + (" ..." if len(outcome.conflicts) > 4 else "")
            status = Content.assemble(
                ("Conflicts remain ", "bold $text-warning"),
                f"in {listed}: resolve them; `wa-assist check {self.project}` lists what is left.",
            )
        else:
            status = Content.assemble(("Done. ", "bold $text-success"), "escape: back; ctrl+q quits.")
        self.query_one("#update-status", Static).update(status)
        self.app.project_updated()

    # ------------------------------------------------------------------ actions

    @on(Button.Pressed, "#update-go")
    def _go(self) -> None:
        self.action_apply()

    @on(Button.Pressed, "#update-back")
    def _back(self) -> None:
        self.action_back()

    def action_apply(self) -> None:
        if self.preview is None or self.outcome is not None or self.running():
            return
        self._run(APPLY, dry_run=False, status=f"Updating {self.project} ...")

    def action_back(self) -> None:
        if self.running():
            self.notify("The project is still being updated.", severity="warning")
            return
        self.app.pop_screen()

    def running(self) -> bool:
        return any(w.is_running for w in self.app.workers if w.name in (PLAN, APPLY))
