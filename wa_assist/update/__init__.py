"""Keeping a generated project up to date: what generation records, and the three-way update.

- :mod:`record`: ``.wa-assist/record.json`` (versions, digests, the inputs kept apart from what was derived
  from them, a hash per generated file) and ``.wa-assist/base.tar.gz`` (the pristine render, the merge base).
- :mod:`merge`: one file's three-way merge with ``git merge-file``.
- :mod:`plan`: recompute the guidance from the recorded inputs plus the changes, render, and decide what
  happens to every file, before anything is written.
- :mod:`apply`: write the plan through a journal, so an interrupted update can be completed.
- :mod:`check`: what ``wa-assist check`` and ``wa-assist diff`` report.
"""

from wa_assist.errors import UserError


class UpdateError(UserError):
    """A project that cannot be updated as asked (no record, uncommitted changes, leftover conflicts, no git)."""
