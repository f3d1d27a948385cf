"""`wa-assist check` proves the recommendations a project applies: the lens checks of their practices,
run on its template.yaml, find nothing; removing a feature by hand is reported under its recommendation."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import run_cli
from wa_assist.update.run import check_project, recommendation_findings


def _edit(project: Path, old: str, *, last: bool = False) -> None:
    """Remove the first (or last) occurrence of ``old`` from the project's template.yaml."""
    template = project / "template.yaml"
    text = template.read_text(encoding="utf-8")
    assert old in text, old
    at = text.rindex(old) if last else text.index(old)
    template.write_text(text[:at] + text[at + len(old) :], encoding="utf-8")


def test_a_generated_project_implements_every_recommendation_it_applies(project):
    report = check_project(project)
    assert report.plan is not None and report.plan.result.recommendations
    assert recommendation_findings(project, report.plan.result) == []
    assert report.exit_code == 0, report.problems


def test_removing_tracing_names_the_recommendation_check_and_place(project):
    _edit(project, "    Tracing: Active\n")
    proc = run_cli("check", str(project))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    lines = [line for line in proc.stdout.splitlines() if "no longer implemented" in line]
    assert lines, proc.stdout
    assert any("ops-distributed-tracing" in line and "WA1000" in line for line in lines), lines
    assert all("template.yaml:" in line for line in lines)
    assert "X-Ray" in proc.stdout
    assert "Check failed." in proc.stdout


def test_removing_log_retention_is_reported_only_while_its_recommendation_applies(project):
    import re

    days = re.findall(r"\n      RetentionInDays: (\d+)\n", (project / "template.yaml").read_text(encoding="utf-8"))
    _edit(project, f"      RetentionInDays: {days[-1]}\n", last=True)  # the function's log group
    found = recommendation_findings(project, check_project(project).plan.result)
    assert any(
        line.startswith("accepted recommendation no longer implemented: cost-logging-retention") for line in found
    )
    # A recommendation the project does not apply (rejected) is not claimed.
    result = check_project(project).plan.result
    kept = [r for r in result.recommendations if r.id != "cost-logging-retention"]
    result.recommendations = kept
    assert not any("cost-logging-retention" in line for line in recommendation_findings(project, result))


def test_a_resource_you_added_is_not_claimed_by_the_recommendations(project):
    from wa_assist.review import review_paths

    template = project / "template.yaml"
    text = template.read_text(encoding="utf-8")
    queue = "  AuditQueue:\n    Type: AWS::SQS::Queue\n    Properties:\n      MessageRetentionPeriod: 1209600\n\n"
    template.write_text(text.replace("\nOutputs:\n", "\n" + queue + "Outputs:\n", 1), encoding="utf-8")
    assert any(f.resource == "AuditQueue" for f in review_paths([template]).findings)  # review does flag it
    assert recommendation_findings(project, check_project(project).plan.result) == []
