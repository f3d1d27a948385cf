"""`wa-assist new` rendering: refusal of non-empty folders, --force safety, atomicity, user text as data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.generation.answers import default_answers
from tests.helpers import ROOT
from wa_assist import scaffold
from wa_assist.scaffold import ScaffoldError, render

HOSTILE = "{{ 7*7 }} \"quoted\" : # {% raw %} \\ 'single'\nsecond line: {{ name }} ${AWS::StackName}"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def leftovers(parent: Path) -> list[str]:
    return [p.name for p in parent.iterdir() if p.name.endswith(".wa-assist-tmp")]


def test_copier_yml_holds_settings_only_and_nothing_unsafe_but_the_compile_cache():
    """Answers come from knowledge/questions.yaml and decisions.yaml; copier.yml declares and derives none."""
    config = yaml.safe_load((ROOT / "templates" / "sam" / "copier.yml").read_text(encoding="utf-8"))
    assert [k for k in config if not k.startswith("_")] == []
    assert not {"_tasks", "_migrations", "_external_data"} & set(config)
    assert config["_jinja_extensions"] == ["wa_assist.template_cache.CompileCache"]


def test_renders_a_project_into_a_new_folder(tmp_path):
    made = render(tmp_path / "svc", default_answers())
    assert Path("template.yaml") in made.files
    assert Path("src/items/app.py") in made.files
    assert not (tmp_path / "svc" / ".copier-answers.yml").exists(), "wa-assist records its inputs itself"
    assert not leftovers(tmp_path)


def test_non_empty_destination_is_refused_and_untouched(tmp_path):
    dest = tmp_path / "busy"
    dest.mkdir()
    (dest / "notes.txt").write_text("mine", encoding="utf-8")
    before = snapshot(dest)
    with pytest.raises(ScaffoldError, match="not empty"):
        render(dest, default_answers())
    assert snapshot(dest) == before
    assert not leftovers(tmp_path)


def test_force_adds_files_but_never_overwrites_a_differing_file(tmp_path):
    dest = tmp_path / "busy"
    dest.mkdir()
    (dest / "README.md").write_text("my own readme", encoding="utf-8")
    (dest / "notes.txt").write_text("mine", encoding="utf-8")
    before = snapshot(dest)
    with pytest.raises(ScaffoldError, match=r"README\.md exists with different content"):
        render(dest, default_answers(), force=True)
    assert snapshot(dest) == before, "a refused --force render must not change anything"
    (dest / "README.md").unlink()
    made = render(dest, default_answers(), force=True)
    assert (dest / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (dest / "template.yaml").is_file() and Path("README.md") in made.files
    again = render(dest, default_answers(), force=True)  # identical files are kept, not rewritten
    assert again.files == [] and len(again.kept) == len(made.files)


def test_interrupted_render_leaves_nothing(tmp_path, monkeypatch):
    import copier

    real = copier.run_copy

    def half_then_interrupt(src, dst, **kwargs):
        real(src, dst, **kwargs)
        assert any(Path(dst).rglob("*.py"))  # the files were being written
        raise KeyboardInterrupt

    monkeypatch.setattr(copier, "run_copy", half_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        render(tmp_path / "svc", default_answers())
    assert list(tmp_path.iterdir()) == []


def test_template_error_is_a_clear_error_and_leaves_nothing(tmp_path):
    answers = default_answers()
    del answers["memory_mb"]
    with pytest.raises(ScaffoldError, match="memory_mb"):
        render(tmp_path / "svc", answers)
    assert list(tmp_path.iterdir()) == []


def test_hostile_description_stays_literal(tmp_path):
    dest = tmp_path / "svc"
    render(dest, default_answers({"description": HOSTILE}))
    from cfnlint.decode import decode

    template, problems = decode(str(dest / "template.yaml"))
    assert not problems
    assert template["Description"] == HOSTILE
    assert template["Resources"]["Api"]["Properties"]["Description"] == HOSTILE
    assert HOSTILE in (dest / "README.md").read_text(encoding="utf-8")
    assert "49" not in (dest / "README.md").read_text(encoding="utf-8").split("\n")[2]


def test_user_environment_does_not_leak(tmp_path, monkeypatch):
    settings = tmp_path / "settings.yml"
    settings.write_text("defaults:\n  memory_mb: 9999\n", encoding="utf-8")
    monkeypatch.setenv("COPIER_SETTINGS_PATH", str(settings))
    render(tmp_path / "svc", default_answers())
    assert "MemorySize: 512" in (tmp_path / "svc" / "template.yaml").read_text(encoding="utf-8")
    assert os.environ["COPIER_SETTINGS_PATH"] == str(settings)  # restored afterwards


@pytest.mark.parametrize("bad", ["auth", "=iam", ""])
def test_bad_set_shape_is_refused(bad):
    with pytest.raises(ScaffoldError, match="key=value"):
        scaffold.parse_sets([bad])


def test_recommendations_are_listed_with_reasons_and_places(tmp_path):
    rec = {
        "id": "ops-distributed-tracing",
        "title": "Trace requests end to end",
        "pillars": ["operational-excellence"],
        "priority": "high",
        "reasons": ["Peak 100 rps with {{ spiky }} traffic"],
        "implemented_in": [{"where": "template.yaml", "what": "Globals Tracing Active"}],
    }
    rejected = [{"id": "rel-api-quotas", "title": "Usage plans", "changes": "no API keys"}]
    render(tmp_path / "svc", default_answers(recommendations=[rec], rejected=rejected))
    text = (tmp_path / "svc" / "RECOMMENDATIONS.md").read_text(encoding="utf-8")
    assert "### Trace requests end to end" in text
    assert "- Peak 100 rps with {{ spiky }} traffic" in text
    assert "`template.yaml`: Globals Tracing Active" in text
    assert "### Usage plans" in text and "no API keys" in text


def test_public_api_is_flagged(tmp_path):
    render(tmp_path / "svc", default_answers({"auth": "none"}))
    assert "this API is public" in (tmp_path / "svc" / "README.md").read_text(encoding="utf-8")
    assert "no authentication" in (tmp_path / "svc" / "RECOMMENDATIONS.md").read_text(encoding="utf-8")


def test_new_never_prompts_and_reports_errors_without_traceback(tmp_path):
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "x").write_text("x", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "wa_assist", "new", str(busy)],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
        cwd=ROOT,
    )
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    assert "not empty" in proc.stderr
    assert (busy / "x").read_text(encoding="utf-8") == "x"
    proc = subprocess.run(
        [sys.executable, "-m", "wa_assist", "new", str(tmp_path / "n"), "--set", "oops"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
        cwd=ROOT,
    )
    assert proc.returncode != 0 and "Traceback" not in proc.stderr and "key=value" in proc.stderr
    assert not (tmp_path / "n").exists()


def test_build_answers_prefers_decisions_and_flattens_recommendations():
    class Rec:
        id, title, pillars, priority = "a", "A", ["security"], "high"
        reasons = ["because"]
        implemented_in = [{"where": "template.yaml", "what": "X"}]
        changes = "c"

    class Result:
        decisions = {"architecture": "x86_64", "memory_mb": 1024}
        recommendations = [Rec()]
        rejected = [Rec()]

    answers = scaffold.build_answers({"architecture": "arm64", "name": "svc"}, Result())
    assert answers["architecture"] == "x86_64" and answers["memory_mb"] == 1024
    assert answers["recommendations"][0]["implemented_in"] == [{"where": "template.yaml", "what": "X"}]
    assert answers["rejected"] == [{"id": "a", "title": "A", "changes": "c"}]
    json.dumps(answers)


def test_no_generated_file_names_this_machine_or_the_staging_folder(tmp_path):
    dest = tmp_path / "svc"
    render(dest, default_answers({"scenario": "event-driven", "multi_step": True}))
    template = str(scaffold.template_dir())
    for path in dest.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            assert template not in text and "wa-assist-tmp" not in text and str(tmp_path) not in text, path


def test_recommendations_markdown_separates_reasons_into_their_own_block(tmp_path):
    rec = {
        "id": "rel-throttling",
        "title": "Throttle the API",
        "pillars": ["reliability"],
        "priority": "high",
        "reasons": ["Peak 100 rps"],
        "implemented_in": [{"where": "template.yaml", "what": "stage throttling"}],
    }
    bare = {
        "id": "ops-structured-logging",
        "title": "Log as JSON",
        "pillars": [],
        "priority": "",
        "reasons": ["Always"],
        "implemented_in": [],
    }
    render(tmp_path / "svc", default_answers(recommendations=[rec, bare]))
    text = (tmp_path / "svc" / "RECOMMENDATIONS.md").read_text(encoding="utf-8")
    assert "`rel-throttling` · priority high · reliability\n\nWhy:\n- Peak 100 rps\n\nWhere this project" in text
    assert "`ops-structured-logging`\n\nWhy:\n- Always\n" in text


def test_full_text_search_over_the_relational_store_is_indexed_from_the_write_path(tmp_path):
    answers = default_answers({"scenario": "rest-api"}, {"search_engine": "opensearch", "relational": "rds-proxy"})
    project = render(tmp_path / "search", answers).dest
    template = (project / "template.yaml").read_text(encoding="utf-8")
    assert "IndexQueue:" in template and "INDEX_QUEUE_URL: !Ref IndexQueue" in template
    assert "StreamViewType" not in template  # no DynamoDB item table to stream from
    assert "self.index.changed(" in (project / "src" / "items" / "app.py").read_text(encoding="utf-8")
    assert not leftovers(tmp_path)


@pytest.mark.parametrize("relational", ["rds-proxy", "data-api"])
def test_relational_requests_use_the_application_role_and_migrations_run_before_traffic(tmp_path, relational):
    from wa_assist.review import review_paths

    answers = default_answers({"scenario": "rest-api"}, {"relational": relational})
    project = render(tmp_path / "rel", answers).dest
    template = (project / "template.yaml").read_text(encoding="utf-8")
    # A custom resource runs the migrations; the request functions wait for it (they read its SchemaVersion).
    assert "Type: Custom::DatabaseMigration" in template
    assert "DB_SCHEMA_VERSION: !GetAtt DatabaseMigration.SchemaVersion" in template
    assert (project / "src" / "migrations" / "app.py").is_file()
    assert "migrate" not in (project / ".github" / "workflows" / "pipeline.yaml").read_text(encoding="utf-8")
    assert '"action") == "migrate"' not in (project / "src" / "items" / "app.py").read_text(encoding="utf-8")
    # No request function can use the master credentials (WA9041), and the review holds nothing else
    # against the migration function.
    report = review_paths([project / "template.yaml"])
    assert not [f for f in report.findings if f.check == "WA9041"]
    assert not [f for f in report.findings if f.resource == "DatabaseMigrationFunction" and f.severity != "low"]
    assert "The database" in (project / "README.md").read_text(encoding="utf-8")
