"""The wa-assist application: the interview, its results, lookup and project generation.

The app receives its services (knowledge base, engine, generator, search index, draft store) through
its constructor; :func:`make_app` builds it for the command line and for tests alike.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from wa_assist.tui.commands import KnowledgeCommands
from wa_assist.tui.screens.dialogs import (
    MIN_HEIGHT,
    MIN_WIDTH,
    QuitScreen,
    ResumeScreen,
    TooSmallScreen,
    UnappliedScreen,
)
from wa_assist.tui.services import (
    GenerateFn,
    ProfileStore,
    RecommendFn,
    Services,
    UpdateFn,
    default_draft_path,
    default_generate,
    default_update,
    shown_path,
)
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
        Binding("ctrl+l,slash", "search", "Search", show=False),
        Binding("f2,ctrl+g", "ask", "Ask"),
        Binding("ctrl+t", "toggle_theme", "Theme", show=False),
    ]

    def __init__(
        self,
        services: Services,
        profile: Profile | None = None,
        *,
        exit_when_ready: bool = False,
        notice: str | None = None,
    ) -> None:
        super().__init__()
        self.services = services
        self.session = Session(services, profile)
        self.exit_when_ready = exit_when_ready
        self.started_at = time.perf_counter()
        self.ready_at: float | None = None
        self.theme = DARK_THEME
        self.ask_history: list[Any] = []  # the questions asked on the Ask screen, and their answers
        self.step: str | None = None  # the interview step shown, or "results"
        self.resumed_from = profile is not None and services.store is not None and services.store.exists()
        self.notice = notice  # said once the first question is on screen (e.g. a draft that could not be read)

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
                return
            if self.notice:
                self.notify(self.notice, title="Draft", severity="warning", timeout=10)
            self._offer_resume()
            self._check_size()

    # ------------------------------------------------------------------ resuming

    def step_label(self, step: str | None) -> str | None:
        """``step 4 of 9 (Traffic)`` or ``the results``; None for an unknown or the first step."""
        if step == "results":
            return "the results"
        steps = self.session.steps()
        if step not in steps or steps.index(step) == 0:
            return None
        return f"step {steps.index(step) + 1} of {len(steps)} ({step})"

    def _offer_resume(self) -> None:
        store = self.services.store
        if store is None or not self.resumed_from:
            return
        step = store.remembered_step()
        label = self.step_label(step)
        if label is None and not store.autosaved:
            return  # the user's own profile, nothing to resume beyond step 1

        def chosen(choice: str | None) -> None:
            self.call_later(self._resume, choice or "first", step)

        self.push_screen(ResumeScreen(shown_path(store.path), label, can_start_over=store.autosaved), callback=chosen)

    async def _resume(self, choice: str, step: str | None) -> None:
        from wa_assist.tui.screens.interview import InterviewScreen

        interview = next((s for s in self.screen_stack if isinstance(s, InterviewScreen)), None)
        if interview is None:
            return
        if choice == "fresh":
            self.session.reset()
            await interview.show_step(self.session.steps()[0])
            self.notify("Started over; the old draft is replaced when this one is saved.", title="New draft")
        elif choice == "resume" and step == "results":
            await interview.show_step(self.session.steps()[-1])
            self.show_results()
        elif choice == "resume" and step in self.session.steps():
            await interview.show_step(step)

    # ------------------------------------------------------------------ terminal size

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self._check_size)

    def too_small(self) -> bool:
        return self.size.width < MIN_WIDTH or self.size.height < MIN_HEIGHT

    def _check_size(self) -> None:
        if self.ready_at is None:
            return
        shown = isinstance(self.screen, TooSmallScreen)
        if self.too_small() and not shown:
            self.push_screen(TooSmallScreen())
        elif shown and not self.too_small():
            self.pop_screen()
        elif shown:
            cast(TooSmallScreen, self.screen).show(self.size.width, self.size.height)

    # ------------------------------------------------------------------ navigation

    def show_results(self, focus: str | None = None) -> None:
        from wa_assist.tui.screens.results import ResultsScreen

        self.push_screen(ResultsScreen(self.session, focus=focus))

    def is_recommended(self, entry_id: str) -> bool:
        """Whether the entry is one of the recommendations for the answers so far."""
        return any(r.id == entry_id for r in self.session.all_recommendations())

    def set_recommendation(self, entry_id: str, status: str) -> None:
        """Accept or reject a recommendation from anywhere (search, the palette); the draft follows."""
        if not self.is_recommended(entry_id):
            self.notify(f"{entry_id} is not recommended for these answers.", severity="warning")
            return
        self.session.set_status(entry_id, status)
        self.save_draft(quiet=True)
        entry = self.services.kb.get(entry_id)
        self.notify(f"{entry.title if entry else entry_id}", title=status.capitalize())
        for screen in self.screen_stack:
            refresh = getattr(screen, "refresh_choices", None)
            if refresh is not None:
                refresh()

    def jump_to_recommendation(self, entry_id: str) -> None:
        """Show the recommendation in the results list, closing search or dialogs on the way."""
        from wa_assist.tui.screens.interview import InterviewScreen
        from wa_assist.tui.screens.results import ResultsScreen

        if not self.is_recommended(entry_id):
            self.notify(f"{entry_id} is not recommended for these answers.", severity="warning")
            return
        while len(self.screen_stack) > 1 and not isinstance(self.screen, (InterviewScreen, ResultsScreen)):
            self.pop_screen()
        if isinstance(self.screen, ResultsScreen):
            self.screen.jump(entry_id)
        else:
            self.show_results(focus=entry_id)

    def show_generate(self) -> None:
        from wa_assist.tui.screens.generate import GenerateScreen

        self.push_screen(GenerateScreen(self.session))

    def show_update(self) -> None:
        from wa_assist.tui.screens.update import UpdateScreen

        if self.services.project is not None:
            self.push_screen(UpdateScreen(self.session))

    def unapplied(self) -> bool:
        """Whether the opened project's record lacks answers or choices changed here."""
        recorded = self.services.recorded
        if self.services.project is None or recorded is None:
            return False
        choices = (frozenset(recorded.accepted), frozenset(recorded.rejected))
        return bool(self.session.changed_answers(recorded)) or self.session.choices() != choices

    def project_updated(self) -> None:
        """The project's record now holds the session's answers and choices: they are what later updates start from."""
        self.services.recorded = self.session.profile(source=str(self.services.project))
        if self.services.store is None:
            self.session.mark_saved()
        else:
            self.save_draft(quiet=True)

    def show_entry(self, entry_id: str) -> None:
        from wa_assist.tui.screens.lookup import EntryScreen

        self.push_screen(EntryScreen(entry_id))

    def action_search(self) -> None:
        from wa_assist.tui.screens.lookup import SearchScreen

        if not isinstance(self.screen, (SearchScreen, TooSmallScreen)):
            self.push_screen(SearchScreen())

    def action_ask(self) -> None:
        from wa_assist.tui.screens.ask import AskScreen

        if not isinstance(self.screen, AskScreen):
            self.push_screen(AskScreen(self.ask_history))

    def action_help(self) -> None:
        from wa_assist.tui.screens.help import HelpScreen

        if not isinstance(self.screen, (HelpScreen, TooSmallScreen)):
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

    def draft_where(self) -> str:
        store = self.services.store
        return shown_path(store.path) if store is not None else "nowhere"

    def note_step(self, step: str) -> None:
        """The interview moved to ``step`` (a group, or ``results``): kept with the next save, or on quitting."""
        self.step = step

    def save_draft(self, quiet: bool = True) -> Path | None:
        """Save the answers and choices to the profile file; errors are shown, never raised."""
        store = self.services.store
        if store is None:
            if not quiet:
                self.notify("There is no draft file to save to.", title="Not saved", severity="warning")
            return None
        try:
            path = store.save(self.session.profile(source=str(store.path)))
        except (OSError, ValueError) as exc:
            self.notify(f"{shown_path(store.path)}: {exc}", title="Draft not saved", severity="error")
            return None
        self.session.mark_saved()
        if self.step is not None:
            store.remember_step(self.step)
        if not quiet:
            self.notify(f"Saved to {shown_path(path)}", title="Draft saved")
        for screen in self.screen_stack:
            refresh = getattr(screen, "refresh_draft_status", None)
            if refresh is not None:
                refresh()
        return path

    async def action_quit(self) -> None:
        if isinstance(self.screen, (QuitScreen, UnappliedScreen)):
            return
        if self.services.store is None and self.unapplied():

            def answered(choice: str | None) -> None:
                if choice == "discard":
                    self.exit(0)

            self.push_screen(UnappliedScreen(str(self.services.project)), callback=answered)
            return
        if self.services.store is None or not self.session.unsaved():
            if self.step is not None and self.services.store is not None and self.services.store.exists():
                self.services.store.remember_step(self.step)
            self.exit(0)
            return

        def chosen(choice: str | None) -> None:
            if choice == "save":
                if self.save_draft(quiet=True) is not None:
                    self.exit(0)
            elif choice == "discard":
                self.exit(0)

        self.push_screen(QuitScreen(self.draft_where()), callback=chosen)


def make_app(
    kb: KnowledgeBase,
    *,
    recommend: RecommendFn | None = None,
    generate: GenerateFn | None = None,
    index_loader: Callable[[], SearchIndex] | None = None,
    profile_path: str | Path | None = None,
    profile: Profile | None = None,
    exit_when_ready: bool = False,
    knowledge: Sequence[str | Path] = (),
    project: str | Path | None = None,
    update: UpdateFn | None = None,
) -> WaAssistApp:
    """The app with real services unless fakes are given.

    With ``profile_path``, answers and choices are loaded from that profile file when it exists and
    saved back to it; :class:`wa_assist.profile.ProfileError` is raised for an invalid file. Without
    it, the interview keeps its own draft (:func:`~wa_assist.tui.services.default_draft_path`); a
    draft that can no longer be read is moved aside, and the interview starts afresh.

    With ``project`` (a folder ``wa-assist new`` generated), the answers and choices it recorded are loaded
    (those of ``profile_path`` instead, when that file exists) and the results screen updates the project
    rather than generating one; without ``profile_path`` nothing is saved but the project's own record.
    """
    from wa_assist.profile import ProfileError

    notice = None
    root: Path | None = None
    recorded: Profile | None = None
    store: ProfileStore | None
    if project is not None:
        from wa_assist.update.run import recorded_profile

        root, recorded = recorded_profile(project, kb)
        store = ProfileStore(profile_path) if profile_path is not None else None
        if profile is None:
            profile = store.load(kb) if store is not None and store.exists() else recorded
    elif profile_path is not None:
        store = ProfileStore(profile_path)
        if profile is None and store.exists():
            profile = store.load(kb)
    else:
        store = ProfileStore(default_draft_path(), autosaved=True)
        if profile is None and store.exists():
            try:
                profile = store.load(kb)
            except ProfileError as exc:
                aside = store.path.with_name(store.path.stem + ".unreadable" + store.path.suffix)
                store.path.replace(aside)
                first = str(exc).splitlines()[0]
                notice = f"The saved draft could not be read ({first}); it is kept as {shown_path(aside)}."
    if generate is None:
        generate = default_generate(kb, knowledge)
    services = Services(kb=kb, generate=generate, index_loader=index_loader, store=store)
    if root is not None:
        services.project, services.recorded = root, recorded
        services.update = update or default_update(knowledge)
    if recommend is not None:
        services.recommend = recommend
    return WaAssistApp(services, profile, exit_when_ready=exit_when_ready, notice=notice)
