"""The lens checks inside cfn-lint (`cfn-lint -a wa_assist.cfnlint_rules`): same detections, same lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from wa_assist.review import review_paths

cfnlint_api = pytest.importorskip("cfnlint.api")

REALISTIC = Path(__file__).parent / "fixtures" / "realistic"


def _lint(path: Path) -> list[tuple[str, int]]:
    config = cfnlint_api.ManualArgs(
        append_rules=["wa_assist.cfnlint_rules"], include_checks=["I"], regions=["us-east-1"]
    )
    matches = cfnlint_api.lint(path.read_text(), config=config)
    return sorted((m.rule.id, m.linenumber) for m in matches if "WA" in m.rule.id)


@pytest.mark.parametrize("name", ["sqs-worker.yaml", "crud-api.yaml", "image-resize.yaml"])
def test_cfnlint_reports_what_review_reports(name):
    path = REALISTIC / name
    report = review_paths([path])
    letter = {"high": "E", "medium": "W", "low": "I"}
    expected = sorted((letter[f.severity] + f.check, f.line) for f in report.findings)
    assert _lint(path) == expected


def test_rule_ids_carry_the_level_and_the_check():
    import wa_assist.cfnlint_rules as rules

    ids = {cls.id for name, cls in vars(rules).items() if name.startswith("WellArchitected")}
    assert "EWA9001" in ids and "WWA2000" in ids and "IWA9029" in ids
    assert len(ids) >= 55


def test_metadata_suppression_is_honoured():
    found = _lint(REALISTIC / "sqs-worker.yaml")
    assert "WWA9024" not in {rule for rule, _ in found}  # ignored with a reason in the resource's Metadata
