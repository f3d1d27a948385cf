"""One interview question: its prompt, the right control for its type and an inline error."""

from __future__ import annotations

import re
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Label, RadioButton, RadioSet, SelectionList, Static

from wa_assist.schema import Question, QuestionType
from wa_assist.tui.session import parse_answer


def option_id(qid: str, value: str) -> str:
    """The widget id of one choice of a question (``opt-scenario-rest-api``)."""
    return "opt-" + re.sub(r"[^A-Za-z0-9_-]", "_", f"{qid}-{value}")


def _choice_label(label: str, help_text: str) -> Content:
    if help_text:
        return Content.assemble(label, ("  " + help_text, "dim"))
    return Content(label)


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
    QuestionField RadioSet, QuestionField SelectionList {
        width: 100%;
        height: auto;
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
            with RadioSet(id=self.control_id):
                for choice in q.choices:
                    yield RadioButton(
                        _choice_label(choice.label, choice.help),
                        value=choice.value == self.value,
                        name=choice.value,
                        id=option_id(q.id, choice.value),
                    )
        elif q.type is QuestionType.boolean:
            with RadioSet(id=self.control_id):
                yield RadioButton("Yes", value=self.value is True, name="yes", id=option_id(q.id, "yes"))
                yield RadioButton("No", value=self.value is not True, name="no", id=option_id(q.id, "no"))
        else:  # multi
            chosen = set(self.value or [])
            yield SelectionList[str](
                *((_choice_label(c.label, c.help), c.value, c.value in chosen) for c in q.choices),
                id=self.control_id,
            )
        yield Static("", classes="error")

    def focus_control(self) -> None:
        self.query_one(f"#{self.control_id}").focus()

    def _report(self, value: Any, problem: str | None) -> None:
        self.problem = problem
        self.set_class(problem is not None, "-invalid")
        self.query_one(".error", Static).update(problem or "")
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

    @on(RadioSet.Changed)
    def _picked(self, event: RadioSet.Changed) -> None:
        event.stop()
        name = event.pressed.name
        if self.question.type is QuestionType.boolean:
            self._report(name == "yes", None)
        else:
            self._report(name, None)

    @on(SelectionList.SelectedChanged)
    def _selected(self, event: SelectionList.SelectedChanged) -> None:
        event.stop()
        chosen = set(event.selection_list.selected)
        self._report([c.value for c in self.question.choices if c.value in chosen], None)
