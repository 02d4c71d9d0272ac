"""Workspace administration on databricks-sdk: identities, clusters, security, privileges.

Every service takes a ``WorkspaceClient``; :class:`AdminContext` builds them once and lets tests
replace any part. Mutating operations return a plan first and change nothing until it is applied
with :func:`apply_plan`, which records each change in the JSON-lines audit log.
"""

from .changes import AuditLog, Change, PlannedChange, apply_plan
from .context import AdminContext

__all__ = ["AdminContext", "AuditLog", "Change", "PlannedChange", "apply_plan"]
