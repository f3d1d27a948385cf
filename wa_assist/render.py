"""Rendering knowledge entries as markdown and JSON (for ``show``, the TUI and reports)."""

from __future__ import annotations

from typing import Any

from wa_assist.kb import KnowledgeBase
from wa_assist.schema import Entry


def entry_markdown(kb: KnowledgeBase, entry: Entry, *, with_related: bool = True) -> str:
    pillars = ", ".join(p.label for p in entry.pillars)
    lines = [f"# {entry.title}", "", f"*{entry.kind.value} · {pillars} · `{entry.id}`*", "", entry.summary, ""]
    if entry.lens:
        lines += [
            f"**Lens:** question `{entry.lens.question}`, choice `{entry.lens.choice}` ({entry.lens.tier.value})",
            "",
        ]
    lines += [entry.body.strip(), ""]
    if entry.steps:
        lines += ["## Steps", "", *(f"1. {step}" for step in entry.steps), ""]
    if entry.services:
        lines += [f"**Services:** {', '.join(entry.services)}", ""]
    if entry.aliases:
        lines += [f"**Also known as:** {', '.join(entry.aliases)}", ""]
    if with_related and entry.related:
        lines += ["## Related", ""]
        for rel in kb.related(entry):
            lines.append(f"- **{rel.title}** (`{rel.id}`): {rel.summary}")
        lines.append("")
    if entry.references:
        lines += ["## References", "", *(f"- [{r.title}]({r.url})" for r in entry.references), ""]
    return "\n".join(lines).rstrip() + "\n"


def entry_json(kb: KnowledgeBase, entry: Entry) -> dict[str, Any]:
    data = entry.model_dump(mode="json", exclude_none=True)
    data["pillar"] = entry.pillars[0].value
    data["related_entries"] = [{"id": r.id, "title": r.title, "summary": r.summary} for r in kb.related(entry)]
    return data
