"""The Textual interface of wa-assist: ``wa-assist`` or ``wa-assist interview``."""

from wa_assist.tui.app import WaAssistApp, make_app

__all__ = ["WaAssistApp", "make_app"]
