"""SCIM PATCH bodies, built in one place so every write has the exact documented shape.

The request body is ``{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
"Operations": [{"op": "add" | "remove" | "replace", "path": ..., "value": ...}]}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from databricks.sdk.service import iam

PATCH_SCHEMAS = [iam.PatchSchema.URN_IETF_PARAMS_SCIM_API_MESSAGES_2_0_PATCH_OP]


@dataclass
class ExactPatch(iam.Patch):
    """A SCIM operation that always sends its value, including ``False``.

    The SDK's ``Patch.as_dict`` writes ``value`` only when it is truthy, so
    ``Patch(op=REPLACE, path="active", value=False)`` goes out without a value and
    deactivation silently does nothing (found by the HTTP-level tests).
    """

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {}
        if self.op is not None:
            body["op"] = self.op.value
        if self.path is not None:
            body["path"] = self.path
        if self.value is not None:
            body["value"] = self.value
        return body


def replace(path: str, value: Any) -> iam.Patch:
    """Set one attribute, e.g. ``replace("active", False)``."""
    return ExactPatch(op=iam.PatchOp.REPLACE, path=path, value=value)


def add_values(path: str, values: list[str]) -> iam.Patch:
    """Add multi-valued entries, e.g. entitlements or members, by their ``value``."""
    return ExactPatch(op=iam.PatchOp.ADD, path=path, value=[{"value": v} for v in values])


def remove_value(path: str, value: str) -> iam.Patch:
    """Remove one multi-valued entry with a SCIM filter path: ``members[value eq "123"]``."""
    return ExactPatch(op=iam.PatchOp.REMOVE, path=f'{path}[value eq "{value}"]')
