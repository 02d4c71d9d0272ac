"""The project's SQL library (`sql/`): discover, render, validate and apply its files."""

from .execute import ApplyResult, LocalExecutor, StatementFailedError, WorkspaceExecutor, dry_run
from .library import Kind, Library, LibraryError, LibraryItem
from .render import Rendered, render
from .values import ParameterType, ParameterValueError

__all__ = [
    "ApplyResult",
    "Kind",
    "Library",
    "LibraryError",
    "LibraryItem",
    "LocalExecutor",
    "ParameterType",
    "ParameterValueError",
    "Rendered",
    "StatementFailedError",
    "WorkspaceExecutor",
    "dry_run",
    "render",
]
