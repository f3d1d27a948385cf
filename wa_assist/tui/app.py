"""The wa-assist application: the interview, its results, lookup and project generation.

The app receives its services (knowledge base, engine, generator, search index, draft store) through
its constructor; :func:`make_app` builds it for the command line and for tests alike.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from wa_assist.tui.commands import KnowledgeCommands
from wa_assist.tui.services import GenerateFn, ProfileStore, RecommendFn, Services
from wa_assist.tui.session import Session

if TYPE_CHECKING:
    from wa_assist.kb import KnowledgeBase
    from wa_assist.profile import Profile
    from wa_assist.search import SearchIndex

LIGHT_THEME = "textual-light"
DARK_THEME = "textual-dark"


class WaAssistApp(App[int]):
    """Interview, results, generation; lookup (``/``) and help (``?``) from anywhere."""

    CSS_PATH = "app.tcss"
    TITLE = "wa-assist"
    SUB_TITLE = "Serverless Applications Lens"
    COMMANDS = App.COMMANDS | {KnowledgeCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("ctrl+c", "interrupt", show=False, priority=True),
        Binding("f1,question_mark", "help", "Help"),
        Binding("ctrl+l,slash", "search", "Search"),
        Binding("f2,ctrl+g", "ask", "Ask"),
        Binding("ctrl+t", "toggle_theme", "Theme", show=False),
    ]

    def __init__(self, services: Services, profile: Profile | None = None, *, exit_when_ready: bool = False) -> None:
        super().__init__()
        self.services = services
        self.session = Session(services, profile)
        self.exit_when_ready = exit_when_ready
        self.started_at = time.perf_counter()
        self.ready_at: float | None = None
        self.theme = DARK_THEME
        self.ask_history: list[Any] = []  # the questions asked on the Ask screen, and their answers

    def get_default_screen(self) -> Screen[Any]:
        from wa_assist.tui.screens.interview import InterviewScreen

        return InterviewScreen(self.session)

    def interview_ready(self) -> None:
        """Called by the interview once its first question is mounted; noted after the next refresh."""
        if self.ready_at is None:
            self.call_after_refresh(self._mark_ready)

    def _mark_ready(self) -> None:
        if self.ready_at is None:
            self.ready_at = time.perf_counter()
            if self.exit_when_ready:
                self.exit(0)

    # ------------------------------------------------------------------ navigation

    def show_results(self) -> None:
        from wa_assist.tui.screens.results import ResultsScreen

        self.push_screen(ResultsScreen(self.session))

    def show_generate(self) -> None:
        from wa_assist.tui.screens.generate import GenerateScreen

        self.push_screen(GenerateScreen(self.session))

    def show_entry(self, entry_id: str) -> None:
        from wa_assist.tui.screens.lookup import EntryScreen

        self.push_screen(EntryScreen(entry_id))

    def action_search(self) -> None:
        from wa_assist.tui.screens.lookup import SearchScreen

        if not isinstance(self.screen, SearchScreen):
            self.push_screen(SearchScreen())

    def action_ask(self) -> None:
        from wa_assist.tui.screens.ask import AskScreen

        if not isinstance(self.screen, AskScreen):
            self.push_screen(AskScreen(self.ask_history))

    def action_help(self) -> None:
        from wa_assist.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_interrupt(self) -> None:
        """Ctrl-C copies selected text in a text box; anywhere else it says how to quit."""
        from textual.widgets import Input

        focused = self.focused
        if isinstance(focused, Input) and not focused.selection.is_empty:
            focused.action_copy()
        else:
            self.action_help_quit()

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT_THEME if self.current_theme.dark else DARK_THEME

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Search the knowledge base", "Live fuzzy search over the lens guidance", self.action_search)
        yield SystemCommand("Ask a question", "Answers in plain words, about this workload", self.action_ask)
        yield SystemCommand(
            "Toggle light and dark theme", "Switch between the light and dark theme", self.action_toggle_theme
        )

    # ------------------------------------------------------------------ drafts

    def save_draft(self, quiet: bool = True) -> Path | None:
        """Save the answers to the profile file, when there is one; errors are shown, never raised."""
        store = self.services.store
        if store is None:
            if not quiet:
                self.notify("Start with --profile FILE to keep a draft.", title="No profile file", severity="warning")
            return None
        try:
            path = store.save(self.session.profile(source=str(store.path)))
        except (OSError, ValueError) as exc:
            self.notify(f"{store.path}: {exc}", title="Draft not saved", severity="error")
            return None
        if not quiet:
            self.notify(f"Saved to {path}", title="Draft saved")
        return path

    async def action_quit(self) -> None:
        self.save_draft(quiet=True)
        self.exit(0)


def make_app(
    kb: KnowledgeBase,
    *,
    recommend: RecommendFn | None = None,
    generate: GenerateFn | None = None,
    index_loader: Callable[[], SearchIndex] | None = None,
    profile_path: str | Path | None = None,
    profile: Profile | None = None,
    exit_when_ready: bool = False,
) -> WaAssistApp:
    """The app with real services unless fakes are given.

    With ``profile_path``, answers are loaded from that profile file when it exists (a saved draft)
    and saved back to it; :class:`wa_assist.profile.ProfileError` is raised for an invalid file.
    """
    store = ProfileStore(profile_path) if profile_path is not None else None
    if profile is None and store is not None and store.exists():
        profile = store.load(kb)
    services = Services(kb=kb, generate=generate, index_loader=index_loader, store=store)
    if recommend is not None:
        services.recommend = recommend
    return WaAssistApp(services, profile, exit_when_ready=exit_when_ready)
