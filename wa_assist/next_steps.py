"""What to do with a freshly generated project, from what that project needs.

One definition for ``wa-assist new`` and the interview's last screen. The steps follow the generated
README (its "Commands" and "Code signing" sections): a project that enforces code signing deploys
each stage first with its bootstrap configuration, which creates the signing profile; any other
project's first deployment is ``sam deploy --guided``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Step:
    """One thing to do: a shell command (or an edit) and why."""

    command: str
    why: str = ""
    is_command: bool = True  # False: an edit to make by hand, not something to type

    def text(self) -> str:
        """Plain text, for a terminal: ``command  # why``."""
        if not self.why:
            return self.command
        return f"{self.command}  # {self.why}" if self.is_command else f"{self.command} ({self.why})"

    def markdown(self) -> str:
        """A Markdown list item's text: the command in backticks, then why."""
        head = f"`{self.command}`" if self.is_command else self.command
        return f"{head}: {self.why}" if self.why else head


def next_steps(answers: Mapping[str, Any], dest: str | Path | None = None) -> list[Step]:
    """The steps for a project rendered from ``answers`` (the template's answers: profile and decisions)."""
    name = str(answers.get("name") or "my-service")
    steps: list[Step] = []
    if dest is not None:
        steps.append(Step(f"cd {dest}"))
    steps += [
        Step(
            "python -m venv .venv && . .venv/bin/activate && pip install -r requirements-dev.txt",
            "the test, lint and deploy tools",
        ),
        Step("python -m pytest tests/unit", "the unit tests, without an AWS account"),
    ]
    if answers.get("api_auth") == "mtls":
        steps.append(
            Step(
                "Set DomainName, CertificateArn and TruststoreUri in samconfig.toml",
                "mutual TLS needs your domain, its certificate and your clients' CA bundle in S3",
                is_command=False,
            )
        )
    steps.append(Step("sam build"))
    if answers.get("code_signing"):
        steps += [
            Step(
                "sam deploy --config-env dev-bootstrap",
                "the first deployment creates the signing profile (README, Code signing)",
            ),
            Step(
                "Put the stack's SigningProfileName output in samconfig.toml in place of SIGNING_PROFILE_NAME",
                "sam deploy signs every function with it",
                is_command=False,
            ),
            Step("sam deploy --config-env dev", "signed code only from now on"),
        ]
    else:
        steps.append(Step("sam deploy --guided --config-env dev", "the first time; later sam deploy --config-env dev"))
    steps.append(
        Step(f"STACK_NAME={name}-dev python -m pytest tests/integration", "the integration tests, against the stack")
    )
    return steps
