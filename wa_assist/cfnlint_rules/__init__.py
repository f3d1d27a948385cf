"""The lens checks as cfn-lint rules: ``cfn-lint -a wa_assist.cfnlint_rules template.yaml``.

One rule class per check, built from the knowledge records and wrapping the same detections as
``wa-assist review``. A rule's id is the check id behind cfn-lint's level letter: E for high severity, W for
medium, I for low (``EWA9001``, ``WWA2000``, ``IWA9029``), so ``--ignore-checks WWA2000`` works as usual.
A resource's ``Metadata: wa-assist: ignore`` suppressions (with a reason) are honoured here too.
"""

from __future__ import annotations

from typing import Any

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from wa_assist.review.catalogue import CheckInfo, load_catalogue
from wa_assist.review.registry import Detection, load_detections
from wa_assist.review.run import message
from wa_assist.review.template import Template

LEVELS = {"high": "E", "medium": "W", "low": "I"}

_last: list[Any] = [None, None]  # (cfnlint template object, our Template): built once per template, not per rule


def _template(cfn: Any) -> Template:
    if _last[0] is not cfn:
        _last[0] = cfn
        _last[1] = Template.from_data(cfn.template, getattr(cfn, "filename", None) or "<template>")
    return _last[1]


def _suppressed(t: Template, resource: str, check_id: str) -> bool:
    r = t.resources.get(resource)
    items = (
        r.metadata.get("wa-assist", {}).get("ignore")
        if r is not None and isinstance(r.metadata.get("wa-assist"), dict)
        else None
    )
    return any(
        isinstance(item, dict)
        and item.get("id") == check_id
        and isinstance(item.get("reason"), str)
        and item["reason"].strip()
        for item in (items if isinstance(items, list) else [])
    )


def _rule_class(info: CheckInfo, detect: Detection) -> type[CloudFormationLintRule]:
    def match(self: CloudFormationLintRule, cfn: Any) -> list[RuleMatch]:
        t = _template(cfn)
        return [
            RuleMatch(list(hit.path), message(info, hit))
            for hit in detect(t)
            if not _suppressed(t, hit.resource, info.id)
        ]

    return type(
        f"WellArchitected{info.id}",
        (CloudFormationLintRule,),
        {
            "id": f"{LEVELS[info.severity]}{info.id}",
            "shortdesc": info.title,
            "description": f"{info.title} ({info.practice}, lens {info.question}). Fix: {info.fix_text}",
            "source_url": info.help_uri,
            "tags": ["well-architected", "serverless", *info.pillars],
            "match": match,
            "__module__": __name__,
        },
    )


def _build() -> dict[str, type[CloudFormationLintRule]]:
    catalogue = load_catalogue()
    detections = load_detections()
    return {f"WellArchitected{cid}": _rule_class(catalogue.checks[cid], detections[cid]) for cid in sorted(detections)}


globals().update(_build())
