"""One object that builds the admin services, so commands share them and tests replace them."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from databricks.sdk import WorkspaceClient

from ..monitoring.queries import SystemTables
from ..monitoring.runners import SparkRunner, SqlRunner, StatementExecutionRunner
from ..runtime.session import get_spark, on_databricks
from .changes import AuditLog
from .clusters import ClustersService
from .grants import GrantsService
from .groups import GroupsService
from .users import UsersService
from .workspace import WorkspaceService

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


class MissingSqlWarehouseError(ValueError):
    """A command needs system-table SQL but no way to run it was configured."""

    def __init__(self) -> None:
        super().__init__(
            "this command queries system tables: pass --warehouse-id (or set "
            "DATABRICKS_WAREHOUSE_ID) to use a SQL warehouse, or run it on Databricks"
        )


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class AdminContext:
    """Configuration plus lazily built services; ``replace`` gives a copy with overrides.

    Nothing connects to a workspace until a service is first used, so building a context is
    free and tests can pass a client (``client=``), a SQL runner (``runner=``), a Spark session
    or a clock instead.
    """

    profile: str | None = None
    warehouse_id: str | None = None
    audit_log_path: Path = Path("admin-audit.jsonl")
    system_tables: SystemTables = field(default_factory=SystemTables)
    now: Callable[[], datetime] = _utc_now
    client: WorkspaceClient | None = None
    runner: SqlRunner | None = None
    spark_session: SparkSession | None = None

    def replace(self, **changes: Any) -> AdminContext:
        """A new context with some settings or parts replaced (and nothing cached)."""
        return dataclasses.replace(self, **changes)

    @cached_property
    def workspace_client(self) -> WorkspaceClient:
        """The given client, or one from the environment / ``~/.databrickscfg`` profile."""
        return self.client or WorkspaceClient(profile=self.profile)

    @cached_property
    def actor(self) -> str:
        """Who applies changes, as recorded in the audit log."""
        me = self.workspace_client.current_user.me()
        return me.user_name or me.id or "unknown"

    @cached_property
    def audit_log(self) -> AuditLog:
        return AuditLog(self.audit_log_path, lambda: self.actor, self.now)

    @cached_property
    def users(self) -> UsersService:
        return UsersService(self.workspace_client)

    @cached_property
    def groups(self) -> GroupsService:
        return GroupsService(self.workspace_client)

    @cached_property
    def clusters(self) -> ClustersService:
        return ClustersService(self.workspace_client)

    @cached_property
    def workspace(self) -> WorkspaceService:
        return WorkspaceService(self.workspace_client)

    @cached_property
    def grants(self) -> GrantsService:
        return GrantsService(self.workspace_client)

    @property
    def has_sql(self) -> bool:
        """Whether system-table queries can run here."""
        return bool(self.runner or self.warehouse_id or on_databricks())

    @cached_property
    def sql(self) -> SqlRunner:
        """A given runner, else a SQL warehouse, else the cluster's Spark on Databricks."""
        if self.runner is not None:
            return self.runner
        if self.warehouse_id:
            return StatementExecutionRunner(
                self.workspace_client, self.warehouse_id, self.system_tables
            )
        if on_databricks():
            return SparkRunner(self.spark, self.system_tables)
        raise MissingSqlWarehouseError()

    @cached_property
    def spark(self) -> SparkSession:
        """The Spark session that writes result tables."""
        return self.spark_session or get_spark()


def context_with_options(obj: object, **options: Any) -> AdminContext:
    """The context a command group works with: the one passed in (tests) or a new one, with
    the options given on the command line applied."""
    base = obj if isinstance(obj, AdminContext) else AdminContext()
    overrides = {name: value for name, value in options.items() if value is not None}
    return base.replace(**overrides) if overrides else base
