"""Export the knowledge base's lens questions and practices as a Well-Architected Tool custom lens.

The format is the WA Tool's custom-lens JSON (schemaVersion 2021-11-01). Each question's choices are
its practice entries plus the "None of these" choice; risk rules follow the tiers: no risk when every
practice is in place, medium risk when every Required one is, high risk otherwise.
"""

from __future__ import annotations

from typing import Any

from wa_assist.kb import KnowledgeBase
from wa_assist.schema import PILLAR_ORDER, Tier


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def custom_lens(kb: KnowledgeBase, name: str = "Serverless Applications Lens (wa-assist)") -> dict[str, Any]:
    pillars: list[dict[str, Any]] = []
    for pillar in PILLAR_ORDER:
        questions = []
        for lq in kb.lens_questions.values():
            if lq.pillar is not pillar:
                continue
            practices = sorted(
                ((e, e.lens) for e in kb.entries.values() if e.lens and e.lens.question == lq.id),
                key=lambda pair: pair[1].choice,
            )
            choices = []
            for entry, lens in practices:
                choice: dict[str, Any] = {
                    "id": lens.choice,
                    "title": _clip(entry.title, 128),
                    "improvementPlan": {"displayText": _clip(entry.summary, 1024)},
                }
                if entry.references:
                    choice["improvementPlan"]["url"] = entry.references[0].url
                    choice["helpfulResource"] = {
                        "displayText": _clip(entry.references[0].title, 1024),
                        "url": entry.references[0].url,
                    }
                choices.append(choice)
            prefix = lq.id.split("_")[0]
            choices.append({"id": f"{prefix}_{lq.id}_no", "title": "None of these"})
            every = " && ".join(lens.choice for _, lens in practices)
            required = " && ".join(lens.choice for _, lens in practices if lens.tier is Tier.required)
            rules = [{"condition": every, "risk": "NO_RISK"}] if every else []
            if required:
                rules.append({"condition": required, "risk": "MEDIUM_RISK"})
            rules.append({"condition": "default", "risk": "HIGH_RISK"})
            question: dict[str, Any] = {
                "id": lq.id,
                "title": lq.title,
                "description": lq.description,
                "choices": choices,
                "riskRules": rules,
            }
            if lq.helpful_resource:
                question["helpfulResource"] = {
                    "displayText": lq.helpful_resource.display_text,
                    "url": lq.helpful_resource.url,
                }
            questions.append(question)
        if questions:
            pillars.append({"id": pillar.wa_tool_id, "name": pillar.label, "questions": questions})
    return {
        "schemaVersion": "2021-11-01",
        "name": _clip(name, 128),
        "description": _clip(
            "Questions and practices of the AWS Well-Architected Serverless Applications Lens, with the guidance "
            "and improvement plans of the wa-assist knowledge base.",
            2048,
        ),
        "pillars": pillars,
    }
