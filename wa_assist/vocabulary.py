"""The lens's fixed vocabularies, each defined once with its order: pillars, entry kinds, tiers, priorities.

Plain enums with no pydantic, so the command line offers them as choices without slowing its start;
:mod:`wa_assist.schema` validates knowledge files with these same enums (and re-exports them).
"""

from __future__ import annotations

from enum import Enum

# The enums carry no docstrings: pydantic would put them in the JSON Schema of knowledge files.


class Pillar(str, Enum):  # the Well-Architected pillars, in the framework's order (and the reports')
    operational_excellence = "operational-excellence"
    security = "security"
    reliability = "reliability"
    performance_efficiency = "performance-efficiency"
    cost_optimization = "cost-optimization"
    sustainability = "sustainability"

    @property
    def wa_tool_id(self) -> str:
        """The pillar's id in a Well-Architected Tool custom lens."""
        return _WA_TOOL_PILLARS[self]

    @property
    def label(self) -> str:
        """``Operational excellence``: the name people read."""
        return self.value.replace("-", " ").capitalize()

    @property
    def rank(self) -> int:
        return PILLAR_ORDER.index(self)


PILLAR_ORDER: tuple[Pillar, ...] = tuple(Pillar)
PILLARS: tuple[str, ...] = tuple(p.value for p in Pillar)
"""Pillar values, in order (for choices and help text)."""

_WA_TOOL_PILLARS = {
    Pillar.operational_excellence: "operationalExcellence",
    Pillar.security: "security",
    Pillar.reliability: "reliability",
    Pillar.performance_efficiency: "performance",
    Pillar.cost_optimization: "costOptimization",
    Pillar.sustainability: "sustainability",
}


class Kind(str, Enum):
    practice = "practice"
    principle = "principle"
    service_guidance = "service-guidance"
    deployment_approach = "deployment-approach"
    scenario = "scenario"
    concept = "concept"
    caution = "caution"


KINDS: tuple[str, ...] = tuple(k.value for k in Kind)


class Tier(str, Enum):  # how far a lens practice goes: required, then good, then best
    required = "required"
    good = "good"
    best = "best"


class Priority(str, Enum):  # how urgent a recommendation is, most urgent first
    high = "high"
    medium = "medium"
    low = "low"

    @property
    def rank(self) -> int:
        """0 for the most urgent; sort by it to list high before medium before low."""
        return PRIORITY_ORDER.index(self)


PRIORITY_ORDER: tuple[Priority, ...] = tuple(Priority)
PRIORITIES: tuple[str, ...] = tuple(p.value for p in Priority)
