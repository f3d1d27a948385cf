"""The keys of every screen."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer

from wa_assist.tui.widgets.markdown_view import MarkdownView

HELP = """\
# wa-assist

Answer the interview, review the recommendations of the AWS Well-Architected Serverless
Applications Lens, then generate an AWS SAM project that implements them.

## Everywhere

| Key | Does |
|---|---|
| `f1`, or `?` outside a text box | this help |
| `ctrl+l`, or `/` outside a text box | search the knowledge base |
| `ctrl+p` | command palette: jump to any entry, change the theme |
| `ctrl+t` | light or dark theme |
| `ctrl+q` | quit (a draft with a profile file is saved first) |

## Interview

| Key | Does |
|---|---|
| `tab`, `shift+tab` | next or previous field |
| arrows, `space`, `enter` | pick a choice, tick an option |
| `ctrl+n` | next step (the last step shows the results) |
| `ctrl+b` | previous step |
| `ctrl+s` | save the draft to the profile file |

## Results

| Key | Does |
|---|---|
| `up`, `down` | move between recommendations; details show on the right |
| `space` | accept or reject |
| `a`, `r` | accept, reject |
| `g` | generate the project |
| `escape` | back to the interview |

## Generate

Type the destination folder and press `enter`. Errors (a folder that is not empty, a bad
name) show on the screen; fix them and press `enter` again.
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark,f1", "close", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-dialog"):
            yield MarkdownView(HELP, id="help-markdown")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#help-dialog").focus()

    def action_close(self) -> None:
        self.dismiss()
