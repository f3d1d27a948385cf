"""The interview TUI, driven with Textual's Pilot: answers, validation, drafts, results, lookup, generation."""

from __future__ import annotations

import asyncio
import functools
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from wa_assist.engine import recommend
from wa_assist.errors import UserError
from wa_assist.kb import KnowledgeBase
from wa_assist.profile import load_profile
from wa_assist.schema import Question
from wa_assist.tui import WaAssistApp, make_app
from wa_assist.tui.screens.generate import GenerateScreen
from wa_assist.tui.screens.help import HelpScreen
from wa_assist.tui.screens.interview import InterviewScreen
from wa_assist.tui.screens.lookup import EntryScreen, SearchScreen
from wa_assist.tui.screens.results import ResultsScreen
from wa_assist.tui.services import Generated, Services
from wa_assist.tui.session import Session, parse_answer
from wa_assist.tui.widgets.question import QuestionField, option_id

SIZE = (120, 40)


def pilot_test(fn: Any) -> Any:
    """Run an async Pilot test in its own event loop."""

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        return asyncio.run(fn(*args, **kwargs))

    return run


class FakeGenerator:
    """Records calls; fails with the given errors first, then 'renders' two files."""

    def __init__(self, *errors: Exception):
        self.errors = list(errors)
        self.calls: list[tuple[Path, dict[str, Any], frozenset[str], bool]] = []

    def __call__(self, dest: Path, profile: Any, rejected: frozenset[str], force: bool) -> Generated:
        self.calls.append((dest, profile.to_dict(), rejected, force))
        if self.errors:
            raise self.errors.pop(0)
        return Generated(dest=dest, files=["template.yaml", "README.md"], next_steps=["cd somewhere"])


def interview(app: WaAssistApp) -> InterviewScreen:
    screen = app.screen
    assert isinstance(screen, InterviewScreen), f"expected the interview, got {screen!r}"
    return screen


async def type_into(pilot: Any, qid: str, text: str) -> None:
    from textual.widgets import Input

    box = pilot.app.screen.query_one(f"#q-{qid}", Input)
    box.focus()
    await pilot.pause()
    box.clear()
    await pilot.press(*text) if text else None
    await pilot.pause()


async def pick(pilot: Any, qid: str, value: str) -> None:
    """Choose a value the way a mouse user would: click its radio button."""
    button = pilot.app.screen.query_one(f"#{option_id(qid, value)}")
    button.scroll_visible(animate=False)
    await pilot.pause()
    await pilot.click(f"#{option_id(qid, value)}")
    await pilot.pause()


async def goto_group(pilot: Any, group: str) -> InterviewScreen:
    """Jump to a step (moving with the keys is tested on its own; each step costs a redraw)."""
    screen = interview(pilot.app)
    if screen.group != group:
        assert group in screen.steps, f"{group} is not a step for these answers"
        await screen.show_step(group)
        await pilot.pause()
    return screen


# --------------------------------------------------------------------------- the session (no Textual)


def test_parse_answer_reads_integers_and_explains_the_range(kb):
    peak = kb.question("peak_rps")
    assert parse_answer(peak, " 250 ") == (250, None)
    value, problem = parse_answer(peak, "lots")
    assert value is None and "whole number from 0 to 1000000" in problem
    value, problem = parse_answer(peak, "-5")
    assert value is None and "below 0" in problem


def test_parse_answer_names_the_text_pattern(kb):
    name = kb.question("name")
    assert parse_answer(name, "orders-api") == ("orders-api", None)
    value, problem = parse_answer(name, "Orders API")
    assert value is None and "lowercase letters, digits and hyphens" in problem


def _fake_kb() -> KnowledgeBase:
    questions = [
        Question(
            id="kind",
            group="Basics",
            prompt="Kind?",
            help="Picks the shape of it.",
            type="choice",
            default="a",
            choices=[{"value": "a", "label": "A"}, {"value": "b", "label": "B"}],
        ),
        Question(
            id="extra",
            group="Only for B",
            prompt="Extra?",
            help="Asked only for kind b.",
            type="boolean",
            default=False,
            applies={"kind": "b"},
        ),
        Question(
            id="size",
            group="Sizing",
            prompt="Size?",
            help="How big it gets.",
            type="integer",
            default=3,
            minimum=1,
            maximum=9,
        ),
    ]
    return KnowledgeBase(entries={}, questions=questions, decisions={}, abbreviations=[])


def _fake_recommend(kb: Any, profile: Any, rejected: frozenset[str] = frozenset()) -> Any:
    return SimpleNamespace(recommendations=[], rejected=[], decisions={}, risk={"pillars": {"security": "high"}})


def test_session_skips_steps_whose_questions_do_not_apply():
    session = Session(Services(kb=_fake_kb(), recommend=_fake_recommend, generate=FakeGenerator()))
    assert session.steps() == ["Basics", "Sizing"]
    assert session.answer("kind", "b") is None
    assert session.steps() == ["Basics", "Only for B", "Sizing"]
    assert "allowed: a, b" in session.answer("kind", "c")
    assert session.values["kind"] == "b"  # a bad answer keeps the previous one


def test_rejecting_reports_the_decisions_that_change(kb):
    session = Session(Services(kb=kb, generate=FakeGenerator()))
    changed = {}
    for rec in session.result().recommendations:
        diff = session.rejection_changes(rec.id)
        if diff:
            changed[rec.id] = diff
    assert changed, "some recommendation must change a project decision"
    rec_id, diff = next(iter(changed.items()))
    accepted = recommend(kb, session.profile()).decisions
    without = recommend(kb, session.profile(), frozenset({rec_id})).decisions
    assert {c.decision for c in diff} == {d for d in accepted if accepted[d] != without[d]}
    assert all(c.accepted == accepted[c.decision] and c.rejected == without[c.decision] for c in diff)


# --------------------------------------------------------------------------- the interview


@pilot_test
async def test_starts_on_the_first_question_with_a_preview(kb):
    app = make_app(kb, generate=FakeGenerator())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = interview(app)
        first = kb.questions[0]
        assert screen.group == first.group
        assert app.focused is not None and app.focused.id == f"q-{first.id}"
        assert app.ready_at is not None
        expected = recommend(kb, screen.session.profile())
        high = sum(1 for r in expected.recommendations if r.priority == "high")
        preview = str(screen.query_one("#preview").render())
        assert f"{len(expected.recommendations)} recommendations, {high} high" in preview
        steps = screen.session.steps()
        assert f"Step 1 of {len(steps)}" in str(screen.query_one("#step-title").render())
        assert first.help[:30] in str(screen.query_one("#why").render())
        await pilot.press("tab")  # the side pane follows the focused question
        await pilot.pause()
        second = screen.session.group_questions(first.group)[1]
        assert app.focused.id == f"q-{second.id}"
        assert second.help[:30] in str(screen.query_one("#why").render())


@pilot_test
async def test_invalid_answers_show_inline_and_block_next(kb):
    app = make_app(kb, generate=FakeGenerator())
    async with app.run_test(size=SIZE) as pilot:
        screen = interview(app)
        await type_into(pilot, "name", "Bad Name")
        field = screen.query_one("#field-name", QuestionField)
        assert field.has_class("-invalid")
        assert "lowercase letters" in str(field.query_one(".error").render())
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert screen.group == kb.question("name").group  # did not move on
        assert screen.session.values["name"] == kb.question("name").default
        await type_into(pilot, "name", "orders-api")
        assert not field.has_class("-invalid")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert screen.group != kb.question("name").group
        assert screen.session.values["name"] == "orders-api"
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert screen.group == kb.question("name").group
        assert app.focused.id == "q-description"  # back lands on the step's last question


@pilot_test
async def test_integer_range_is_checked_inline(kb):
    app = make_app(kb, generate=FakeGenerator())
    async with app.run_test(size=SIZE) as pilot:
        screen = await goto_group(pilot, kb.question("peak_rps").group)
        await type_into(pilot, "peak_rps", "2000000")
        field = screen.query_one("#field-peak_rps", QuestionField)
        assert field.problem and "above 1000000" in field.problem
        await type_into(pilot, "peak_rps", "5000")
        assert field.problem is None
        assert screen.session.values["peak_rps"] == 5000


@pilot_test
async def test_questions_follow_the_answers_so_far(kb):
    app = make_app(kb, generate=FakeGenerator())
    async with app.run_test(size=SIZE) as pilot:
        screen = await goto_group(pilot, kb.question("scenario").group)
        await pick(pilot, "scenario", "stream-processing")
        assert screen.session.values["scenario"] == "stream-processing"
        screen = await goto_group(pilot, kb.question("consumers").group)
        assert screen.query_one("#field-consumers").display
        screen = await goto_group(pilot, kb.question("auth").group)
        assert not screen.query_one("#field-auth").display  # a stream has no API callers
        # back to the scenario, then choose a REST API: auth is asked, consumers is not
        screen = await goto_group(pilot, kb.question("scenario").group)
        await pick(pilot, "scenario", "rest-api")
        screen = await goto_group(pilot, kb.question("consumers").group)
        assert not screen.query_one("#field-consumers").display
        screen = await goto_group(pilot, kb.question("auth").group)
        assert screen.query_one("#field-auth").display


@pilot_test
async def test_keyboard_only_choice_and_multi_select(kb):
    app = make_app(kb, generate=FakeGenerator())
    async with app.run_test(size=SIZE) as pilot:
        screen = await goto_group(pilot, kb.question("scenario").group)
        values = kb.question("scenario").values
        assert app.focused.id == "q-scenario"
        target = values.index("event-driven") - values.index(screen.session.values["scenario"])
        await pilot.press(*(["down"] * target), "enter")
        await pilot.pause()
        assert screen.session.values["scenario"] == "event-driven"
        screen = await goto_group(pilot, kb.question("access_patterns").group)
        assert app.focused.id == "q-access_patterns"
        assert screen.session.values["access_patterns"] == ["key-value"]
        await pilot.press("down", "space")  # tick the second choice
        await pilot.pause()
        assert screen.session.values["access_patterns"] == kb.question("access_patterns").values[:2]


@pilot_test
async def test_draft_saves_and_resumes(kb, tmp_path):
    draft = tmp_path / "drafts" / "profile.yaml"
    app = make_app(kb, generate=FakeGenerator(), profile_path=draft)
    async with app.run_test(size=SIZE) as pilot:
        await type_into(pilot, "name", "billing")
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pick(pilot, "scenario", "web-app")
        await pilot.press("ctrl+s")
        await pilot.pause()
    saved = load_profile(draft, kb)
    assert saved["name"] == "billing" and saved["scenario"] == "web-app"

    resumed = make_app(kb, generate=FakeGenerator(), profile_path=draft)
    async with resumed.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert resumed.session.values["name"] == "billing"
        assert resumed.screen.query_one("#q-name").value == "billing"
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert resumed.screen.query_one(f"#{option_id('scenario', 'web-app')}").value is True


@pilot_test
async def test_quit_saves_the_draft_and_exits_cleanly(kb, tmp_path):
    draft = tmp_path / "p.yaml"
    app = make_app(kb, generate=FakeGenerator(), profile_path=draft)
    async with app.run_test(size=SIZE) as pilot:
        await type_into(pilot, "name", "quitter")
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0
    assert load_profile(draft, kb)["name"] == "quitter"


# --------------------------------------------------------------------------- results


async def _to_results(pilot: Any, keys: bool = False) -> ResultsScreen:
    """Finish the interview: with the keys through every step, or straight from the last step."""
    screen = interview(pilot.app)
    if not keys:
        await screen.show_step(screen.steps[-1])
        await pilot.pause()
    for _ in range(len(pilot.app.session.groups) + 1):
        if isinstance(pilot.app.screen, ResultsScreen):
            break
        await pilot.press("ctrl+n")
        await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ResultsScreen)
    return screen


@pilot_test
async def test_results_group_by_pillar_and_reject_shows_changes(kb):
    app = make_app(kb, generate=FakeGenerator())
    async with app.run_test(size=SIZE) as pilot:
        screen = await _to_results(pilot)
        from textual.widgets import OptionList

        recs = screen.query_one("#recs", OptionList)
        ids = [recs.get_option_at_index(i).id for i in range(recs.option_count)]
        headings = [i for i, oid in enumerate(ids) if oid is None]
        result = app.session.result()
        assert [oid for oid in ids if oid] == [r.id for r in result.recommendations]
        assert len(headings) == len({r.pillars[0] for r in result.recommendations})

        target = next(r for r in result.recommendations if app.session.rejection_changes(r.id))
        recs.highlighted = ids.index(target.id)
        await pilot.pause()
        detail = screen.detail_markdown(target)
        assert all(reason in detail for reason in target.reasons)
        await pilot.press("r")
        await pilot.pause()
        assert app.session.rejected == {target.id}
        detail = screen.detail_markdown(screen.current())
        assert "What rejecting it changes" in detail
        for change in app.session.rejection_changes(target.id):
            assert change.title in detail
        assert "1 rejected" in str(screen.query_one("#results-headline").render())
        await pilot.press("space")
        await pilot.pause()
        assert app.session.rejected == set()
        await pilot.press("r", "a")
        await pilot.pause()
        assert app.session.rejected == set()


@pilot_test
async def test_long_titles_wrap_under_the_title_and_follow_the_width(kb):
    from textual.widgets import OptionList

    from wa_assist.tui.screens.results import MARK_WIDTH

    app = make_app(kb, generate=FakeGenerator())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _to_results(pilot)
        await pilot.pause()
        recs = screen.query_one("#recs", OptionList)
        longest = max(app.session.all_recommendations(), key=lambda r: len(r.title))

        def lines() -> list[str]:
            return str(recs.get_option(longest.id).prompt).split("\n")

        narrow = lines()
        width = recs.scrollable_content_region.width
        assert len(narrow) > 1
        assert all(line.startswith(" " * MARK_WIDTH) and line[MARK_WIDTH] != " " for line in narrow[1:])
        assert all(len(line) <= width for line in narrow)
        assert " ".join(line.strip() for line in narrow).endswith(longest.title)
        await pilot.resize_terminal(160, 40)
        await pilot.pause()
        await pilot.pause()
        assert len(lines()) < len(narrow)
        await pilot.press("r")  # a changed mark keeps the wrapping
        await pilot.pause()
        assert all(
            line.startswith(" " * MARK_WIDTH)
            for line in str(recs.get_option_at_index(recs.highlighted).prompt).split("\n")[1:]
        )


@pilot_test
async def test_rejecting_a_lens_practice_raises_the_pillar_risk(kb):
    app = make_app(kb, generate=FakeGenerator())
    async with app.run_test(size=SIZE) as pilot:
        screen = await _to_results(pilot)
        before = dict(app.session.result().risk["pillars"])
        required = next(
            r
            for r in app.session.result().recommendations
            if r.entry.lens is not None and r.entry.lens.tier.value == "required"
        )
        from textual.widgets import OptionList

        recs = screen.query_one("#recs", OptionList)
        recs.highlighted = next(i for i in range(recs.option_count) if recs.get_option_at_index(i).id == required.id)
        await pilot.press("r")
        await pilot.pause()
        after = app.session.result().risk["pillars"]
        pillar = required.pillars[0]
        assert after[pillar] == "high" and before[pillar] != "high"
        assert screen.query_one("#results-risk").risk[pillar] == "high"


# --------------------------------------------------------------------------- lookup, help, theme


@pilot_test
async def test_search_screen_finds_entries_live(kb):
    app = make_app(kb, generate=FakeGenerator())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*"dlq")
        await pilot.pause()
        ids = [h.id for h in app.screen.hits]
        top = [kb.get(i) for i in ids[:3]]
        assert any("dead-letter" in e.id or "DLQ" in e.aliases for e in top), ids[:3]
        await pilot.press("enter")  # into the results; the first one's details show
        await pilot.pause()
        assert app.focused.id == "search-results"
        assert kb.get(ids[0]).title in app.screen.query_one("#search-detail").source
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, InterviewScreen)


@pilot_test
async def test_slash_searches_outside_text_boxes_and_types_inside_them(kb):
    app = make_app(kb, generate=FakeGenerator())
    async with app.run_test(size=SIZE) as pilot:
        await type_into(pilot, "description", "orders/payments")
        assert isinstance(app.screen, InterviewScreen)
        assert app.session.values["description"] == "orders/payments"
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press("slash")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)


@pilot_test
async def test_command_palette_opens_an_entry(kb):
    app = make_app(kb, generate=FakeGenerator())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"idempotency")
        for _ in range(20):  # the palette searches in the background
            await pilot.pause(0.05)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, EntryScreen)
        assert "idempot" in app.screen.entry_id
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, InterviewScreen)


@pilot_test
async def test_help_theme_toggle_and_ctrl_c(kb):
    app = make_app(kb, generate=FakeGenerator())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, InterviewScreen)
        dark = app.current_theme.dark
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert app.current_theme.dark is not dark
        await pilot.press("ctrl+t")
        assert app.current_theme.dark is dark
        await pilot.press("ctrl+c")  # explains how to quit; does not quit
        await pilot.pause()
        assert app.is_running
        assert any("ctrl+q" in n.message for n in app._notifications)


# --------------------------------------------------------------------------- generation


async def _wait_for(pilot: Any, predicate: Any, timeout: float = 20.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if predicate():
            return
        await pilot.pause(0.05)
    raise AssertionError("timed out")


@pilot_test
async def test_generator_errors_show_in_the_ui_and_nothing_is_lost(kb, tmp_path):
    generator = FakeGenerator(
        UserError(f"{tmp_path / 'x'} is not empty; use another folder"), RuntimeError("disk on fire")
    )
    app = make_app(kb, generate=generator)
    async with app.run_test(size=SIZE) as pilot:
        await type_into(pilot, "name", "shop")
        results = await _to_results(pilot)
        rejected = results.current().id
        await pilot.press("r", "g")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, GenerateScreen)
        dest = screen.query_one("#dest")
        assert dest.value == "./shop"
        dest.value = str(tmp_path / "x")
        await pilot.press("enter")
        await _wait_for(pilot, lambda: screen.error is not None)
        assert "is not empty" in str(screen.query_one("#generate-error").render())
        assert dest.value == str(tmp_path / "x") and not dest.disabled
        assert app.session.rejected == {rejected} and app.session.values["name"] == "shop"
        screen.error = None
        await pilot.press("enter")  # an unexpected failure is reported too, and the app carries on
        await _wait_for(pilot, lambda: screen.error is not None)
        assert "disk on fire" in screen.error and app.is_running
        dest.value = str(tmp_path / "y")
        await pilot.press("enter")
        await _wait_for(pilot, lambda: screen.generated is not None)
        assert generator.calls[-1][0] == tmp_path / "y"
        assert generator.calls[-1][1]["name"] == "shop" and generator.calls[-1][2] == {rejected}
        assert "template.yaml" in screen.query_one("#generate-summary").source


@pilot_test
async def test_generation_runs_in_a_worker_and_the_ui_stays_responsive(kb, tmp_path):
    import threading

    release = threading.Event()

    def slow(dest: Path, profile: Any, rejected: frozenset[str], force: bool) -> Generated:
        release.wait(10)
        return Generated(dest=dest, files=["template.yaml"])

    app = make_app(kb, generate=slow)
    async with app.run_test(size=SIZE) as pilot:
        await _to_results(pilot)
        await pilot.press("g")
        await pilot.pause()
        screen = app.screen
        screen.query_one("#dest").value = str(tmp_path / "slow")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.query_one("#generate-progress").display and screen.query_one("#go").disabled
        await pilot.press("f1")  # the app still answers keys while rendering
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        release.set()
        await _wait_for(pilot, lambda: screen.generated is not None)
        assert not screen.query_one("#generate-progress").display


@pilot_test
async def test_whole_interview_to_a_generated_project(kb, tmp_path, monkeypatch):
    """Real knowledge base, engine and generator: answer every step by keyboard, reject one, render."""
    monkeypatch.chdir(tmp_path)
    draft = tmp_path / "orders.yaml"
    app = make_app(kb, profile_path=draft)
    answers = {  # typed into text boxes, or clicked
        "name": "orders",
        "description": "Order intake",
        "scenario": "event-driven",
        "peak_rps": "300",
        "invocation": "async",
        "multi_step": "yes",
        "sensitive_data": "yes",
    }
    async with app.run_test(size=SIZE) as pilot:
        screen = interview(app)
        seen = []
        for _ in range(len(kb.questions)):
            seen.append(screen.group)
            for question in screen.session.group_questions(screen.group):
                if question.id in answers:
                    if question.type.value in ("text", "integer"):
                        await type_into(pilot, question.id, answers[question.id])
                    else:
                        await pick(pilot, question.id, answers[question.id])
            await pilot.press("ctrl+n")
            await pilot.pause()
            if isinstance(app.screen, ResultsScreen):
                break
        assert seen == screen.session.steps()
        results = app.screen
        assert isinstance(results, ResultsScreen)
        rejected = results.current().id
        await pilot.press("r", "g")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, GenerateScreen)
        assert screen.query_one("#dest").value == "./orders"
        await pilot.press("enter")
        await _wait_for(pilot, lambda: screen.generated is not None or screen.error is not None, timeout=60)
        assert screen.error is None, screen.error
        generated = screen.generated
    project = tmp_path / "orders"
    assert generated.dest.resolve() == project.resolve()
    assert (project / "template.yaml").is_file()
    assert generated.files and all((project / f).exists() for f in generated.files)
    profile = load_profile(draft, kb)
    assert profile["scenario"] == "event-driven" and profile["peak_rps"] == 300 and profile["sensitive_data"] is True
    assert app.session.rejected == {rejected}


# --------------------------------------------------------------------------- the real terminal


@pytest.mark.slow
def test_process_in_a_terminal_ignores_ctrl_c_and_quits_cleanly(tmp_path):
    """`wa-assist interview` in a pseudo-terminal: Ctrl-C only explains, ctrl+q saves and restores the terminal."""
    import fcntl
    import os
    import pty
    import re
    import select
    import struct
    import subprocess
    import sys
    import termios
    import time

    from tests.helpers import ROOT

    draft = tmp_path / "draft.yaml"
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "wa_assist", "interview", "--profile", str(draft)],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    os.close(slave)
    out = bytearray()

    def shown(text: bytes) -> bool:
        """Whether the screen showed ``text`` (escape sequences split words as they are drawn)."""
        return text in re.sub(rb"\x1b\[[0-9;?<>=]*[A-Za-z]", b"", bytes(out))

    def pump(until: Any, timeout: float) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if until():
                return True
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    out.extend(os.read(master, 65536))
                except OSError:  # the child closed the terminal
                    break
        return until()

    try:
        assert pump(lambda: shown(b"Project name"), 60), bytes(out[-500:])
        os.write(master, b"\x03")  # Ctrl-C as a key: a hint, not an exit
        assert pump(lambda: shown(b"to quit?"), 10), bytes(out[-3000:])
        assert proc.poll() is None
        os.write(master, b"\x11")  # ctrl+q
        pump(lambda: proc.poll() is not None, 20)
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    assert b"\x1b[?1049l" in out  # left the alternate screen
    assert b"Traceback" not in out
    assert draft.is_file()
