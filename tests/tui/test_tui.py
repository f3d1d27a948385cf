"""The interview TUI, driven with Textual's Pilot: answers, validation, drafts, results, lookup, generation."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from wa_assist.engine import recommend
from wa_assist.errors import UserError
from wa_assist.kb import KnowledgeBase
from wa_assist.profile import load_profile, profile_from_mapping
from wa_assist.schema import Question
from wa_assist.tui import WaAssistApp, make_app
from wa_assist.tui.screens.dialogs import QuitScreen, ResumeScreen, TooSmallScreen
from wa_assist.tui.screens.generate import GenerateScreen
from wa_assist.tui.screens.help import HelpScreen
from wa_assist.tui.screens.interview import InterviewScreen
from wa_assist.tui.screens.lookup import EntryScreen, SearchScreen
from wa_assist.tui.screens.results import ResultsScreen
from wa_assist.tui.services import Generated, Services
from wa_assist.tui.session import PILLAR_LABELS, Session, parse_answer
from wa_assist.tui.widgets.choice import ChoiceList
from wa_assist.tui.widgets.question import QuestionField

SIZE = (120, 40)


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


def load_profile_for(kb: Any, answers: dict[str, Any]) -> Any:
    return profile_from_mapping(answers, kb)


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


def choices(app: Any, qid: str) -> ChoiceList:
    return app.screen.query_one(f"#q-{qid}", ChoiceList)


async def pick(pilot: Any, qid: str, value: str) -> None:
    """Choose a value by keyboard: focus the list, move to the choice, press space."""
    box = choices(pilot.app, qid)
    box.focus()
    box.scroll_visible(animate=False)
    await pilot.pause()
    values = [c.value for c in box.choices]
    steps = values.index(value) - (box.highlighted or 0)
    await pilot.press(*(["down"] * steps if steps > 0 else ["up"] * -steps), "space")
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
        assert app.focused.id == "q-entity"  # back lands on the step's last question


async def test_an_entity_the_code_cannot_carry_is_refused_inline(kb):
    app = make_app(kb, generate=FakeGenerator())
    async with app.run_test(size=SIZE) as pilot:
        screen = interview(app)
        await type_into(pilot, "entity", "list")
        field = screen.query_one("#field-entity", QuestionField)
        assert field.has_class("-invalid") and "Python builtin" in (field.problem or "")
        await type_into(pilot, "entity", "person/people")
        assert not field.has_class("-invalid")
        assert screen.session.values["entity"] == "person/people"


async def test_an_inline_error_is_scrolled_into_view_whole_at_80x24(kb):
    # The entity is the step's last question: its message wraps to several lines below the visible form.
    from textual.widgets import Static

    app = make_app(kb, generate=FakeGenerator())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = interview(app)
        await type_into(pilot, "entity", "class")
        await pilot.pause()
        error = screen.query_one("#field-entity .error", Static)
        form = screen.query_one("#form")
        assert error.region.height >= 2, "the message wraps at 80 columns"
        assert form.region.contains_region(error.region), (form.region, error.region)
        assert form.region.contains_region(screen.query_one("#q-entity").region)  # the input stays in view


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


async def test_draft_saves_and_resumes_at_the_step_left(kb, tmp_path):
    draft = tmp_path / "drafts" / "profile.yaml"
    app = make_app(kb, generate=FakeGenerator(), profile_path=draft)
    async with app.run_test(size=SIZE) as pilot:
        await type_into(pilot, "name", "billing")
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pick(pilot, "scenario", "web-app")
        await pilot.press("ctrl+s")
        await pilot.pause()
        left_at = interview(app).group
    saved = load_profile(draft, kb)
    assert saved["name"] == "billing" and saved["scenario"] == "web-app"

    resumed = make_app(kb, generate=FakeGenerator(), profile_path=draft)
    async with resumed.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(resumed.screen, ResumeScreen)  # offered, not imposed
        assert f"step 2 of {len(resumed.session.steps())} ({left_at})" in str(
            resumed.screen.query_one(".dialog").query("Static")[1].render()
        )
        await pilot.press("r")
        await pilot.pause()
        screen = interview(resumed)
        assert screen.group == left_at
        assert resumed.session.values["name"] == "billing"
        assert choices(resumed, "scenario").chosen == ["web-app"]


async def test_without_a_profile_the_draft_is_kept_in_the_state_folder(kb, state_dir):
    app = make_app(kb, generate=FakeGenerator())
    draft = state_dir / "draft.yaml"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        status = str(app.screen.query_one("#draft-status").render())
        assert str(draft) in status and "Nothing to save yet" in status and not draft.exists()
        await type_into(pilot, "name", "kept")
        assert "Unsaved" in str(app.screen.query_one("#draft-status").render())
        await pilot.press("ctrl+n")  # each step saves the draft
        await pilot.pause()
        assert load_profile(draft, kb)["name"] == "kept"
        assert "Saved" in str(app.screen.query_one("#draft-status").render())
        await pick(pilot, "scenario", "event-driven")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert any(str(draft) in n.message for n in app._notifications)
    assert load_profile(draft, kb)["scenario"] == "event-driven"

    again = make_app(kb, generate=FakeGenerator())
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(again.screen, ResumeScreen)
        await pilot.press("n")  # start over: defaults, nothing chosen
        await pilot.pause()
        assert again.session.values["name"] == kb.question("name").default
        assert interview(again).group == again.session.steps()[0]


async def test_an_unreadable_draft_is_kept_aside_and_the_interview_starts(kb, state_dir):
    state_dir.mkdir(parents=True)
    (state_dir / "draft.yaml").write_text("scenario: nonsense\n", encoding="utf-8")
    app = make_app(kb, generate=FakeGenerator())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, InterviewScreen)
        assert any("could not be read" in n.message for n in app._notifications)
    assert (state_dir / "draft.unreadable.yaml").read_text(encoding="utf-8") == "scenario: nonsense\n"


async def test_quit_with_unsaved_changes_asks_first(kb, tmp_path):
    draft = tmp_path / "p.yaml"
    app = make_app(kb, generate=FakeGenerator(), profile_path=draft)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+q")  # nothing given yet: quits at once
        await pilot.pause()
    assert app.return_code == 0 and not draft.exists()

    app = make_app(kb, generate=FakeGenerator(), profile_path=draft)
    async with app.run_test(size=SIZE) as pilot:
        await type_into(pilot, "name", "quitter")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, QuitScreen) and app.is_running
        await pilot.press("escape")  # cancel: back to the interview, answers kept
        await pilot.pause()
        assert isinstance(app.screen, InterviewScreen) and app.session.values["name"] == "quitter"
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("s")  # save and quit
        await pilot.pause()
    assert app.return_code == 0
    assert load_profile(draft, kb)["name"] == "quitter"

    app = make_app(kb, generate=FakeGenerator(), profile_path=draft)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_into(pilot, "name", "thrown-away")
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("d")  # quit without saving
        await pilot.pause()
    assert app.return_code == 0
    assert load_profile(draft, kb)["name"] == "quitter"


async def test_choices_show_marks_start_on_the_chosen_one_and_do_not_wrap(kb):
    app = make_app(kb, generate=FakeGenerator(), profile=load_profile_for(kb, {"scenario": "event-driven"}))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        if isinstance(app.screen, ResumeScreen):
            await pilot.press("f")
        screen = await goto_group(pilot, kb.question("scenario").group)
        box = choices(app, "scenario")
        values = [c.value for c in box.choices]
        assert box.highlighted == values.index("event-driven")  # the cursor starts on the chosen one
        prompts = [str(box.get_option_at_index(i).prompt) for i in range(box.option_count)]
        assert prompts[values.index("event-driven")].startswith("(•) Event-driven")
        assert all(p.startswith("( ) ") for i, p in enumerate(prompts) if values[i] != "event-driven")
        help_text = kb.question("scenario").choices[values.index("event-driven")].help
        assert help_text.split()[0] in prompts[values.index("event-driven")]  # descriptions are shown
        box.focus()
        await pilot.press(*(["up"] * (len(values) + 2)), "space")  # stops at the top, no wrap-around
        await pilot.pause()
        assert screen.session.values["scenario"] == values[0]
        await pilot.press(*(["down"] * (len(values) + 2)), "space")
        await pilot.pause()
        assert screen.session.values["scenario"] == values[-1]
        multi = await goto_group(pilot, kb.question("access_patterns").group)
        ticks = choices(app, "access_patterns")
        assert str(ticks.get_option_at_index(0).prompt).startswith("[x] ")
        assert str(ticks.get_option_at_index(1).prompt).startswith("[ ] ")
        assert multi is screen


async def test_every_screen_is_usable_at_80x24(kb, tmp_path):
    """The step title and the count apart, descriptions whole, help in every footer, a long results list."""
    from textual.widgets import Footer, OptionList
    from textual.widgets._footer import FooterKey

    def help_in_footer() -> bool:
        footer = app.screen.query_one(Footer)
        keys = [k for k in footer.query(FooterKey) if k.description == "Help"]
        return bool(keys) and all(k.region.right <= 80 and k.region.width > 0 for k in keys)

    app = make_app(kb, generate=FakeGenerator())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = await goto_group(pilot, "Processing")
        title, preview = screen.query_one("#step-title"), screen.query_one("#preview")
        assert title.region.y != preview.region.y or title.region.right < preview.region.x
        assert "Processing" in str(title.render()) and "recommendations" in str(preview.render())
        assert preview.region.right <= screen.query_one("#form-column").region.right
        assert help_in_footer()
        scenario = await goto_group(pilot, kb.question("scenario").group)
        box = choices(app, "scenario")
        for index, choice in enumerate(kb.question("scenario").choices):
            shown = " ".join(str(box.get_option_at_index(index).prompt).split())
            assert choice.help in shown, shown  # wrapped under the label, never cut off
        assert scenario.query_one("#draft-status").region.bottom <= 23
        results = await _to_results(pilot)
        recs = results.query_one("#recs", OptionList)
        assert recs.region.height >= 15, recs.region  # most of the screen lists recommendations
        assert help_in_footer()
        await pilot.press("g")
        await pilot.pause()
        assert help_in_footer()


async def test_terminal_too_small_shows_a_notice_until_it_grows(kb):
    app = make_app(kb, generate=FakeGenerator())
    async with app.run_test(size=(60, 20)) as pilot:
        for _ in range(5):
            await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        assert "70x20" in str(app.screen.query_one("#too-small").render())
        await pilot.resize_terminal(80, 24)
        for _ in range(5):
            await pilot.pause()
        assert isinstance(app.screen, InterviewScreen)


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


async def test_choices_are_saved_in_the_profile_and_come_back(kb, tmp_path):
    draft = tmp_path / "orders.yaml"
    app = make_app(kb, generate=FakeGenerator(), profile_path=draft)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _to_results(pilot)
        first = screen.current()
        await pilot.press("r")  # each choice saves the draft
        await pilot.pause()
        await pilot.press("down", "a")
        await pilot.pause()
        second = screen.current()
    saved = load_profile(draft, kb)
    assert saved.rejected == {first.id} and saved.accepted == {second.id}

    again = make_app(kb, generate=FakeGenerator(), profile_path=draft)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.session.status(first.id) == "rejected" and again.session.status(second.id) == "accepted"
        generator = FakeGenerator()
        again.services.generate = generator
        await pilot.press("r")  # resume at the results
        await pilot.pause()
        assert isinstance(again.screen, ResultsScreen)
        assert str(again.screen.query_one("#recs").get_option(first.id).prompt).startswith("[✗] ")
        await pilot.press("g")
        await pilot.pause()
        await pilot.press("enter")
        await _wait_for(pilot, lambda: generator.calls)
        assert first.id in generator.calls[-1][2]


async def test_results_filter_search_and_bulk_choices(kb):
    from textual.widgets import Input, OptionList, Select

    app = make_app(kb, generate=FakeGenerator())
    async with app.run_test(size=SIZE) as pilot:
        screen = await _to_results(pilot)
        everything = app.session.all_recommendations()
        recs = screen.query_one("#recs", OptionList)

        def listed() -> list[str]:
            return [o.id for o in (recs.get_option_at_index(i) for i in range(recs.option_count)) if o.id]

        screen.query_one("#pillar-filter", Select).value = "security"
        await pilot.pause()
        assert listed() == [r.id for r in everything if "security" in r.pillars] and listed()
        screen.query_one("#priority-filter", Select).value = "high"
        await pilot.pause()
        shown = [r.id for r in everything if "security" in r.pillars and r.priority == "high"]
        assert listed() == shown and shown
        assert f"{len(shown)} shown" in str(screen.query_one("#results-headline").render())
        await pilot.press("R")  # reject every one shown, and only those
        await pilot.pause()
        assert app.session.rejected == set(shown)
        screen.query_one("#status-filter", Select).value = "rejected"
        screen.query_one("#pillar-filter", Select).value = "any"
        screen.query_one("#priority-filter", Select).value = "any"
        await pilot.pause()
        assert listed() == shown
        await pilot.press("A")
        await pilot.pause()
        assert app.session.rejected == set() and app.session.accepted == set(shown)
        screen.query_one("#status-filter", Select).value = "any"
        await pilot.pause()
        await pilot.press("slash")
        assert app.focused is screen.query_one("#rec-search", Input)
        target = next(r for r in everything if r.id == "rel-throttling")
        await pilot.press(*"throttl")
        await pilot.pause()
        assert "rel-throttling" in listed() and len(listed()) < len(everything)
        assert all(
            "throttl" in " ".join([r.title, r.id, r.summary, *r.reasons]).lower()
            for r in everything
            if r.id in listed()
        )
        await pilot.press("escape")  # leaves the search box, not the screen
        await pilot.pause()
        assert isinstance(app.screen, ResultsScreen) and app.focused is recs
        assert target.title


async def test_risk_is_never_none_by_assumption_and_a_rejection_shows_at_once(kb):
    from textual.widgets import OptionList

    app = make_app(kb, generate=FakeGenerator())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        side = str(app.screen.query_one("#risk").render())
        assert "no risk" not in side.lower() and "Unverified on every pillar" in side and "pending" in side
        screen = await _to_results(pilot)
        required = next(
            r
            for r in app.session.all_recommendations()
            if r.entry.lens is not None and r.entry.lens.tier.value == "required"
        )
        recs = screen.query_one("#recs", OptionList)
        recs.highlighted = recs.get_option_index(required.id)
        await pilot.press("a")
        await pilot.pause()
        counts = app.session.result().risk["pillar_counts"][required.pillars[0]]
        assert counts["accepted"] == 1  # accepted is told apart from pending
        assert (
            app.session.result().risk["pillars"][required.pillars[0]] == "unverified"
        )  # not implemented by assumption
        await pilot.press("r")
        await pilot.pause()
        label = PILLAR_LABELS[required.pillars[0]]
        shown = str(screen.query_one("#results-risk").render())
        assert f"{label}: high risk (1 rejected" in shown


# --------------------------------------------------------------------------- lookup, help, theme


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


async def test_search_accepts_rejects_and_jumps_to_a_recommendation(kb):
    app = make_app(kb, generate=FakeGenerator())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+l")
        await pilot.pause()
        await pilot.press(*"throttling")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        await pilot.press("enter")
        await pilot.pause()
        while screen.highlighted_id() != "rel-throttling":
            await pilot.press("down")
            await pilot.pause()
        assert "Recommended for your answers: pending" in screen.query_one("#search-detail").source
        await pilot.press("r")
        await pilot.pause()
        assert app.session.status("rel-throttling") == "rejected"
        assert "Recommended for your answers: rejected" in screen.query_one("#search-detail").source
        await pilot.press("a")
        await pilot.pause()
        assert app.session.status("rel-throttling") == "accepted"
        await pilot.press("j")
        await pilot.pause()
        assert isinstance(app.screen, ResultsScreen)
        assert app.screen.current().id == "rel-throttling"


async def test_command_palette_rejects_and_jumps_to_a_recommendation(kb):
    app = make_app(kb, generate=FakeGenerator())
    async with app.run_test(size=SIZE) as pilot:

        async def palette(text: str) -> None:
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*text)
            for _ in range(20):
                await pilot.pause(0.05)
            await pilot.press("down", "enter")
            await pilot.pause()

        await palette("reject rel-throttling")
        assert app.session.status("rel-throttling") == "rejected"
        await palette("show in results rel-throttling")
        assert isinstance(app.screen, ResultsScreen)
        assert app.screen.current().id == "rel-throttling"


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


def test_next_steps_follow_what_the_project_needs(kb, tmp_path):
    """The done screen prints the steps of the project it made: signed code deploys the bootstrap config."""
    from wa_assist.profile import profile_from_mapping
    from wa_assist.tui.screens.generate import summary_markdown
    from wa_assist.tui.services import Services

    generate = Services(kb).generate
    assert generate is not None
    signed = generate(tmp_path / "signed", profile_from_mapping({"sensitive_data": True}, kb), frozenset(), False)
    steps = " ".join(signed.next_steps)
    assert "--config-env dev-bootstrap" in steps and "--guided" not in steps
    # the project records what `wa-assist update` needs, as one made by `new` does
    assert (tmp_path / "signed" / ".wa-assist" / "record.json").is_file()
    plain = generate(tmp_path / "plain", profile_from_mapping({"sensitive_data": False}, kb), frozenset(), False)
    assert "--guided --config-env dev" in " ".join(plain.next_steps)
    text = summary_markdown(Generated(dest=tmp_path, files=[f"f{i}" for i in range(60)], next_steps=["do this"]))
    assert text.index("Next steps") < text.index("`f0`")  # on screen before the long list of files


async def test_done_screen_shows_next_steps_in_a_small_terminal(kb, tmp_path):
    app = make_app(kb, generate=FakeGenerator())
    async with app.run_test(size=(80, 24)) as pilot:
        await _to_results(pilot)
        await pilot.press("g")
        await pilot.pause()
        screen = app.screen
        screen.query_one("#dest").value = str(tmp_path / "p")
        await pilot.press("enter")
        await _wait_for(pilot, lambda: screen.generated is not None)
        await pilot.pause()
        summary = screen.query_one("#generate-summary")
        top = summary.region.y
        assert top < 24 - 5, summary.region  # the summary (next steps first) starts well inside the screen
        assert summary.source.index("Next steps") < summary.source.index("template.yaml")


# --------------------------------------------------------------------------- the real terminal


@pytest.mark.slow
def test_process_in_a_terminal_ignores_ctrl_c_and_quits_cleanly(tmp_path):
    """`wa-assist interview` in a pseudo-terminal: Ctrl-C only explains, ctrl+q asks, saves and restores the terminal."""
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
    env = {**os.environ, "TERM": "xterm-256color", "WA_ASSIST_STATE_DIR": str(tmp_path / "state")}
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
        os.write(master, b"x")  # an answer typed into the name: now there is something to lose
        assert pump(lambda: shown(b"Unsaved"), 10), bytes(out[-3000:])
        os.write(master, b"\x11")  # ctrl+q
        assert pump(lambda: shown(b"unsaved changes"), 10), bytes(out[-3000:])
        os.write(master, b"s")  # save and quit
        pump(lambda: proc.poll() is not None, 20)
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    assert b"\x1b[?1049l" in out  # left the alternate screen
    assert b"Traceback" not in out
    assert draft.is_file() and "my-servicex" in draft.read_text(encoding="utf-8")
