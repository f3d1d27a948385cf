"""The interview opens a generated project, and its results screen updates that project (dry run first)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import ROOT, run_cli
from tests.tui.test_tui import _to_results, _wait_for, goto_group, pick
from wa_assist.commands.interview import run as run_interview
from wa_assist.errors import UserError
from wa_assist.tui import make_app
from wa_assist.tui.screens.results import ResultsScreen
from wa_assist.tui.screens.update import UpdateScreen
from wa_assist.tui.services import Updated

SIZE = (80, 24)
PROFILE = ROOT / "examples" / "orders-api.yaml"


def record(project: Path) -> dict:
    return json.loads((project / ".wa-assist" / "record.json").read_text(encoding="utf-8"))


async def test_opening_a_project_loads_its_recorded_answers_and_choices(kb, project):
    app = make_app(kb, project=project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.session.values["name"] == "orders-api" and app.session.values["auth"] == "iam"
        assert app.session.changed_answers(app.services.recorded) == {}
        results = await _to_results(pilot)
        assert not results.check_action("generate", ()) and results.check_action("update_project", ())


async def test_changing_an_answer_updates_the_project_after_a_dry_run(kb, project):
    template = project / "template.yaml"
    before = template.read_bytes()
    assert b"AWS::Cognito::UserPool" not in before
    app = make_app(kb, project=project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await goto_group(pilot, "Audience")
        await pick(pilot, "auth", "cognito")
        assert app.session.values["auth"] == "cognito"
        await _to_results(pilot)
        await pilot.press("r")  # reject the first recommendation shown: a choice goes with the answers
        rejected = next(iter(app.session.rejected))
        await pilot.press("u")
        screen = app.screen
        assert isinstance(screen, UpdateScreen)
        await _wait_for(pilot, lambda: screen.preview is not None or screen.error is not None, timeout=60)
        assert screen.error is None, screen.error
        preview = screen.preview
        assert preview is not None and preview.dry_run and not preview.written
        text = str(screen.query_one("#update-summary").render())
        assert text.index("Guidance") < text.index("Files")
        assert "auth: iam -> cognito" in text and "updated  template.yaml" in text and "Dry run" in text
        assert template.read_bytes() == before  # the dry run wrote nothing
        await pilot.press("u")
        await _wait_for(pilot, lambda: screen.outcome is not None or screen.error is not None, timeout=60)
        assert screen.error is None, screen.error
        assert screen.outcome is not None and screen.outcome.written and screen.outcome.exit_code == 0
        assert "Done." in str(screen.query_one("#update-status").render())
    assert b"AWS::Cognito::UserPool" in template.read_bytes()
    inputs = record(project)["inputs"]
    assert inputs["profile"]["auth"] == "cognito" and not any(s.startswith("auth=") for s in inputs["sets"])
    assert rejected in inputs["rejected"]
    assert run_cli("check", str(project)).returncode == 0  # what the current guidance generates for them


async def test_conflicts_are_listed_and_check_named(kb, project):
    template = project / "template.yaml"
    text = template.read_text(encoding="utf-8")
    # Your own edit on a line the new answer changes: both sides changed it.
    assert "DefaultAuthorizer: AWS_IAM\n" in text
    template.write_text(text.replace("DefaultAuthorizer: AWS_IAM\n", "DefaultAuthorizer: AWS_IAM  # audited\n", 1))
    app = make_app(kb, project=project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.session.answer("auth", "cognito")
        results = await _to_results(pilot)
        assert isinstance(results, ResultsScreen)
        app.show_update()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, UpdateScreen)
        await _wait_for(pilot, lambda: screen.preview is not None or screen.error is not None, timeout=60)
        assert screen.preview is not None and screen.preview.conflicts == ["template.yaml"], screen.error
        screen.action_apply()
        await _wait_for(pilot, lambda: screen.outcome is not None or screen.error is not None, timeout=60)
        assert screen.outcome is not None and screen.outcome.exit_code == 1
        status = str(screen.query_one("#update-status").render())
        assert "Conflicts remain" in status and "template.yaml" in status and "wa-assist check" in status
    assert "<<<<<<<" in template.read_text(encoding="utf-8")


async def test_a_folder_without_a_record_is_refused(kb, tmp_path):
    with pytest.raises(UserError, match=r"no \.wa-assist/record\.json"):
        make_app(kb, project=tmp_path)

    class Args:
        project = str(tmp_path)
        profile = None
        knowledge: list[str] = []

    with pytest.raises(UserError) as caught:
        run_interview(Args())  # type: ignore[arg-type]
    assert str(tmp_path) in str(caught.value) and ".wa-assist/record.json" in str(caught.value)
    proc = run_cli("interview", str(tmp_path))
    assert proc.returncode == 2 and str(tmp_path) in proc.stderr and "Traceback" not in proc.stderr


# What `wa-assist update --dry-run` printed for orders-api with auth iam -> cognito (fixed, so the picture
# changes when the screen changes, not when the guidance does).
DRY_RUN = """Guidance
  answer    auth: iam -> cognito
  decision  api_auth: iam -> cognito
            set by svc-cognito-user-pools (Amazon Cognito user pools): End users sign in, so the API checks their JWT
  + svc-cognito-user-pools: Amazon Cognito user pools
  - svc-api-gateway-authorizers: API authorization mechanisms (IAM, Lambda authorizers, Cognito)
Files
  merged   template.yaml
  updated  README.md
  updated  RECOMMENDATIONS.md
  updated  tests/integration/test_api.py
Dry run: nothing was written."""


def fake_update(project: Path, answers: dict, choices: tuple, *, dry_run: bool, force: bool) -> Updated:
    return Updated(project=project, text=DRY_RUN, dry_run=dry_run, written=not dry_run, empty=False)


def test_update_summary_at_80x24(snap_compare, kb, project):
    app = make_app(kb, project=project, update=fake_update)
    app.services.project = Path("/projects/orders-api")  # the picture does not depend on the test's folder

    async def run_before(pilot) -> None:
        for _ in range(200):
            if app.ready_at is not None:
                break
            await pilot.pause(0.02)
        app.session.answer("auth", "cognito")
        app.show_results()
        await pilot.pause()
        app.show_update()
        await pilot.pause()
        screen = app.screen
        await _wait_for(pilot, lambda: screen.preview is not None)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


async def test_quitting_with_changes_not_applied_asks_first(kb, project):
    from wa_assist.tui.screens.dialogs import UnappliedScreen

    app = make_app(kb, project=project, update=fake_update)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not app.unapplied()
        app.session.answer("auth", "cognito")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, UnappliedScreen)
        await pilot.press("escape")  # cancel: the answers stay
        await pilot.pause()
        assert app.is_running and app.session.values["auth"] == "cognito"
        app.project_updated()  # once the project holds them, quitting asks nothing
        assert not app.unapplied()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running


async def test_with_a_profile_its_answers_replace_the_recorded_ones_and_are_saved_there(kb, project, tmp_path):
    from wa_assist.profile import load_profile, profile_from_mapping, save_profile

    draft = tmp_path / "orders.yaml"
    app = make_app(kb, project=project, profile_path=draft)  # no file yet: the recorded answers
    assert app.session.values["auth"] == "iam" and not app.unapplied()
    answers = {**app.session.values, "auth": "cognito"}
    save_profile(profile_from_mapping(answers, kb), draft)
    app = make_app(kb, project=project, profile_path=draft, update=fake_update)
    assert app.session.values["auth"] == "cognito" and app.unapplied()
    assert app.session.changed_answers(app.services.recorded) == {"auth": "cognito"}
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.session.answer("traffic", "steady")
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert load_profile(draft, kb).values["traffic"] == "steady"
