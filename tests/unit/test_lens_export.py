"""The Well-Architected Tool custom-lens export follows the tool's format and the lens structure."""

from __future__ import annotations

import json
import re

from tests.helpers import run_cli
from wa_assist.lens_export import custom_lens

URL = re.compile(r"^https?://")


def test_custom_lens_structure(kb):
    lens = custom_lens(kb)
    assert lens["schemaVersion"] == "2021-11-01"
    assert len(lens["name"]) <= 128 and len(lens["description"]) <= 2048
    assert [p["id"] for p in lens["pillars"]] == [
        "operationalExcellence",
        "security",
        "reliability",
        "performance",
        "costOptimization",
    ]
    questions = [q for p in lens["pillars"] for q in p["questions"]]
    assert [q["id"] for q in questions] == [
        "ops_q1",
        "ops_q2",
        "sec_q1",
        "sec_q2",
        "sec_q3",
        "rel_q1",
        "rel_q2",
        "perf_q1",
        "cost_q1",
    ]
    choice_ids = [c["id"] for q in questions for c in q["choices"]]
    assert len(choice_ids) == 38 + 9 and len(set(choice_ids)) == len(choice_ids)
    for pillar in lens["pillars"]:
        assert re.fullmatch(r"[A-Za-z0-9_]{3,128}", pillar["id"]) and len(pillar["questions"]) <= 20
    for q in questions:
        assert len(q["title"]) <= 128 and len(q["description"]) <= 2048 and len(q["choices"]) <= 15
        assert q["choices"][-1]["id"].endswith("_no")
        for choice in q["choices"][:-1]:
            assert len(choice["title"]) <= 128
            assert choice["improvementPlan"]["displayText"]
            assert URL.match(choice["improvementPlan"]["url"])
        rules = q["riskRules"]
        assert 1 <= len(rules) <= 3 and rules[-1] == {"condition": "default", "risk": "HIGH_RISK"}
        assert next(r["risk"] for r in rules) == "NO_RISK"
        listed = {c["id"] for c in q["choices"]}
        for rule in rules[:-1]:
            assert set(rule["condition"].split(" && ")) <= listed


def test_medium_risk_rule_lists_exactly_the_required_practices(kb):
    lens = custom_lens(kb)
    rel_q2 = next(q for p in lens["pillars"] for q in p["questions"] if q["id"] == "rel_q2")
    medium = next(r for r in rel_q2["riskRules"] if r["risk"] == "MEDIUM_RISK")
    assert set(medium["condition"].split(" && ")) == {"rel_rel_q2_a1", "rel_rel_q2_a3"}


def test_export_lens_command(tmp_path):
    out = tmp_path / "lens.json"
    result = run_cli("export-lens", "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert json.loads(out.read_text())["pillars"][0]["questions"][0]["id"] == "ops_q1"
