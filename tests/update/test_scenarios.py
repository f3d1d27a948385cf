"""Whole updates on the real template: your edits and files survive new answers and a new template release;
and the invariants (nothing of yours lost, idempotence, dry runs, interruption at any write)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.update.conftest import commit_all, git, snapshot
from wa_assist.update import UpdateError
from wa_assist.update import apply as apply_module
from wa_assist.update.run import check_project, update_project

NEW_ANSWERS = ["auth=cognito", "multi_step=true", "traffic=steady"]
KILL_ANSWERS = ["traffic=steady"]  # a smaller update (fewer writes to interrupt), with a merge
AUDIT = "  AuditQueue:\n    Type: AWS::SQS::Queue\n    Properties:\n      MessageRetentionPeriod: 1209600\n\n"


def edit(project: Path) -> None:
    """What an owner does in the first months: tune a setting, add a resource, note things, add files."""
    template = project / "template.yaml"
    text = template.read_text(encoding="utf-8")
    assert "      OrdersFunctionProvisionedConcurrency: 160\n" in text  # prod's, in the StageSettings mapping
    text = text.replace("OrdersFunctionProvisionedConcurrency: 160\n", "OrdersFunctionProvisionedConcurrency: 40\n")
    text = text.replace("\nOutputs:\n", "\n" + AUDIT + "Outputs:\n", 1)
    template.write_text(text, encoding="utf-8")
    readme = project / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + "\n## Operations\nPage the on-call.\n", encoding="utf-8")
    app = project / "src" / "orders" / "app.py"
    app.write_text("# Owned by the orders team.\n" + app.read_text(encoding="utf-8"), encoding="utf-8")
    (project / "docs").mkdir()
    (project / "docs" / "runbook.md").write_text("# Runbook\n", encoding="utf-8")


def lines_of(folder: Path, skip=(".git", ".wa-assist")) -> dict[str, list[bytes]]:
    return {k: v.splitlines() for k, v in snapshot(folder, skip=skip).items()}  # type: ignore[union-attr]


def yours(project: Path) -> dict[str, list[bytes]]:
    """The lines you wrote: in generated files those the pristine render lacks, in your own files all."""
    from wa_assist.update.record import unpack_base

    base = unpack_base((project / ".wa-assist" / "base.tar.gz").read_bytes())
    out = {}
    for rel, lines in lines_of(project).items():
        generated = set(base[rel].data.splitlines()) if rel in base else set()
        mine = [line for line in lines if line not in generated]
        if mine:
            out[rel] = mine
    return out


def assert_nothing_of_yours_lost(before: dict[str, list[bytes]], project: Path, backup: Path | None) -> None:
    """Every line you had is still in that file, or in a side file written beside it, or in the backup."""
    after = lines_of(project, skip=(".git",))
    for rel, lines in before.items():
        kept = set(after.get(rel, []))
        kept |= {line for name, ls in after.items() if name.startswith(rel + ".") for line in ls}
        if backup is not None and (backup / rel).is_file():
            kept |= set((backup / rel).read_bytes().splitlines())
        missing = [line for line in lines if line not in kept]
        assert not missing, f"{rel}: lost {missing[:3]}"


def test_new_answers_merge_your_edits_and_mark_only_the_genuine_conflict(project):
    commit_all(project, "generated")
    edit(project)
    commit_all(project, "my edits")
    before = yours(project)
    assert set(before) == {"template.yaml", "README.md", "src/orders/app.py", "docs/runbook.md"}
    outcome = update_project(project, sets=NEW_ANSWERS)
    assert outcome.written and outcome.exit_code == 1
    assert [c.path for c in outcome.plan.conflicts] == ["template.yaml"]
    assert outcome.plan.conflicts[0].conflicts == 1
    text = (project / "template.yaml").read_text(encoding="utf-8")
    hunk = text[text.index("<<<<<<< yours") : text.index(">>>>>>> generated now")]
    assert "OrdersFunctionProvisionedConcurrency: 40\n" in hunk  # yours
    assert "OrdersFunctionProvisionedConcurrency: 80\n" in hunk  # steady traffic halves the floor
    assert "OrdersFunctionProvisionedConcurrency: 160\n" in hunk  # the base, to see what each side changed
    assert AUDIT in text and "AWS::Cognito::UserPool" in text and "AWS::Serverless::StateMachine" in text
    assert "Page the on-call." in (project / "README.md").read_text(encoding="utf-8")
    assert (project / "src/orders/app.py").read_text(encoding="utf-8").startswith("# Owned by the orders team.\n")
    assert (project / "docs/runbook.md").read_text(encoding="utf-8") == "# Runbook\n"
    assert (project / "statemachine" / "workflow.asl.json").is_file()
    assert_nothing_of_yours_lost(before, project, outcome.backup)
    guidance = outcome.plan.guidance
    assert ("table_billing", "on-demand", "provisioned") in [d[:3] for d in guidance.decisions]
    assert "svc-cognito-user-pools" in [r[0] for r in guidance.added]
    assert check_project(project).exit_code == 1  # the markers are still there

    # You resolve it (keeping your 40), commit, and the project is up to date.
    start, end = text.index("<<<<<<< yours"), text.index(">>>>>>> generated now\n") + len(">>>>>>> generated now\n")
    (project / "template.yaml").write_text(
        text[:start] + "      OrdersFunctionProvisionedConcurrency: 40\n" + text[end:], encoding="utf-8"
    )
    commit_all(project, "update")
    report = check_project(project)
    assert report.exit_code == 0 and "template.yaml" in report.changed, report.problems
    assert update_project(project).plan.empty


def test_a_newer_template_release_merges_into_an_edited_project(project, release):
    edit(project)
    before = yours(project)
    assert set(before) == {"template.yaml", "README.md", "src/orders/app.py", "docs/runbook.md"}
    v2 = release(
        edits={
            "README.md.jinja": ("Generated by wa-assist from a profile", "Generated by wa-assist 0.2 from a profile"),
            "template.yaml.jinja": (
                "Transform: AWS::Serverless-2016-10-31",
                "Transform:\n  - AWS::Serverless-2016-10-31",
            ),
        }
    )
    outcome = update_project(project, template=v2)
    assert outcome.exit_code == 0, outcome.plan.changes
    assert {c.path: c.action for c in outcome.plan.changes} == {"README.md": "merged", "template.yaml": "merged"}
    text = (project / "template.yaml").read_text(encoding="utf-8")
    assert "Transform:\n  - AWS::Serverless-2016-10-31" in text and AUDIT in text
    assert "OrdersFunctionProvisionedConcurrency: 40\n" in text
    assert_nothing_of_yours_lost(before, project, outcome.backup)
    # Then new answers on the new release.
    second = update_project(project, template=v2, sets=["multi_step=true"])
    assert second.exit_code == 0 and (project / "statemachine" / "workflow.asl.json").is_file()
    assert "Transform:\n  - AWS::Serverless-2016-10-31" in (project / "template.yaml").read_text(encoding="utf-8")
    assert update_project(project, template=v2).plan.empty


def test_two_updates_in_a_row_change_nothing(project):
    edit(project)
    update_project(project, sets=NEW_ANSWERS, force=True)
    after = snapshot(project, times=True)
    again = update_project(project, force=True)
    assert again.plan.empty and not again.written
    assert snapshot(project, times=True) == after


def test_dry_run_writes_nothing(project):
    edit(project)
    before = snapshot(project, times=True)
    outcome = update_project(project, sets=NEW_ANSWERS, dry_run=True)
    assert outcome.plan.writes and outcome.exit_code == 1  # it would conflict, and says so
    assert snapshot(project, times=True) == before


def test_uncommitted_changes_are_refused_unless_force_which_backs_up(project):
    commit_all(project, "generated")
    readme = project / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + "\nnot committed\n", encoding="utf-8")
    (project / "untracked.txt").write_text("untracked files do not block\n", encoding="utf-8")
    before = snapshot(project)
    with pytest.raises(UpdateError, match=r"uncommitted changes to tracked files \(README\.md\)"):
        update_project(project, sets=NEW_ANSWERS)
    assert snapshot(project) == before
    outcome = update_project(project, sets=NEW_ANSWERS, force=True)
    assert outcome.written and outcome.backup is not None
    assert (outcome.backup / "README.md").read_bytes() == before["README.md"]


def test_untracked_files_alone_do_not_block(project):
    commit_all(project, "generated")
    (project / "untracked.txt").write_text("mine\n", encoding="utf-8")
    outcome = update_project(project, sets=NEW_ANSWERS)
    assert outcome.written and outcome.backup is None  # in a clean git tree, git is the backup
    assert (project / "untracked.txt").read_text(encoding="utf-8") == "mine\n"


def test_outside_git_every_file_it_touches_is_backed_up_first(project):
    edit(project)
    before = snapshot(project)
    outcome = update_project(project, sets=NEW_ANSWERS)
    assert outcome.backup is not None
    touched = [w.path for w in outcome.plan.writes if w.path in before]
    assert touched and "template.yaml" in touched
    for rel in touched:
        assert (outcome.backup / rel).read_bytes() == before[rel]


def test_leftover_conflicts_block_the_next_update_that_would_write(project, release):
    edit(project)
    update_project(project, sets=NEW_ANSWERS)
    with pytest.raises(UpdateError, match=r"template\.yaml: conflict markers"):
        update_project(project, sets=["deployment=linear"])
    assert update_project(project).exit_code == 1  # nothing to write, but conflicts remain


class Killed(Exception):
    pass


def _kill_at(monkeypatch: pytest.MonkeyPatch, k: int) -> list[int]:
    count = [0]
    real_write, real_remove = apply_module.atomic_write, apply_module.remove_file

    def step() -> None:
        count[0] += 1
        if count[0] == k:
            raise Killed(f"write {k}")

    def write(*args, **kwargs):
        step()
        return real_write(*args, **kwargs)

    def remove(*args, **kwargs):
        step()
        return real_remove(*args, **kwargs)

    monkeypatch.setattr(apply_module, "atomic_write", write)
    monkeypatch.setattr(apply_module, "remove_file", remove)
    return count


def test_an_update_killed_at_any_write_is_explained_by_check_and_completed_by_the_next(project, tmp_path, monkeypatch):
    # The same answers render the same files (tested by the idempotence tests): render each once here.
    import json

    from wa_assist.update import plan as plan_module

    real_render, renders = plan_module.render_theirs, {}

    def render_once(answers, template):
        key = json.dumps(answers, sort_keys=True, default=str) + str(template)
        if key not in renders:
            renders[key] = real_render(answers, template)
        return renders[key]

    monkeypatch.setattr(plan_module, "render_theirs", render_once)
    edit(project)
    origin = tmp_path / "edited"
    shutil.copytree(project, origin)
    before = snapshot(origin)
    skip = (".git", ".wa-assist/backup")
    with monkeypatch.context() as m:
        count = _kill_at(m, 0)
        update_project(project, sets=KILL_ANSWERS)
    expected, total = snapshot(project, skip=skip), count[0]
    assert total > 10  # backups, pending copies, the journal, the files, the record

    for k in range(1, total + 1):
        work = tmp_path / f"k{k}"
        shutil.copytree(origin, work)
        with monkeypatch.context() as m:
            _kill_at(m, k)
            with pytest.raises(Killed):
                update_project(work, sets=KILL_ANSWERS)
        report = check_project(work)
        if (work / apply_module.JOURNAL).exists():
            assert any("interrupted after" in p for p in report.problems), k
            assert report.exit_code == 1
        else:  # killed before the point of no return: nothing of the project changed
            assert snapshot(work, skip=(*skip, ".wa-assist/pending")) == {
                k2: v for k2, v in before.items() if not k2.startswith(".wa-assist/backup")
            }, k
            assert report.exit_code == 0 and not report.problems  # as it was: up to date with its answers
            if (work / apply_module.PENDING).exists():
                assert any("before it changed anything" in n for n in report.notes)
        update_project(work, sets=KILL_ANSWERS)
        assert snapshot(work, skip=skip) == expected, f"killed at write {k}"
        assert not (work / apply_module.JOURNAL).exists() and not (work / apply_module.PENDING).exists()
        shutil.rmtree(work)


def test_check_explains_leftovers_and_your_changes(project, release):
    assert check_project(project).exit_code == 0
    (project / "README.md").write_text("mine\n", encoding="utf-8")
    (project / "pytest.ini").unlink()
    report = check_project(project)
    assert report.exit_code == 0 and report.changed == ["README.md"] and report.deleted == ["pytest.ini"]
    (project / "template.yaml.wa-new").write_text("x", encoding="utf-8")
    report = check_project(project)
    assert report.exit_code == 1 and report.problems == [
        "left by the last update: template.yaml.wa-new: side file of an update"
    ]


def test_check_reports_what_a_new_release_would_change(project, release):
    v2 = release(edits={"pytest.ini": ("addopts = -ra", "addopts = -ra -q")})
    before = snapshot(project, times=True)
    report = check_project(project, template=v2)
    assert report.exit_code == 1 and report.drift
    assert [(c.path, c.action) for c in report.plan.changes] == [("pytest.ini", "updated")]
    assert snapshot(project, times=True) == before  # a check writes nothing


def test_git_repository_of_the_user_is_not_touched_by_the_merge(project):
    commit_all(project, "generated")
    edit(project)
    commit_all(project, "edits")
    head = git(project, "rev-parse", "HEAD")
    update_project(project, sets=NEW_ANSWERS)
    assert git(project, "rev-parse", "HEAD") == head
    assert git(project, "diff", "--cached", "--name-only") == ""  # nothing staged, no index stages
