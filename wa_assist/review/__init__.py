"""Reviewing SAM/CloudFormation templates against the Serverless Lens.

Plain-Python API for commands and quality gates::

    from wa_assist.review import review_paths, checks_for
    report = review_paths(["template.yaml"], profile=None, ignore=())
    report.findings          # Finding(check, practice, question, pillars, severity, file, line, resource, ...)
    report.practices         # [{"id", "status": "in place" | "missing" | "not applicable", ...}]
    report.risk              # {"pillars": {...}, "questions": {qid: {"risk", "practices", ...}}}
    report.errors            # files that could not be reviewed (TemplateError: path, line, message)
    checks_for("rel-manage-failures")  # the check ids that prove a practice

Checks are knowledge (``checks:`` records at the end of practice entries in ``knowledge/``); their detections
are Python in ``wa_assist.review.checks``, registered under the same ids.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Finding", "Report", "TemplateError", "checks_for", "review_paths"]


def __getattr__(name: str) -> Any:
    if name in ("Finding", "Report", "review_paths", "checks_for", "Suppressed"):
        from wa_assist.review import run

        return getattr(run, name)
    if name == "TemplateError":
        from wa_assist.review.template import TemplateError

        return TemplateError
    raise AttributeError(name)
