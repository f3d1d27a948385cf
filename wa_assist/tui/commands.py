"""The knowledge base in the command palette: every entry, found by title, id or alias."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from wa_assist.tui.app import WaAssistApp


class KnowledgeCommands(Provider):
    """Open any knowledge entry from the command palette; accept, reject or show a recommendation."""

    def _entries(self):
        app: WaAssistApp = self.app  # type: ignore[assignment]
        return app.services.kb.entries.values()

    async def discover(self) -> Hits:
        app: WaAssistApp = self.app  # type: ignore[assignment]
        for entry in sorted(self._entries(), key=lambda e: e.title.lower()):
            yield DiscoveryHit(entry.title, partial(app.show_entry, entry.id), help=entry.summary)

    async def search(self, query: str) -> Hits:
        app: WaAssistApp = self.app  # type: ignore[assignment]
        matcher = self.matcher(query)
        for rec in app.session.all_recommendations():  # act on a recommendation: accept, reject, show it
            for verb, action in (
                ("Accept", partial(app.set_recommendation, rec.id, "accepted")),
                ("Reject", partial(app.set_recommendation, rec.id, "rejected")),
                ("Show in results", partial(app.jump_to_recommendation, rec.id)),
            ):
                text = f"{verb}: {rec.title}"
                score = max(matcher.match(text), matcher.match(f"{verb} {rec.id}"))
                if score > 0:
                    status = app.session.status(rec.id)
                    yield Hit(score, matcher.highlight(text), action, text=text, help=f"{rec.id}, now {status}")
        for entry in self._entries():
            best = 0.0
            for text in (entry.title, entry.id, *entry.aliases):
                best = max(best, matcher.match(text))
            if best > 0:
                yield Hit(
                    best,
                    matcher.highlight(entry.title),
                    partial(app.show_entry, entry.id),
                    text=entry.title,
                    help=entry.summary,
                )
