"""Security audit: a registry of pure checks over a workspace snapshot, scored by severity.

Importing this package registers every check in :mod:`.checks`.
"""

from . import checks as checks
from .registry import REGISTRY, AuditConfig, AuditReport, Check, Finding, Severity, run_checks
from .report import to_json, to_sarif
from .snapshot import WorkspaceSnapshot, collect_snapshot, load_snapshot, save_snapshot

__all__ = [
    "REGISTRY",
    "AuditConfig",
    "AuditReport",
    "Check",
    "Finding",
    "Severity",
    "WorkspaceSnapshot",
    "collect_snapshot",
    "load_snapshot",
    "run_checks",
    "save_snapshot",
    "to_json",
    "to_sarif",
]
