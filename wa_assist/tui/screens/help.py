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
| `ctrl+l`, or `/` outside a text box | search the knowledge base (in the results, `/` searches the list) |
| `f2` or `ctrl+g` | ask a question in your own words, answered for the answers so far |
| `ctrl+p` | command palette: jump to any entry, change the theme |
| `ctrl+t` | light or dark theme |
| `ctrl+q` | quit; with unsaved answers it asks first (save, quit without saving, cancel) |

Without `--profile` the interview keeps its draft in `~/.local/state/wa-assist/draft.yaml`
(`$XDG_STATE_HOME`, or `WA_ASSIST_STATE_DIR`); the line under the questions says where and whether
it is saved. Each step, and each accept or reject, saves it; the next start offers to resume at the
step you left. Accepted and rejected recommendations are saved in the profile file too.

## Interview

| Key | Does |
|---|---|
| `tab`, `shift+tab` | next or previous field |
| arrows, `space`, `enter` | pick a choice `(•)`, tick an option `[x]` |
| `ctrl+n` | next step (the last step shows the results) |
| `ctrl+b` | previous step |
| `ctrl+s` | save the draft now |

## Results

| Key | Does |
|---|---|
| `up`, `down` | move between recommendations; details show on the right |
| `space` | accept or reject (`[✓]` accepted, `[✗]` rejected, `[ ]` pending) |
| `a`, `r` | accept, reject |
| `A`, `R` | accept, reject every recommendation shown |
| `/`, `ctrl+f` | search the list; `tab` reaches the pillar, priority and status filters |
| `g` | generate the project (pending ones are applied, rejected ones left out) |
| `escape` | back to the interview |

## Search

In the results of a search, `a` and `r` accept or reject a recommendation, `j` shows it in the
results list. In the command palette (`ctrl+p`), type `accept`, `reject` or `show in results`
and the recommendation.

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
