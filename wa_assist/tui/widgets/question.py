"""One interview question: its prompt, the right control for its type and an inline error."""

from __future__ import annotations

import re
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Label, Static

from wa_assist.schema import Question, QuestionType
from wa_assist.tui.session import parse_answer
from wa_assist.tui.widgets.choice import Choice, ChoiceList


def option_id(qid: str, value: str) -> str:
    """A safe id fragment for one choice of a question (``scenario-rest-api``)."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", f"{qid}-{value}")


class QuestionField(Vertical):
    """Asks one question; posts :class:`QuestionField.Answered` with a valid value, or shows why not."""

    DEFAULT_CSS = """
    QuestionField {
        height: auto;
        margin: 0 0 1 0;
    }
    QuestionField > .prompt {
        text-style: bold;
    }
    QuestionField > .error {
        color: $text-error;
        display: none;
    }
    QuestionField.-invalid > .error {
        display: block;
    }
    QuestionField ChoiceList {
        width: 100%;
    }
    """

    class Answered(Message):
        def __init__(self, field: QuestionField, value: Any) -> None:
            self.field = field
            self.question = field.question
            self.value = value
            super().__init__()

    class Invalid(Message):
        def __init__(self, field: QuestionField, problem: str) -> None:
            self.field = field
            self.question = field.question
            self.problem = problem
            super().__init__()

    def __init__(self, question: Question, value: Any) -> None:
        super().__init__(id=f"field-{question.id}", classes=f"question -{question.type.value}")
        self.question = question
        self.value = value
        self.problem: str | None = None

    @property
    def control_id(self) -> str:
        return f"q-{self.question.id}"

    def compose(self) -> ComposeResult:
        q = self.question
        yield Label(q.prompt, classes="prompt")
        if q.type in (QuestionType.text, QuestionType.integer):
            placeholder = ""
            if q.type is QuestionType.integer and q.minimum is not None and q.maximum is not None:
                placeholder = f"{q.minimum} to {q.maximum}"
            yield Input(
                value="" if self.value is None else str(self.value),
                placeholder=placeholder,
                type="integer" if q.type is QuestionType.integer else "text",
                id=self.control_id,
                select_on_focus=False,
            )
        elif q.type is QuestionType.choice:
            choices = [Choice(c.value, c.label, c.help) for c in q.choices]
            yield ChoiceList(choices, [self.value], id=self.control_id)
        elif q.type is QuestionType.boolean:
            yes_no = [Choice("yes", "Yes"), Choice("no", "No")]
            yield ChoiceList(yes_no, ["yes" if self.value is True else "no"], id=self.control_id)
        else:  # multi
            choices = [Choice(c.value, c.label, c.help) for c in q.choices]
            yield ChoiceList(choices, list(self.value or []), multiple=True, id=self.control_id)
        yield Static("", classes="error")

    def focus_control(self) -> None:
        """Focus the control and bring the whole question, prompt first, into view."""
        self.query_one(f"#{self.control_id}").focus(scroll_visible=False)
        self.call_after_refresh(self.scroll_visible, animate=False, top=True)

    def _report(self, value: Any, problem: str | None) -> None:
        self.problem = problem
        self.set_class(problem is not None, "-invalid")
        error = self.query_one(".error", Static)
        error.update(problem or "")
        if problem is not None:  # a wrapped message may fall below the form's view: bring it all in
            self.call_after_refresh(error.scroll_visible, animate=False)
        if problem is None:
            self.value = value
            self.post_message(self.Answered(self, value))
        else:
            self.post_message(self.Invalid(self, problem))

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        value, problem = parse_answer(self.question, event.value)
        self._report(value, problem)

    @on(ChoiceList.Changed)
    def _picked(self, event: ChoiceList.Changed) -> None:
        event.stop()
        kind = self.question.type
        if kind is QuestionType.boolean:
            self._report(event.values == ["yes"], None)
        elif kind is QuestionType.multi:
            self._report(list(event.values), None)
        elif event.values:
            self._report(event.values[0], None)
