"""The check registry: typed checks, their findings and the severity-weighted score."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import IntEnum

from .snapshot import WorkspaceSnapshot


class Severity(IntEnum):
    """How much a failed check matters; ordered so thresholds compare naturally."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @classmethod
    def parse(cls, name: str) -> Severity:
        """A severity from its name in any case, or an error listing the names."""
        try:
            return cls[name.upper()]
        except KeyError:
            names = ", ".join(s.name.lower() for s in cls)
            raise ValueError(f"unknown severity {name!r}; use one of: {names}") from None


# Score weight of a check by severity: a failed high check costs five low ones.
WEIGHTS = {
    Severity.INFO: 0,
    Severity.LOW: 1,
    Severity.MEDIUM: 3,
    Severity.HIGH: 5,
    Severity.CRITICAL: 10,
}


@dataclass(frozen=True)
class AuditConfig:
    """Thresholds the checks compare against."""

    max_admins: int = 5
    token_unused_days: int = 90
    max_token_lifetime_days: int = 90


Evaluate = Callable[[WorkspaceSnapshot, AuditConfig], Iterable[tuple[str, str]]]
"""A pure function yielding (resource, message) for each problem found."""


@dataclass(frozen=True)
class Check:
    id: str
    title: str
    severity: Severity
    category: str
    remediation: str
    needs: tuple[str, ...]
    """Snapshot sections the check reads; it is skipped when one is unavailable."""
    evaluate: Evaluate = field(compare=False, repr=False)


@dataclass(frozen=True)
class Finding:
    check_id: str
    title: str
    severity: Severity
    category: str
    resource: str
    message: str
    remediation: str


@dataclass(frozen=True)
class AuditReport:
    findings: list[Finding]
    evaluated: list[str]
    """Ids of the checks that ran."""
    skipped: dict[str, str]
    """Check id -> why it could not run."""
    score: float
    """0-100: the severity-weighted share of evaluated checks that passed."""

    def at_or_above(self, threshold: Severity) -> list[Finding]:
        """Findings whose severity is ``threshold`` or worse."""
        return [f for f in self.findings if f.severity >= threshold]


REGISTRY: dict[str, Check] = {}


def check(
    id: str,
    title: str,
    severity: Severity,
    category: str,
    remediation: str,
    needs: tuple[str, ...],
) -> Callable[[Evaluate], Evaluate]:
    """Register a check function under a unique id."""

    def register(evaluate: Evaluate) -> Evaluate:
        if id in REGISTRY:
            raise ValueError(f"check id {id} is registered twice")
        REGISTRY[id] = Check(id, title, severity, category, remediation, needs, evaluate)
        return evaluate

    return register


def run_checks(
    snapshot: WorkspaceSnapshot, config: AuditConfig, checks: Iterable[Check]
) -> AuditReport:
    """Evaluate each check whose sections are available and score the result."""
    findings: list[Finding] = []
    evaluated: list[str] = []
    skipped: dict[str, str] = {}
    passed_weight = total_weight = 0
    for item in sorted(checks, key=lambda c: c.id):
        missing = [name for name in item.needs if getattr(snapshot, name) is None]
        if missing:
            reasons = [snapshot.unavailable.get(name, "not collected") for name in missing]
            skipped[item.id] = "; ".join(f"{n}: {r}" for n, r in zip(missing, reasons, strict=True))
            continue
        evaluated.append(item.id)
        found = [
            Finding(
                item.id,
                item.title,
                item.severity,
                item.category,
                resource,
                message,
                item.remediation,
            )
            for resource, message in item.evaluate(snapshot, config)
        ]
        findings.extend(found)
        total_weight += WEIGHTS[item.severity]
        passed_weight += 0 if found else WEIGHTS[item.severity]
    score = 100.0 if total_weight == 0 else round(100 * passed_weight / total_weight, 1)
    findings.sort(key=lambda f: (-f.severity, f.check_id, f.resource))
    return AuditReport(findings, evaluated, skipped, score)
