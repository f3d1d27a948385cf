"""Generate the project: choose the folder, render in a worker thread, then list what was made."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import (
    Button,
    Checkbox,
    Footer,
    Header,
    Input,
    Label,
    ProgressBar,
    Static,
)
from textual.worker import Worker, WorkerState

from wa_assist.errors import UserError
from wa_assist.tui.services import Generated
from wa_assist.tui.session import Session
from wa_assist.tui.widgets.choice import MarkedCheckbox
from wa_assist.tui.widgets.markdown_view import MarkdownView

if TYPE_CHECKING:
    from wa_assist.tui.app import WaAssistApp

MAX_FILES_SHOWN = 40


def summary_markdown(generated: Generated) -> str:
    """Next steps first (they must be on screen in a small terminal), then the files made."""
    files = sorted(generated.files)
    steps = list(generated.next_steps) or [f"`cd {generated.dest}`", "Read `README.md`."]
    lines = [f"## Created {len(files)} files in `{generated.dest}`", "", "## Next steps", ""]
    lines += [f"{i}. {step}" for i, step in enumerate(steps, 1)]
    lines += ["", "## Files", ""]
    lines += [f"- `{f}`" for f in files[:MAX_FILES_SHOWN]]
    if len(files) > MAX_FILES_SHOWN:
        lines.append(f"- ... and {len(files) - MAX_FILES_SHOWN} more")
    return "\n".join(lines) + "\n"


class GenerateScreen(Screen[None]):
    """Renders the project into a folder; errors are shown here and nothing typed is lost."""

    app: WaAssistApp

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", "Back")]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.generated: Generated | None = None
        self.error: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="generate"):
            with Vertical(id="generate-form"):
                yield Label("Destination folder", classes="prompt")
                yield Input(value=f"./{self.session.name}", id="dest")
                yield MarkedCheckbox(
                    "Render into a non-empty folder (your files are never overwritten)", id="force", compact=True
                )
                yield Static(id="generate-choices")
                with Horizontal(id="generate-actions"):
                    yield Button("Generate", id="go", variant="primary", compact=True)
                yield Static(id="generate-error")
            yield ProgressBar(id="generate-progress", show_eta=False, show_percentage=False)
            yield Static(id="generate-status")
            yield MarkdownView(id="generate-summary")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Generate the project"
        counts = self.session.counts()
        applied = counts["accepted"] + counts["pending"]
        pending = f" ({counts['pending']} of them still pending)" if counts["pending"] else ""
        self.query_one("#generate-choices", Static).update(
            f"The project applies {applied} recommendations{pending} and leaves out the {counts['rejected']} rejected."
        )
        self.query_one("#generate-progress").display = False
        self.query_one("#generate-summary").display = False
        self.query_one("#generate-error").display = False
        self.query_one("#dest", Input).focus()

    @on(Input.Submitted, "#dest")
    @on(Button.Pressed, "#go")
    def _go(self) -> None:
        self.action_generate()

    def action_generate(self) -> None:
        text = self.query_one("#dest", Input).value.strip()
        if not text:
            self._fail("Give a destination folder, for example ./" + self.session.name)
            return
        dest = Path(text).expanduser()
        force = self.query_one("#force", Checkbox).value
        profile = self.session.profile()
        rejected = frozenset(self.session.rejected)
        self._busy(True, f"Rendering the project into {dest} ...")
        generate = self.app.services.generate
        assert generate is not None
        self.run_worker(
            lambda: generate(dest, profile, rejected, force),
            name="generate",
            group="generate",
            thread=True,
            exclusive=True,
            exit_on_error=False,
        )

    def _busy(self, busy: bool, status: str = "") -> None:
        for selector in ("#dest", "#force", "#go"):
            self.query_one(selector).disabled = busy
        bar = self.query_one("#generate-progress", ProgressBar)
        bar.display = busy
        bar.update(total=None)
        self.query_one("#generate-status", Static).update(status)
        if busy:
            self.query_one("#generate-error").display = False

    def _fail(self, message: str) -> None:
        self.error = message
        error = self.query_one("#generate-error", Static)
        error.update(Content.assemble(("Error: ", "bold"), message))
        error.display = True
        self.query_one("#dest", Input).focus()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.name != "generate":
            return
        if event.state is WorkerState.SUCCESS:
            generated = cast(Generated, event.worker.result)
            self.generated = generated
            self.error = None
            self._busy(False, "")
            for selector in ("#dest", "#force", "#go"):
                self.query_one(selector).disabled = True
            self.query_one("#generate-form").display = False
            summary = self.query_one("#generate-summary", MarkdownView)
            summary.show(summary_markdown(generated))
            summary.display = True
            self.query_one("#generate-status", Static).update(
                Content.assemble(("Done. ", "bold $text-success"), "escape: back to the recommendations; ctrl+q quits.")
            )
            self.app.save_draft(quiet=True)
        elif event.state is WorkerState.ERROR:
            exc = event.worker.error
            self._busy(False, "")
            if isinstance(exc, UserError):
                self._fail(str(exc))
            else:
                self._fail(f"the project could not be generated ({type(exc).__name__}: {exc})")
        elif event.state is WorkerState.CANCELLED:
            self._busy(False, "Cancelled.")

    def action_back(self) -> None:
        if self.workers_running():
            self.notify("The project is still being generated.", severity="warning")
            return
        self.app.pop_screen()

    def workers_running(self) -> bool:
        return any(w.is_running for w in self.app.workers if w.name == "generate")
