"""The Ask screen, driven with Textual's Pilot: questions, answer cards, the workload, history, sources."""

from __future__ import annotations

import asyncio
import functools
from typing import Any

from textual.widgets import Input

from wa_assist.tui import make_app
from wa_assist.tui.screens.ask import AnswerCard, AskScreen, SourceButton
from wa_assist.tui.screens.interview import InterviewScreen
from wa_assist.tui.screens.lookup import EntryScreen, SearchScreen

SIZE = (120, 40)


def pilot_test(fn: Any) -> Any:
    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        return asyncio.run(fn(*args, **kwargs))

    return run


def _no_generation(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("the Ask screen never generates a project")


async def ask(pilot: Any, question: str) -> None:
    box = pilot.app.screen.query_one("#ask-input", Input)
    box.focus()
    box.value = question
    await pilot.press("enter")
    await pilot.pause()


@pilot_test
async def test_ask_answers_in_cards_and_keeps_the_history(kb):
    app = make_app(kb, generate=_no_generation)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, AskScreen)
        assert app.focused is app.screen.query_one("#ask-input")
        await ask(pilot, "can I keep user sessions for 30 minutes and then drop them")
        cards = list(app.screen.query(AnswerCard))
        assert len(cards) == 1
        first = cards[0].exchange.answer
        assert first.sources[0] == "svc-dynamodb-ttl"
        assert kb.entries["svc-dynamodb-ttl"].summary.split()[0] in cards[0].exchange.markdown
        assert [b.entry_id for b in cards[0].query(SourceButton)] == first.sources
        assert app.screen.query_one("#ask-input", Input).value == ""
        await ask(pilot, "someone could flood my api and run up my bill")
        assert [c.exchange.answer.sources[0] for c in app.screen.query(AnswerCard)] == [
            "svc-dynamodb-ttl",
            "rel-throttling",
        ]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, InterviewScreen)
        await pilot.press("ctrl+g")  # the history of the session is still there
        await pilot.pause()
        assert isinstance(app.screen, AskScreen)
        assert len(app.screen.query(AnswerCard)) == 2


@pilot_test
async def test_answers_follow_the_interview_answers_so_far(kb):
    app = make_app(kb, generate=_no_generation)
    async with app.run_test(size=SIZE) as pilot:
        app.session.values["max_duration_s"] = 30
        await pilot.press("f2")
        await pilot.pause()
        await ask(pilot, "my job needs more than 15 minutes")
        short = app.screen.query(AnswerCard).last().exchange
        assert short.answer.sources[0] == "caution-lambda-15-minute-limit"
        assert short.answer.applies is False and "does not apply" in short.markdown
        assert any("max_duration_s" in r for r in short.answer.reasons)
        app.session.values["max_duration_s"] = 900
        await ask(pilot, "my job needs more than 15 minutes")
        long = app.screen.query(AnswerCard).last().exchange
        assert long.answer.applies is True and "this applies" in long.markdown
        assert long.answer.reasons == app.session.result().get("caution-lambda-15-minute-limit").reasons


@pilot_test
async def test_off_topic_questions_get_no_invented_answer(kb):
    app = make_app(kb, generate=_no_generation)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        await ask(pilot, "how do I bake bread")
        card = app.screen.query(AnswerCard).last()
        assert not card.exchange.answer.confident
        assert "No confident answer" in card.exchange.markdown
        await ask(pilot, "   ")  # nothing to ask: no card
        assert len(app.screen.query(AnswerCard)) == 1


@pilot_test
async def test_a_source_opens_its_entry(kb):
    app = make_app(kb, generate=_no_generation)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        await ask(pilot, "what happens if lambda runs longer than the api waits")
        button = app.screen.query(SourceButton).first()
        button.press()
        await pilot.pause()
        assert isinstance(app.screen, EntryScreen) and app.screen.entry_id == button.entry_id


@pilot_test
async def test_ask_is_reachable_from_other_screens_and_shown_in_the_footer(kb):
    app = make_app(kb, generate=_no_generation)
    async with app.run_test(size=SIZE) as pilot:
        assert any(b.binding.description == "Ask" for b in app.screen.active_bindings.values())
        await pilot.press("ctrl+l")  # from the search screen, with its text box focused
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, AskScreen)
        await pilot.press("escape")
        await pilot.pause()
        app.show_results()
        await pilot.pause()
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert isinstance(app.screen, AskScreen)
