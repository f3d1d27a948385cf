"""Loading the knowledge base: the shipped base is valid, and bad input gets errors a user can act on."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.helpers import run_cli
from wa_assist.kb import KnowledgeError, load_knowledge
from wa_assist.schema import Kind, Pillar
from wa_assist.sources import SourceError

VALID_ENTRY = """\
entries:
  - id: org-tagging-policy
    kind: practice
    pillars: [cost-optimization]
    title: Tag every resource with its cost centre
    summary: Tags let the organisation attribute serverless spend to teams.
    body: Every stack carries `CostCentre` and `Owner` tags so the bill can be split by team.
    steps: [Add Tags to the SAM Globals section]
    aliases: [cost allocation tags]
    related: [cost-logging-retention]
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems_of(*extra: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(extra, use_cache=False)
    return [str(p) for p in info.value.problems]


def test_shipped_base_is_valid_and_complete(kb):
    kinds = {e.kind for e in kb.entries.values()}
    assert kinds == set(Kind)
    assert {p for e in kb.entries.values() for p in e.pillars} == set(Pillar)
    practices = [e for e in kb.entries.values() if e.lens]
    assert len(practices) == 38
    assert len({e.lens.choice for e in practices}) == 38
    assert len([e for e in kb.entries.values() if e.kind is Kind.principle]) == 7
    assert len([e for e in kb.entries.values() if e.kind is Kind.scenario]) == 6
    for entry in kb.entries.values():
        assert entry.aliases or entry.keywords, f"{entry.id} has neither aliases nor keywords"
        assert entry.references, f"{entry.id} has no references"


def test_every_question_default_is_allowed(kb):
    for q in kb.questions:
        if q.type.value == "choice":
            assert q.default in q.values, q.id
        if q.type.value == "multi":
            assert set(q.default) <= set(q.values), q.id


def test_extra_guidance_merges(tmp_path):
    path = write(tmp_path, "org.yaml", VALID_ENTRY)
    kb = load_knowledge([path], use_cache=False)
    assert "org-tagging-policy" in kb.entries
    assert kb.origins["org-tagging-policy"] == str(path)


def test_extra_guidance_from_environment(tmp_path, monkeypatch):
    write(tmp_path, "org.yaml", VALID_ENTRY)
    monkeypatch.setenv("WA_ASSIST_KNOWLEDGE", str(tmp_path))
    assert "org-tagging-policy" in load_knowledge(use_cache=False).entries


def test_syntax_error_names_file_and_line(tmp_path):
    path = write(tmp_path, "broken.yaml", "entries:\n  - id: x\n    title: [unclosed\n")
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}:")
    assert "invalid YAML" in problem


def test_unknown_field_names_line_entry_and_allowed_fields(tmp_path):
    path = write(tmp_path, "org.yaml", VALID_ENTRY.replace("    steps:", "    stpes: [typo]\n    steps:"))
    (problem,) = problems_of(path)
    assert f"{path}:8:" in problem
    assert "entry 'org-tagging-policy'" in problem
    assert "unknown field 'stpes'" in problem
    assert "steps" in problem and "summary" in problem  # the allowed fields are listed


def test_bad_enum_value_lists_allowed_values(tmp_path):
    path = write(tmp_path, "org.yaml", VALID_ENTRY.replace("pillars: [cost-optimization]", "pillars: [costs]"))
    (problem,) = problems_of(path)
    assert f"{path}:4:" in problem
    assert "field 'pillars[0]'" in problem
    assert "'cost-optimization'" in problem and "'security'" in problem


def test_duplicate_id_is_an_error(tmp_path):
    path = write(tmp_path, "org.yaml", VALID_ENTRY.replace("org-tagging-policy", "rel-throttling"))
    (problem,) = problems_of(path)
    assert "duplicate id" in problem and "first defined at" in problem and "reliability.yaml" in problem


def test_dangling_related_id_is_an_error(tmp_path):
    path = write(tmp_path, "org.yaml", VALID_ENTRY.replace("[cost-logging-retention]", "[cost-loging-retention]"))
    (problem,) = problems_of(path)
    assert "related id 'cost-loging-retention' does not exist" in problem
    assert "cost-logging-retention" in problem.split("did you mean")[1]


def test_extra_file_may_not_redefine_questions(tmp_path):
    path = write(tmp_path, "org.yaml", "questions:\n  - id: name\n")
    (problem,) = problems_of(path)
    assert "'questions' are defined by the shipped base" in problem


def test_bad_advice_condition_and_decision(tmp_path):
    text = VALID_ENTRY + textwrap.indent(
        textwrap.dedent(
            """\
            advice:
              applies: {traffic: bursty}
              priority: high
              reasons: [{text: "Traffic is {trafic} so tag it"}]
              decisions: [{set: {table_billing: free}}]
            """
        ),
        "    ",
    )
    path = write(tmp_path, "org.yaml", text)
    problems = problems_of(path)
    joined = "\n".join(problems)
    assert "bursty" in joined and "steady" in joined  # bad value, with allowed ones
    assert "{trafic}" in joined
    assert "'free' is not allowed for decision 'table_billing'; allowed: on-demand, provisioned" in joined
    assert all(p.startswith(f"{path}:") for p in problems)


def test_missing_extra_path(tmp_path):
    with pytest.raises(SourceError, match="no such knowledge file or folder"):
        load_knowledge([tmp_path / "nope.yaml"], use_cache=False)


def test_cli_reports_invalid_guidance_without_traceback(tmp_path):
    path = write(tmp_path, "org.yaml", VALID_ENTRY.replace("kind: practice", "kind: rule"))
    result = run_cli("search", "tagging", "--knowledge", str(path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"{path}:3: entry 'org-tagging-policy', field 'kind'" in result.stderr


def test_cache_is_invalidated_when_a_file_changes(tmp_path):
    path = write(tmp_path, "org.yaml", VALID_ENTRY)
    first = load_knowledge([path])
    assert first.entries["org-tagging-policy"].title == "Tag every resource with its cost centre"
    import os
    import time

    path.write_text(VALID_ENTRY.replace("its cost centre", "its owner"), encoding="utf-8")
    os.utime(path, ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))
    assert load_knowledge([path]).entries["org-tagging-policy"].title == "Tag every resource with its owner"


def test_schema_command_exports_json_schema(tmp_path):
    out = tmp_path / "schema.json"
    result = run_cli("schema", "--output", str(out))
    assert result.returncode == 0, result.stderr
    import json

    schema = json.loads(out.read_text())
    assert schema["title"] == "wa-assist knowledge file"
    assert "Entry" in schema["$defs"] and "Question" in schema["$defs"]


def test_shipped_json_schema_is_current():
    """Editors read wa_assist/knowledge.schema.json; it must match the models (regenerate with `wa-assist schema`)."""
    import json

    from tests.helpers import ROOT
    from wa_assist.schema import json_schema

    shipped = json.loads((ROOT / "wa_assist" / "knowledge.schema.json").read_text())
    assert shipped == json.loads(json.dumps(json_schema())), (
        "run: wa-assist schema --output wa_assist/knowledge.schema.json"
    )


def test_every_knowledge_file_points_editors_at_the_schema():
    from tests.helpers import ROOT

    for path in (ROOT / "knowledge").rglob("*.yaml"):
        first = path.read_text().splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=") and first.endswith(
            "wa_assist/knowledge.schema.json"
        ), path
