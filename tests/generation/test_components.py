"""The component layer: manifests, the one selection every reader uses, portable paths, a toy component,
nothing but the project's own files in a render, and a compile cache that never serves stale code."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.generation.answers import default_answers
from tests.helpers import ROOT
from wa_assist import components, conditions
from wa_assist.components import ComponentError, check_output_path, load_components, select_from_answers
from wa_assist.scaffold import render, template_answers

TEMPLATE = ROOT / "templates" / "sam"


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_every_manifest_loads_and_its_conditions_are_valid_knowledge_conditions(kb):
    found = load_components(TEMPLATE)
    assert {c.name for c in found} == {p.name for p in (TEMPLATE / "components").iterdir() if p.is_dir()}
    problems = []
    for component in found:
        conds = [component.when, *(f.when for f in component.files), *(f.when for f in component.functions)]
        for cond in conds:
            problems += [f"{component.name}: {m}" for m in conditions.check_condition(cond, kb, allow_decisions=True)]
    assert problems == []


def test_every_component_file_is_used_by_a_manifest_or_included_by_another_file():
    used = set()
    for component in load_components(TEMPLATE):
        used |= {f"components/{component.name}/{f.source}" for f in component.files}
    texts = "\n".join(p.read_text(encoding="utf-8") for p in TEMPLATE.rglob("*.jinja"))
    orphans = []
    for path in (TEMPLATE / "components").glob("*/files/**/*"):
        rel = path.relative_to(TEMPLATE).as_posix()
        within = "/" + rel.split("/", 2)[2]  # an include that computes the component's name
        if path.is_file() and rel not in used and rel not in texts and f'~ "{within}"' not in texts:
            orphans.append(rel)
    assert orphans == []


def test_the_engine_and_the_renderer_read_one_selection(kb):
    from wa_assist.engine import recommend
    from wa_assist.profile import profile_from_mapping
    from wa_assist.scaffold import build_answers

    for profile in (
        {"scenario": "rest-api", "auth": "lambda-authorizer", "access_patterns": ["files"]},
        {"scenario": "mobile-backend", "access_patterns": ["relational"]},
        {"scenario": "event-driven", "multi_step": True},
        {"scenario": "stream-processing"},
    ):
        result = recommend(kb, profile_from_mapping(profile, kb))
        answers = template_answers(build_answers(result.profile.to_dict(), result))
        assert answers["components"] == result.components
        assert list(answers["functions"]) == list(result.functions)
    assert "state_machine" in recommend(kb, profile_from_mapping({"multi_step": True}, kb)).components


def test_selection_follows_the_decisions_and_earlier_components():
    plain = select_from_answers(default_answers())
    assert plain.components[:2] == ["core", "rest_api"] and "state_machine" not in plain.components
    assert plain.functions["ItemsFunction"] == {
        "kind": "api",
        "code": "src/items",
        "component": "rest_api",
        "store": True,
    }
    flow = select_from_answers(default_answers(decisions={"workflow": "standard"}))
    assert "state_machine" in flow.components
    # the files component adds its function only next to an API that can hand out its URLs
    stream = select_from_answers(default_answers({"scenario": "stream-processing"}, {"files_bucket": True}))
    assert "files" in stream.components and "FilesFunction" not in stream.functions
    api = select_from_answers(default_answers(decisions={"files_bucket": True}))
    assert "FilesFunction" in api.functions
    # secrets go to the main function's folder
    secret = select_from_answers(default_answers({"scenario": "event-driven"}, {"secrets_manager": True}))
    assert "src/item_processor/credentials.py" in {f.dest for f in secret.files}


@pytest.mark.parametrize(
    "path", ['src/{% if "x" in components %}a{% endif %}', "a<b", "c:d", "what?", "con", "src/aux.py", "dot.", "../up"]
)
def test_output_paths_every_platform_cannot_store_are_named(path):
    assert check_output_path(path)


def test_no_tracked_path_is_hostile_to_any_platform():
    if (ROOT / ".git").exists():
        listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
        paths = [p for p in listed.splitlines() if p]
    else:  # an unpacked source distribution
        paths = [p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*") if p.is_file() and ".venv" not in p.parts]
    assert paths, "no file found"
    assert [p for p in paths if check_output_path(p)] == []


def test_no_bytecode_or_empty_folder_reaches_a_project_even_from_a_compiled_template(tmp_path):
    template = tmp_path / "template"
    shutil.copytree(TEMPLATE, template)
    for folder in (template / "project" / "tests", template / "components" / "rest_api" / "files"):
        (folder / "__pycache__").mkdir(exist_ok=True)
        (folder / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\x00bytecode")
    (template / "project" / ".DS_Store").write_bytes(b"junk")
    for profile in ({"scenario": "rest-api"}, {"scenario": "web-app"}, {"scenario": "alexa-skill"}):
        dest = tmp_path / profile["scenario"]
        render(dest, default_answers(profile), template=template)
        assert [
            p for p in dest.rglob("*") if p.suffix in (".pyc", ".pyo") or p.name in ("__pycache__", ".DS_Store")
        ] == []
        assert [p for p in dest.rglob("*") if p.is_dir() and not any(p.iterdir())] == []
        assert not (dest / "statemachine").exists() and not (dest / "graphql").exists()


def test_a_toy_component_with_one_function_is_one_folder(tmp_path):
    """COMPONENTS.md's walk-through: a folder with a manifest, a resource fragment and its code."""
    template = tmp_path / "template"
    shutil.copytree(TEMPLATE, template)
    toy = template / "components" / "nightly_report"
    (toy / "files").mkdir(parents=True)
    (toy / "component.yaml").write_text(
        yaml.safe_dump(
            {
                "description": "A report written every night.",
                "order": 96,
                "when": {"scenario": "rest-api", "decision.log_level": "INFO"},
                "functions": {"ReportFunction": {"kind": "scheduled", "code": "src/report"}},
                "files": {
                    "src/report/app.py": "files/app.py.jinja",
                    "src/report/requirements.txt": "files/requirements.txt",
                    "events/report.json": {
                        "source": "files/event.json.jinja",
                        "vars": {"hour": 3, "label": "{{ 7*7 }}"},
                    },
                },
            }
        ),
        encoding="utf-8",
    )
    (toy / "resources.yaml.jinja").write_text(
        "  ReportFunction:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      CodeUri: src/report/\n      Handler: app.lambda_handler\n",
        encoding="utf-8",
    )
    (toy / "files" / "app.py.jinja").write_text(
        'SERVICE = {{ name | tojson }}\n\n\ndef lambda_handler(event, context):\n    return {"ok": True}\n',
        encoding="utf-8",
    )
    (toy / "files" / "requirements.txt").write_text("aws-lambda-powertools>=3.0,<4\n", encoding="utf-8")
    (toy / "files" / "event.json.jinja").write_text(
        '{"hour": {{ hour }}, "label": {{ label | tojson }}}\n', encoding="utf-8"
    )

    dest = tmp_path / "svc"
    answers = default_answers(decisions={"log_level": "INFO"})
    render(dest, answers, template=template)
    assert (dest / "src" / "report" / "app.py").read_text(encoding="utf-8").startswith(f'SERVICE = "{answers["name"]}"')
    assert (dest / "events" / "report.json").read_text(encoding="utf-8") == '{"hour": 3, "label": "{{ 7*7 }}"}\n'
    rendered = (dest / "template.yaml").read_text(encoding="utf-8")
    assert "  ReportFunction:\n    Type: AWS::Serverless::Function" in rendered
    # the new function joins every function-wide feature: here, the saved Logs Insights queries
    assert "        - !Ref ReportFunctionLogGroup\n" in rendered
    # and it is absent when its condition does not hold
    other = tmp_path / "other"
    render(other, default_answers(decisions={"log_level": "WARN"}), template=template)
    assert not (other / "src" / "report").exists() and "ReportFunction" not in (other / "template.yaml").read_text()


def test_reserved_concurrency_caps_only_the_functions_that_use_the_store(tmp_path):
    # The reservation of the API kind is sized from the database's connections (or the cache's nodes):
    # the search and files functions, which never touch the store, stay out of it.
    answers = default_answers(
        {"access_patterns": ["relational", "full-text-search", "files"]},
        {"relational": "rds-proxy", "search_engine": "opensearch", "files_bucket": True},
        function_settings={"api": {"reserved_concurrency": 120}},
    )
    functions = select_from_answers(answers).functions
    assert {"SearchFunction", "FilesFunction"} <= set(functions) and not functions["SearchFunction"]["store"]
    text = render(tmp_path / "svc", answers).dest.joinpath("template.yaml").read_text(encoding="utf-8")
    assert text.count("ReservedConcurrentExecutions:") == 1
    assert "ItemsFunctionReservedConcurrency: 120" in text
    assert "SearchFunctionReservedConcurrency" not in text and "FilesFunctionReservedConcurrency" not in text


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        ({"order": "first"}, "order: expected a whole number"),
        ({"files": {"src/{% if x %}a{% endif %}/b.py": "files/a.py.jinja"}}, "a condition goes in the file's `when:`"),
        ({"files": {'src/"a"/b.py': "files/a.py.jinja"}}, "Windows cannot store"),
        ({"files": {"src/a.py": "files/missing.py.jinja"}}, "is not a file"),
        ({"functions": {"AFunction": {"kind": "cron", "code": "src/a"}}}, "allowed: api, authorizer"),
        (
            {"functions": {"AFunction": {"kind": "api", "code": "src/a", "store": "no"}}},
            "store: 'no'; allowed: true, false",
        ),
        ({"colour": "red"}, "unknown key"),
        ({"files": {"{elsewhere}/a.py": "files/a.py.jinja"}}, "unknown placeholder"),
    ],
)
def test_a_bad_manifest_is_a_clear_error_naming_its_file_and_field(tmp_path, manifest, message):
    template = tmp_path / "template"
    shutil.copytree(TEMPLATE, template)
    bad = template / "components" / "broken"
    (bad / "files").mkdir(parents=True)
    (bad / "files" / "a.py.jinja").write_text("x = 1\n", encoding="utf-8")
    (bad / "component.yaml").write_text(yaml.safe_dump(manifest), encoding="utf-8")
    with pytest.raises(ComponentError, match=re.escape(message)) as caught:
        components.load_components(template)
    assert "broken/component.yaml" in str(caught.value).replace("\\", "/")
    assert list(tmp_path.iterdir()) == [template]


def test_two_components_writing_one_file_is_an_error(tmp_path):
    template = tmp_path / "template"
    shutil.copytree(TEMPLATE, template)
    clash = template / "components" / "clash"
    (clash / "files").mkdir(parents=True)
    (clash / "files" / "app.py.jinja").write_text("x = 1\n", encoding="utf-8")
    (clash / "component.yaml").write_text(
        yaml.safe_dump({"order": 99, "files": {"tests/integration/test_api.py": "files/app.py.jinja"}})
    )
    with pytest.raises(ComponentError, match="rest_api writes the same file"):
        select_from_answers(default_answers(), template=template)


def test_a_changed_environment_option_or_source_never_reads_stale_compiled_code(tmp_path, monkeypatch):
    """The compile cache keys on the environment and versions; Jinja checks the source's checksum."""
    template = tmp_path / "template"
    shutil.copytree(TEMPLATE, template)
    warm = tmp_path / "warm-cache"
    monkeypatch.setenv("WA_ASSIST_CACHE_DIR", str(warm))
    render(tmp_path / "first", default_answers(), template=template)
    assert any((warm / "jinja").iterdir()), "the cache was filled"

    config = template / "copier.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("trim_blocks: true", "trim_blocks: false"))
    readme = template / "project" / "README.md.jinja"
    readme.write_text(readme.read_text(encoding="utf-8") + "\nA line added after the first render.\n")
    render(tmp_path / "warm", default_answers(), template=template)
    monkeypatch.setenv("WA_ASSIST_CACHE_DIR", str(tmp_path / "cold-cache"))
    render(tmp_path / "cold", default_answers(), template=template)

    assert files_of(tmp_path / "warm") == files_of(tmp_path / "cold")
    assert files_of(tmp_path / "warm") != files_of(tmp_path / "first")
    assert "A line added after the first render." in (tmp_path / "warm" / "README.md").read_text(encoding="utf-8")
