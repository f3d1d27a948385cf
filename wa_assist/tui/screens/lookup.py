"""Lookup inside the interface: live fuzzy search over the knowledge base, and one entry's details."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from wa_assist.errors import UserError
from wa_assist.render import entry_markdown
from wa_assist.tui.widgets.markdown_view import MarkdownView

if TYPE_CHECKING:
    from wa_assist.tui.app import WaAssistApp

RESULT_LIMIT = 30


class SearchScreen(Screen[None]):
    """Type to search; up and down pick a result, its details show beside it."""

    app: WaAssistApp

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("down", "results", "Results", show=False),
    ]

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.initial = query
        self.hits: list = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="search"):
            yield Input(
                value=self.initial,
                placeholder="Search the lens guidance: words, typos and abbreviations (DLQ, EMF) work",
                id="search-input",
            )
            yield Static(id="search-status")
            with Horizontal(id="search-body"):
                yield OptionList(id="search-results")
                with VerticalScroll(id="search-detail-scroll"):
                    yield MarkdownView(id="search-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Search"
        self.query_one("#search-input", Input).focus()
        self._search(self.initial)

    @on(Input.Changed, "#search-input")
    def _changed(self, event: Input.Changed) -> None:
        self._search(event.value)

    @on(Input.Submitted, "#search-input")
    def _submitted(self) -> None:
        self.action_results()

    def _search(self, query: str) -> None:
        results = self.query_one("#search-results", OptionList)
        status = self.query_one("#search-status", Static)
        results.clear_options()
        self.hits = []
        if not query.strip():
            status.update(Content.styled(f"{len(self.app.services.kb.entries)} entries. Type to search.", "dim"))
            self.query_one("#search-detail", MarkdownView).show("")
            return
        try:
            self.hits = self.app.services.search_index().search(query, limit=RESULT_LIMIT)
        except UserError:
            self.hits = []
        if not self.hits:
            status.update(Content.styled(f"No entries match {query!r}.", "$text-warning"))
            self.query_one("#search-detail", MarkdownView).show("")
            return
        status.update(Content.styled(f"{len(self.hits)} results", "dim"))
        results.add_options(
            Option(Content.assemble((hit.title, "bold"), ("\n" + hit.kind, "dim")), id=hit.id) for hit in self.hits
        )
        results.highlighted = 0

    @on(OptionList.OptionHighlighted, "#search-results")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        kb = self.app.services.kb
        entry = kb.get(event.option.id or "")
        if entry is not None:
            self.query_one("#search-detail", MarkdownView).show(entry_markdown(kb, entry))
            self.query_one("#search-detail-scroll", VerticalScroll).scroll_home(animate=False)

    @on(OptionList.OptionSelected, "#search-results")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#search-detail-scroll", VerticalScroll).focus()

    def action_results(self) -> None:
        results = self.query_one("#search-results", OptionList)
        if results.option_count:
            results.focus()

    def action_close(self) -> None:
        self.dismiss()


class EntryScreen(ModalScreen[None]):
    """One knowledge entry, rendered from its markdown."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "close", "Close")]

    def __init__(self, entry_id: str) -> None:
        super().__init__()
        self.entry_id = entry_id

    def compose(self) -> ComposeResult:
        app: WaAssistApp = self.app  # type: ignore[assignment]
        kb = app.services.kb
        entry = kb.get(self.entry_id)
        text = entry_markdown(kb, entry) if entry is not None else f"No entry `{self.entry_id}`."
        with VerticalScroll(id="entry-dialog"):
            yield MarkdownView(text, id="entry-markdown")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#entry-dialog").focus()

    def action_close(self) -> None:
        self.dismiss()
