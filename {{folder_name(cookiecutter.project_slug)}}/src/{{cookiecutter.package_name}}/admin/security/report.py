"""Audit output: JSON for scripts and a SARIF 2.1.0 log for code-scanning tools."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from .registry import AuditReport, Check, Severity

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
# SARIF result levels by severity.
SARIF_LEVELS = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}


def to_json(report: AuditReport, taken_at: datetime) -> dict[str, Any]:
    """The report as plain JSON: score, findings, evaluated and skipped checks."""
    return {
        "taken_at": taken_at.isoformat(),
        "score": report.score,
        "findings": [
            {
                "check_id": f.check_id,
                "title": f.title,
                "severity": f.severity.name.lower(),
                "category": f.category,
                "resource": f.resource,
                "message": f.message,
                "remediation": f.remediation,
            }
            for f in report.findings
        ],
        "evaluated": report.evaluated,
        "skipped": report.skipped,
    }


def to_sarif(report: AuditReport, checks: Iterable[Check], tool_name: str) -> dict[str, Any]:
    """A SARIF log: one rule per check, one result per finding, resources as logical locations."""
    rules = [
        {
            "id": c.id,
            "name": c.title,
            "shortDescription": {"text": c.title},
            "help": {"text": c.remediation},
            "properties": {"category": c.category, "severity": c.severity.name.lower()},
        }
        for c in sorted(checks, key=lambda c: c.id)
    ]
    results = [
        {
            "ruleId": f.check_id,
            "level": SARIF_LEVELS[f.severity],
            "message": {"text": f"{f.resource}: {f.message}"},
            "locations": [{"logicalLocations": [{"fullyQualifiedName": f.resource}]}],
        }
        for f in report.findings
    ]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": tool_name, "rules": rules}},
                "results": results,
                "properties": {"score": report.score, "skipped": report.skipped},
            }
        ],
    }
