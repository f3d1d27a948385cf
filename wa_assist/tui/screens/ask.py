"""Ask in plain words: a conversation with the knowledge base, about the workload being described.

Each question gets an answer card (the best entry's answer, steps and cautions, whether it applies to
the interview's answers so far and why, what the generated project does about it) with buttons that
open its sources. The history of questions and answers lasts as long as the app.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Static

from wa_assist.ask import Answer, answer, render_text
from wa_assist.errors import UserError
from wa_assist.tui.widgets.markdown_view import MarkdownView

if TYPE_CHECKING:
    from wa_assist.tui.app import WaAssistApp


@dataclass
class Exchange:
    """One question of the session and its answer."""

    question: str
    answer: Answer
    markdown: str


class SourceButton(Button):
    """Opens one source entry of an answer."""

    def __init__(self, entry_id: str, label: str) -> None:
        super().__init__(label, classes="ask-source", compact=True)
        self.entry_id = entry_id


class AnswerCard(Vertical):
    """A question and its answer, with buttons for its sources or nearest topics."""

    def __init__(self, exchange: Exchange) -> None:
        super().__init__(classes="ask-card")
        self.exchange = exchange

    def compose(self) -> ComposeResult:
        ans = self.exchange.answer
        yield Static(Content.assemble(("You asked: ", "dim"), (self.exchange.question, "bold")), classes="ask-question")
        yield MarkdownView(self.exchange.markdown, classes="ask-answer")
        links = ans.sources or [eid for eid, _ in ans.suggestions]
        if links:
            with Horizontal(classes="ask-sources"):
                yield Static("Sources:" if ans.confident else "Nearest topics:", classes="ask-sources-label")
                for eid in links:
                    yield SourceButton(eid, eid)


class AskScreen(Screen[None]):
    """Type a question and press enter; answers pile up above, newest last."""

    app: WaAssistApp

    DEFAULT_CSS = """
    AskScreen #ask-history { height: 1fr; padding: 0 1; }
    AskScreen .ask-card { height: auto; border: round $primary 50%; padding: 0 1; margin: 0 0 1 0; }
    AskScreen .ask-question { margin: 0 0 1 0; }
    AskScreen .ask-sources { height: auto; }
    AskScreen .ask-sources-label { width: auto; padding: 0 1 0 0; color: $text-muted; }
    AskScreen .ask-source { margin: 0 1 0 0; }
    AskScreen #ask-context { padding: 0 1; color: $text-muted; }
    AskScreen #ask-input { margin: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close")]

    def __init__(self, history: list[Exchange] | None = None) -> None:
        super().__init__()
        self.history: list[Exchange] = history if history is not None else []

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="ask-history"):
            if not self.history:
                yield Static(
                    "Ask about serverless on AWS in your own words, for example "
                    "'the first call after a deploy is slow' or 'how do I stop paying for old logs'.",
                    id="ask-empty",
                )
            for exchange in self.history:
                yield AnswerCard(exchange)
        yield Static(id="ask-context")
        yield Input(placeholder="Ask a question and press enter", id="ask-input")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Ask"
        name = self.app.session.name
        self.query_one("#ask-context", Static).update(
            f"Answers are about '{name}', from the interview's answers so far."
        )
        self.query_one("#ask-input", Input).focus()
        self.query_one("#ask-history", VerticalScroll).scroll_end(animate=False)

    @on(Input.Submitted, "#ask-input")
    async def _submitted(self, event: Input.Submitted) -> None:
        question = event.value.strip()
        if not question:
            return
        box = self.query_one("#ask-input", Input)
        try:
            exchange = self.ask(question)
        except UserError as exc:
            self.notify(str(exc), title="Nothing to ask", severity="warning")
            return
        box.clear()
        self.history.append(exchange)
        history = self.query_one("#ask-history", VerticalScroll)
        for placeholder in self.query("#ask-empty"):
            await placeholder.remove()
        await history.mount(AnswerCard(exchange))
        history.scroll_end(animate=False)

    def ask(self, question: str) -> Exchange:
        """The answer to ``question`` for the interview's answers so far (raises UserError when empty)."""
        services = self.app.services
        index = services.search_index()
        from wa_assist.engine import EngineError

        result: Any = None
        try:
            result = self.app.session.result()
        except (UserError, EngineError, ValueError):  # answers not valid yet: answer without the workload
            result = None
        ans = answer(index, question, kb=services.kb, result=result if hasattr(result, "profile") else None)
        return Exchange(question, ans, render_text(ans, markdown=True, sources=False))

    @on(Button.Pressed, ".ask-source")
    def _open_source(self, event: Button.Pressed) -> None:
        if isinstance(event.button, SourceButton):
            self.app.show_entry(event.button.entry_id)

    def action_close(self) -> None:
        self.dismiss()
