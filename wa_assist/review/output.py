"""Rendering a review: JSON, SARIF 2.1.0 for code scanning, markdown for a pull request, and a terminal table."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from wa_assist.review.run import SEVERITIES, Finding, Report

_SARIF_LEVEL = {"high": "error", "medium": "warning", "low": "note"}
_SECURITY_SEVERITY = {"high": "8.0", "medium": "5.0", "low": "2.0"}


def to_json(report: Report) -> dict[str, Any]:
    return {
        "findings": [f.to_dict() for f in report.findings],
        "practices": [{"id": p["id"], "status": p["status"]} for p in report.practices],
        "risk": report.risk,
        "suppressed": [s.to_dict() for s in report.suppressed],
        "ignored_checks": report.ignored,
        "files": report.files,
        "errors": [{"file": e.path, "line": e.line, "message": e.message} for e in report.errors],
    }


def render_json(report: Report) -> str:
    return json.dumps(to_json(report), indent=2) + "\n"


def _uri(path: str) -> str:
    p = Path(path)
    try:
        return p.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return p.resolve().as_uri()


def render_sarif(report: Report) -> str:
    from wa_assist import __version__

    catalogue = report.catalogue
    assert catalogue is not None
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    for cid in sorted(catalogue.checks):
        info = catalogue.checks[cid]
        index[cid] = len(rules)
        markdown = (
            f"**{info.title}** ({info.severity}); lens {info.question} / {info.choice}, "
            f"practice `{info.practice}`: {info.practice_title}.\n\n"
            f"{info.fix_text}\n\n```yaml\n{info.fix_sam.rstrip()}\n```\n\n{info.help}"
        )
        if info.also_reported_by:
            markdown += "\n\nAlso reported by: " + ", ".join(info.also_reported_by) + "."
        properties: dict[str, Any] = {
            "tags": ["well-architected", "serverless", *info.pillars],
            "precision": "high" if info.severity != "low" else "medium",
            "practice": info.practice,
            "question": info.question,
        }
        if "security" in info.pillars:
            properties["security-severity"] = _SECURITY_SEVERITY[info.severity]
        rules.append(
            {
                "id": cid,
                "name": info.title,
                "shortDescription": {"text": info.title},
                "fullDescription": {"text": f"{info.practice_title} ({info.question})"},
                "help": {"text": f"{info.fix_text}\n\n{info.fix_sam}\n\n{info.help}", "markdown": markdown},
                "helpUri": info.help_uri,
                "defaultConfiguration": {"level": _SARIF_LEVEL[info.severity]},
                "properties": properties,
            }
        )

    def result(f: Finding, suppression: str | None = None) -> dict[str, Any]:
        item: dict[str, Any] = {
            "ruleId": f.check,
            "ruleIndex": index[f.check],
            "level": _SARIF_LEVEL[f.severity],
            "message": {"text": f"{f.message} Fix: {f.fix}"},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(f.file)},
                        "region": {"startLine": f.line},
                    },
                    "logicalLocations": [{"name": f.resource, "kind": "resource"}],
                }
            ],
            "partialFingerprints": {"waAssist/v1": f"{f.check}:{f.resource}:{'/'.join(map(str, f.path))}"},
        }
        if suppression is not None:
            item["suppressions"] = [{"kind": "inSource", "justification": suppression}]
        return item

    results = [result(f) for f in report.findings]
    results += [result(s.finding, s.reason) for s in report.suppressed]
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "wa-assist",
                        "version": __version__,
                        "informationUri": "https://docs.aws.amazon.com/wellarchitected/latest/serverless-applications-lens/welcome.html",
                        "rules": rules,
                    }
                },
                "results": results,
                "invocations": [
                    {
                        "executionSuccessful": not report.errors,
                        "toolExecutionNotifications": [
                            {
                                "level": "error",
                                "message": {"text": e.message},
                                "locations": [
                                    {
                                        "physicalLocation": {
                                            "artifactLocation": {"uri": _uri(e.path)},
                                            **({"region": {"startLine": e.line}} if e.line else {}),
                                        }
                                    }
                                ],
                            }
                            for e in report.errors
                        ],
                    }
                ],
            }
        ],
    }
    return json.dumps(sarif, indent=2) + "\n"


def _grouped(report: Report) -> list[tuple[str, dict[str, Any], list[Finding]]]:
    questions = report.risk["questions"]
    out = []
    for qid, q in questions.items():
        found = [f for f in report.findings if f.question == qid]
        found.sort(key=lambda f: (SEVERITIES.index(f.severity), f.file, f.line, f.check))
        if q["assessed"]:
            out.append((qid, q, found))
    return out


def _where(f: Finding) -> str:
    return f"{os.path.relpath(f.file) if not f.file.startswith('..') else f.file}:{f.line}"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(report: Report) -> str:
    counts = {s: sum(1 for f in report.findings if f.severity == s) for s in SEVERITIES}
    lines = [
        "## Well-Architected Serverless Lens review",
        "",
        f"{len(report.files)} template{'s' if len(report.files) != 1 else ''} reviewed: "
        f"**{counts['high']} high**, {counts['medium']} medium, {counts['low']} low finding(s).",
        "",
        "| Lens question | Risk | Findings |",
        "|---|---|---|",
    ]
    groups = _grouped(report)
    for _qid, q, found in groups:
        lines.append(f"| {_md(q['title'])} | {q['risk']} | {len(found)} |")
    for _qid, q, found in groups:
        if not found:
            continue
        lines += [
            "",
            f"### {q['title']} ({q['risk']} risk)",
            "",
            "| Severity | Check | Where | Resource | Finding |",
            "|---|---|---|---|---|",
        ]
        for f in found:
            lines.append(f"| {f.severity} | {f.check} | `{_where(f)}` | {f.resource} | {_md(f.message)} |")
        fixes = {f.check: f for f in found}
        lines += ["", "<details><summary>How to fix</summary>", ""]
        catalogue = report.catalogue
        for cid, f in sorted(fixes.items()):
            lines.append(f"**{cid} {f.title}**: {f.fix}")
            if catalogue is not None:
                lines += ["", "```yaml", catalogue.checks[cid].fix_sam.rstrip(), "```", ""]
        lines.append("</details>")
    if report.suppressed:
        lines += ["", "### Suppressed", "", "| Check | Where | Resource | Reason |", "|---|---|---|---|"]
        for s in report.suppressed:
            lines.append(f"| {s.finding.check} | `{_where(s.finding)}` | {s.finding.resource} | {_md(s.reason)} |")
    if report.ignored:
        lines += ["", f"Checks left out with --ignore: {', '.join(report.ignored)}."]
    if report.errors:
        lines += ["", "### Files that could not be reviewed", ""]
        lines += [f"- `{e}`" for e in report.errors]
    return "\n".join(lines) + "\n"


_RISK_STYLE = {"high": "bold red", "medium": "yellow", "none": "green"}
_SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "cyan"}


def render_table(report: Report, console: Any) -> None:
    from rich.table import Table
    from rich.text import Text

    single = len(report.files) == 1
    if single:
        console.print(Text.assemble(("Reviewed ", "dim"), (report.files[0], "bold")))
    for _qid, q, found in _grouped(report):
        title = Text.assemble((q["title"], "bold"), "  ", (f"{q['risk']} risk", _RISK_STYLE[q["risk"]]))
        if not found:
            console.print(title, Text("  no findings", style="dim"))
            continue
        table = Table(title=title, title_justify="left", expand=True)
        table.add_column("Sev", no_wrap=True)
        table.add_column("Check", no_wrap=True)
        table.add_column("Line" if single else "Where", overflow="fold", ratio=None if single else 1)
        table.add_column("Finding", ratio=3)
        for f in found:
            table.add_row(
                Text(f.severity, style=_SEVERITY_STYLE[f.severity]),
                f.check,
                str(f.line) if single else _where(f),
                f.message,
            )
        console.print(table)
        for cid, f in sorted({f.check: f for f in found}.items()):
            console.print(Text.assemble(("  fix ", "dim"), (cid, "bold"), f" {f.fix}"))
    for s in report.suppressed:
        console.print(
            Text(f"suppressed {s.finding.check} on {s.finding.resource} ({_where(s.finding)}): {s.reason}", style="dim")
        )
    if report.ignored:
        console.print(Text(f"left out with --ignore: {', '.join(report.ignored)}", style="dim"))
    counts = {s: sum(1 for f in report.findings if f.severity == s) for s in SEVERITIES}
    pillars = ", ".join(f"{p} {r}" for p, r in report.risk["pillars"].items())
    console.print(
        f"{len(report.files)} template(s): {counts['high']} high, {counts['medium']} medium, {counts['low']} low. "
        f"Risk by pillar: {pillars}."
    )
