"""Lookup inside the interface: live fuzzy search over the knowledge base, and one entry's details."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

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
        Binding("a", "choose('accepted')", "Accept"),
        Binding("r", "choose('rejected')", "Reject"),
        Binding("j", "jump", "Show in results"),
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
        status.update(Content.styled(f"{len(self.hits)} result{'' if len(self.hits) == 1 else 's'}", "dim"))
        results.add_options(Option(self._prompt(hit), id=hit.id) for hit in self.hits)
        results.highlighted = 0

    def _prompt(self, hit: Any) -> Content:
        kind = hit.kind
        if self.app.is_recommended(hit.id):
            kind += f" · recommended, {self.app.session.status(hit.id)}"
        return Content.assemble((hit.title, "bold"), ("\n" + kind, "dim"))

    @on(OptionList.OptionHighlighted, "#search-results")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_detail(event.option.id or "")

    def _show_detail(self, entry_id: str) -> None:
        kb = self.app.services.kb
        entry = kb.get(entry_id)
        if entry is None:
            return
        text = entry_markdown(kb, entry)
        if self.app.is_recommended(entry_id):
            status = self.app.session.status(entry_id)
            text = (
                f"**Recommended for your answers: {status}.** `a` accepts it, `r` rejects it, "
                f"`j` shows it in the results.\n\n{text}"
            )
        self.query_one("#search-detail", MarkdownView).show(text)
        self.query_one("#search-detail-scroll", VerticalScroll).scroll_home(animate=False)

    def highlighted_id(self) -> str | None:
        results = self.query_one("#search-results", OptionList)
        if results.highlighted is None or not results.option_count:
            return None
        return results.get_option_at_index(results.highlighted).id

    def action_choose(self, status: str) -> None:
        entry_id = self.highlighted_id()
        if entry_id is None:
            return
        self.app.set_recommendation(entry_id, status)
        hit = next((h for h in self.hits if h.id == entry_id), None)
        if hit is not None:
            self.query_one("#search-results", OptionList).replace_option_prompt(entry_id, self._prompt(hit))
        self._show_detail(entry_id)

    def action_jump(self) -> None:
        entry_id = self.highlighted_id()
        if entry_id is not None:
            self.app.jump_to_recommendation(entry_id)

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
