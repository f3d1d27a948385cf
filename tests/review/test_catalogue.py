"""Checks are knowledge: every record has a detection, every detection a record, and the records are sound."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT
from wa_assist.kb import KnowledgeError, load_knowledge
from wa_assist.review.catalogue import CatalogueError, build, load_catalogue, verify
from wa_assist.review.registry import load_detections
from wa_assist.review.template import parse

PRACTICE = """
entries:
  - id: org-practice
    kind: practice
    pillars: [operational-excellence]
    title: An organisation's own practice
    summary: A practice of our own that carries a template check.
    body: Something the organisation wants every template to do.
    lens: {question: ops_q1, choice: ops_ops_q1_a9, tier: good}
    checks:
      - id: %s
        title: Our own check
        severity: low
        resources: [AWS::SQS::Queue]
        message: "Queue {resource} is not ours."
        fix: {text: "Make the queue ours, please.", sam: "Queue:\\n  Type: AWS::SQS::Queue\\n"}
"""


def test_shipped_records_and_detections_match(kb):
    catalogue = build(kb)
    assert set(catalogue.checks) == set(load_detections())
    assert len(catalogue.checks) >= 55
    verify(catalogue, load_detections())


def test_a_record_without_detection_fails_loading(tmp_path):
    extra = tmp_path / "org.yaml"
    extra.write_text(PRACTICE % "WA8888")
    with pytest.raises(CatalogueError, match=r"check WA8888 \(entry 'org-practice'\) has no detection"):
        load_catalogue((extra,), use_cache=False)


def test_a_detection_without_record_fails_loading(kb):
    catalogue = build(kb)
    del catalogue.checks["WA9016"]
    with pytest.raises(CatalogueError, match=r"detection WA9016 .* has no check record"):
        verify(catalogue, load_detections())


def test_duplicate_check_id_is_a_knowledge_error(tmp_path):
    extra = tmp_path / "org.yaml"
    extra.write_text(PRACTICE % "WA1000")
    with pytest.raises(KnowledgeError, match="duplicate check id; first in entry 'ops-distributed-tracing'"):
        load_knowledge([extra], use_cache=False)


def test_only_lens_practices_carry_checks(tmp_path):
    extra = tmp_path / "org.yaml"
    extra.write_text(
        (PRACTICE % "WA8888").replace("    lens: {question: ops_q1, choice: ops_ops_q1_a9, tier: good}\n", "")
    )
    with pytest.raises(KnowledgeError, match="only a practice of the lens"):
        load_knowledge([extra], use_cache=False)


def test_records_are_sound(kb):
    catalogue = build(kb)
    for cid, info in catalogue.checks.items():
        practice = kb.entries[info.practice]
        assert practice.lens is not None and practice.lens.question == info.question
        data, _ = parse(info.fix_sam, f"{cid} fix")  # the SAM snippet is YAML with CloudFormation short forms
        assert isinstance(data, dict), cid
        assert info.help_uri.startswith("https://")


def test_checks_sit_at_the_end_of_their_entries():
    """Records go last in an entry, so keys others add after 'title:' never touch the same lines."""
    for path in sorted((ROOT / "knowledge" / "practices").glob("*.yaml")):
        lines = path.read_text().splitlines()
        for i, line in enumerate(lines):
            if line == "    checks:":
                rest = lines[i + 1 :]
                end = next(
                    (j for j, text in enumerate(rest) if text.startswith("  - id:") or text.startswith("  #")),
                    len(rest),
                )
                assert all(not text.startswith("    ") or text.startswith("      ") for text in rest[:end]), path


def test_a_cached_review_does_not_import_pydantic(tmp_path):
    template = Path(__file__).parent / "fixtures" / "realistic" / "image-resize.yaml"  # with SAM policy templates
    code = (
        "import sys; from wa_assist.review import review_paths; "
        f"r = review_paths([{str(template)!r}]); assert r.findings; "
        "print(sorted(m for m in ('pydantic', 'textual', 'copier', 'rich', 'jsonschema', 'boto3') if m in sys.modules))"
    )
    env = {"WA_ASSIST_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    first = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    second = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert second.stdout.strip() == "[]", second.stdout
