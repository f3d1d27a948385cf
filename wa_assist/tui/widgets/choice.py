"""A list of choices that reads without colour: ``(•)`` marks the chosen one, ``[x]`` each ticked one.

Each choice shows its label and, wrapped under it, what it means. The cursor starts on the chosen
choice, and stops at the ends of the list instead of wrapping around to the other end.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import Checkbox, OptionList
from textual.widgets.option_list import Option

MARK_WIDTH = 4  # "(•) " and "[x] ": the description wraps under the label, not under the mark


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    help: str = ""


def mark(chosen: bool, multiple: bool) -> str:
    if multiple:
        return "[x] " if chosen else "[ ] "
    return "(•) " if chosen else "( ) "


class ChoiceList(OptionList):
    """One choice (``multiple=False``) or any number of them; posts :class:`ChoiceList.Changed`."""

    DEFAULT_CSS = """
    ChoiceList {
        height: auto;
        max-height: 1000;
        overflow-x: hidden;
        overflow-y: hidden;
        border: none;
        padding: 0;
        background: transparent;
        &:focus {
            border: none;
            background-tint: $foreground 4%;
        }
        & > .option-list--option {
            padding: 0;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "select", "Choose", show=False),
    ]

    class Changed(Message):
        def __init__(self, choice_list: ChoiceList, values: list[str]) -> None:
            self.choice_list = choice_list
            self.values = values
            super().__init__()

        @property
        def control(self) -> ChoiceList:
            return self.choice_list

    def __init__(
        self, choices: Sequence[Choice], chosen: Sequence[str], *, multiple: bool = False, id: str | None = None
    ) -> None:
        self.choices = list(choices)
        self.multiple = multiple
        self.chosen: list[str] = [c.value for c in self.choices if c.value in set(chosen)]
        self._width: int | None = None  # the width descriptions wrap to, once laid out
        super().__init__(*(Option(self._prompt(c), id=c.value) for c in self.choices), id=id)

    def _prompt(self, choice: Choice) -> Content:
        chosen = choice.value in self.chosen
        style = "bold" if chosen else ""
        parts: list[tuple[str, str] | str] = [(mark(chosen, self.multiple), style), (choice.label, style)]
        if choice.help:
            lines = textwrap.wrap(choice.help, self._width) if self._width else [choice.help]
            for line in lines:
                parts += ["\n" + " " * MARK_WIDTH, (line, "dim")]
        return Content.assemble(*parts)

    def _refresh_prompts(self) -> None:
        for choice in self.choices:
            self.replace_option_prompt(choice.value, self._prompt(choice))

    def on_mount(self) -> None:
        first = next((i for i, c in enumerate(self.choices) if c.value in self.chosen), 0)
        self.highlighted = first if self.choices else None

    def on_resize(self, event: events.Resize) -> None:
        available = event.size.width - MARK_WIDTH
        width = available if available >= 12 else None
        if width != self._width:
            self._width = width
            self._refresh_prompts()

    @property
    def value(self) -> str | None:
        """The chosen value of a single-choice list."""
        return self.chosen[0] if self.chosen else None

    def _set(self, chosen: list[str]) -> None:
        self.chosen = [c.value for c in self.choices if c.value in set(chosen)]
        self._refresh_prompts()
        self.post_message(self.Changed(self, list(self.chosen)))

    def choose(self, value: str) -> None:
        """Choose ``value`` (or, in a multiple list, tick or untick it), as a key press or click does."""
        if self.multiple:
            self._set([v for v in self.chosen if v != value] if value in self.chosen else [*self.chosen, value])
        elif self.chosen != [value]:
            self._set([value])
        self.highlighted = next(i for i, c in enumerate(self.choices) if c.value == value)

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.choose(event.option.id)

    def action_cursor_up(self) -> None:
        if self.highlighted == 0:
            self.app.bell()  # the first choice: stay, do not wrap to the last
            return
        super().action_cursor_up()

    def action_cursor_down(self) -> None:
        if self.highlighted is not None and self.highlighted >= self.option_count - 1:
            self.app.bell()
            return
        super().action_cursor_down()


class MarkedCheckbox(Checkbox):
    """A checkbox whose mark, ``[x]`` or ``[ ]``, says its state without colour."""

    @property
    def _button(self) -> Content:
        return Content.styled("[x]" if self.value else "[ ]", "bold" if self.value else "")
