"""Small dialogs: quitting with unsaved answers, resuming a draft, and a terminal that is too small."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Static

MIN_WIDTH = 70
MIN_HEIGHT = 20
"""The smallest terminal every screen is laid out for; below it a notice replaces the screen."""


class QuitScreen(ModalScreen[str]):
    """Asked on quitting with unsaved changes: dismisses with ``save``, ``discard`` or ``cancel``."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "choose('save')", "Save and quit"),
        Binding("d", "choose('discard')", "Quit without saving"),
        Binding("escape,c", "choose('cancel')", "Cancel"),
    ]

    def __init__(self, where: str) -> None:
        super().__init__()
        self.where = where

    def compose(self) -> ComposeResult:
        with Vertical(id="quit-dialog", classes="dialog"):
            yield Static(Content.styled("Quit with unsaved changes?", "bold"), classes="dialog-title")
            yield Static(f"Your latest answers are not saved yet. Save them to {self.where} first?")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save and quit (s)", id="save", variant="primary", compact=True)
                yield Button("Quit, don't save (d)", id="discard", variant="error", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#save", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id or "cancel")

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)


class ResumeScreen(ModalScreen[str]):
    """Offered at start when a draft was kept: dismisses with ``resume``, ``first`` or ``fresh``."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "choose('resume')", "Resume"),
        Binding("f", "choose('first')", "From step 1"),
        Binding("n", "choose('fresh')", "Start over", show=False),
        Binding("escape", "choose('first')", "From step 1", show=False),
    ]

    def __init__(self, where: str, step_label: str | None, can_start_over: bool) -> None:
        super().__init__()
        self.where = where
        self.step_label = step_label
        self.can_start_over = can_start_over

    def compose(self) -> ComposeResult:
        with Vertical(id="resume-dialog", classes="dialog"):
            yield Static(Content.styled("Resume your draft?", "bold"), classes="dialog-title")
            left = f" You left it at {self.step_label}." if self.step_label else ""
            yield Static(f"The answers and choices saved in {self.where} are loaded.{left}")
            with Horizontal(classes="dialog-buttons"):
                label = "Resume (r)" if self.step_label else "Continue (r)"
                yield Button(label, id="resume", variant="primary", compact=True)
                if self.step_label:
                    yield Button("From step 1 (f)", id="first", compact=True)
                if self.can_start_over:
                    yield Button("Start over (n)", id="fresh", variant="warning", compact=True)

    def on_mount(self) -> None:
        self.query_one("#resume", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id or "first")

    def action_choose(self, choice: str) -> None:
        if choice == "fresh" and not self.can_start_over:
            return
        self.dismiss(choice)


class TooSmallScreen(Screen[None]):
    """Shown instead of a screen that cannot be laid out in the terminal; leaves when it grows."""

    def compose(self) -> ComposeResult:
        yield Static(id="too-small")

    def on_mount(self) -> None:
        self.show(self.app.size.width, self.app.size.height)

    def show(self, width: int, height: int) -> None:
        self.query_one("#too-small", Static).update(
            Content.assemble(
                ("Terminal too small", "bold"),
                f"\n\n{width}x{height}: wa-assist needs at least {MIN_WIDTH}x{MIN_HEIGHT}.",
                "\nEnlarge the window; your answers are kept.",
                "\n\nctrl+q quits.",
            )
        )


class UnappliedScreen(ModalScreen[str]):
    """Asked on quitting a project's interview with changes not applied: ``discard`` or ``cancel``."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "choose('discard')", "Quit without updating"),
        Binding("escape,c", "choose('cancel')", "Cancel"),
    ]

    def __init__(self, project: str) -> None:
        super().__init__()
        self.project = project

    def compose(self) -> ComposeResult:
        with Vertical(id="quit-dialog", classes="dialog"):
            yield Static(Content.styled("Quit without updating the project?", "bold"), classes="dialog-title")
            yield Static(
                f"The changed answers and choices are not in {self.project} yet: u on the results screen "
                "updates it. Quitting now forgets them."
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel (esc)", id="cancel", variant="primary", compact=True)
                yield Button("Quit, don't update (d)", id="discard", variant="error", compact=True)

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id or "cancel")

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)
