"""Planned changes, their application and the JSON-lines audit log of what was applied.

A mutating command first builds a list of :class:`PlannedChange` (the plan), prints it, and only
applies it when asked. Each applied change is appended to the audit log as soon as its request
succeeds, so a run that fails half-way still leaves an exact record, and re-running the command
plans only what is left (every plan is a diff against the workspace's current state).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Change:
    """One change to the workspace, described before it is made."""

    action: str
    """What kind of change, e.g. ``users.deactivate`` or ``grants.update``."""
    target: str
    """The object changed, e.g. ``user alice@example.com`` or ``schema main.sales``."""
    before: Any
    """The relevant state before the change (JSON-serialisable)."""
    after: Any
    """The relevant state after the change (JSON-serialisable)."""

    def describe(self) -> str:
        """One line for the printed plan."""
        return f"{self.action} {self.target}: {_compact(self.before)} -> {_compact(self.after)}"


@dataclass(frozen=True)
class PlannedChange:
    """A change plus the request that makes it."""

    change: Change
    apply: Callable[[], object] = field(compare=False, repr=False)


class AuditLog:
    """Appends applied changes to a JSON-lines file: who, what, target, before, after, when."""

    def __init__(self, path: Path, actor: Callable[[], str], now: Callable[[], datetime]) -> None:
        self.path = path
        self._actor = actor
        self._now = now

    def record(self, change: Change) -> dict[str, Any]:
        """Append one applied change and return the entry written."""
        entry = {
            "when": self._now().astimezone(UTC).isoformat(),
            "who": self._actor(),
            "what": change.action,
            "target": change.target,
            "before": change.before,
            "after": change.after,
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as log:
            log.write(json.dumps(entry, sort_keys=True, default=str) + "\n")
        return entry

    def entries(self) -> list[dict[str, Any]]:
        """Every entry written so far (empty when the log does not exist yet)."""
        if not self.path.exists():
            return []
        lines = self.path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]


def apply_plan(plan: Iterable[PlannedChange], audit_log: AuditLog) -> list[Change]:
    """Make each planned change in order, logging each one right after it succeeds."""
    applied = []
    for planned in plan:
        planned.apply()
        audit_log.record(planned.change)
        applied.append(planned.change)
    return applied


def _compact(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, default=str)
