"""Markdown drawn as one widget (Rich's renderer): cheap enough to redraw on every highlight."""

from __future__ import annotations

from rich.markdown import Markdown as RichMarkdown
from textual.widgets import Static


class MarkdownView(Static):
    """Shows a markdown document; ``source`` is the text shown."""

    DEFAULT_CSS = """
    MarkdownView {
        height: auto;
        padding: 0 1 1 0;
    }
    """

    def __init__(self, source: str = "", *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.source = ""
        if source:
            self.show(source)

    def show(self, source: str) -> None:
        self.source = source
        self.update(RichMarkdown(source, hyperlinks=False) if source else "")
