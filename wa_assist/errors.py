"""The base of every error caused by what a user gave us (a file, an answer, a query).

The command line prints these without a traceback and exits with status 2; anything else is a bug.
"""


class UserError(Exception):
    """Something the user can fix; the message says what was wrong, where, and what is allowed."""
