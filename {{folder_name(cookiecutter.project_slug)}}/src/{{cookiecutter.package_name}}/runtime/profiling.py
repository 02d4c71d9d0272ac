"""Where a local run spends its time: the slowest statements and Python cells, for `--profile`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .jobs import JobRunResult
from .runner import NotebookResult


@dataclass(frozen=True)
class Hotspot:
    """One statement, Python cell or wheel task, and how long it took."""

    task: str
    notebook: str
    cell: int
    line: int
    seconds: float
    source: str


def notebook_hotspots(
    result: NotebookResult, task: str = "", root: Path | None = None
) -> list[Hotspot]:
    """Every timed statement and Python cell of one notebook run, slowest first."""
    path = result.notebook
    shown = str(path.relative_to(root)) if root and path.is_relative_to(root) else str(path)
    spots = [
        Hotspot(task, shown, timing.cell, timing.line, timing.seconds, timing.summary)
        for timing in result.timings
    ]
    return sorted(spots, key=lambda spot: -spot.seconds)


def job_hotspots(result: JobRunResult, root: Path | None = None) -> list[Hotspot]:
    """Every statement of every notebook task, and each wheel task as a whole, slowest first."""
    spots: list[Hotspot] = []
    for task in result.tasks:
        if task.notebook is not None:
            spots.extend(notebook_hotspots(task.notebook, task.key, root))
        elif task.status != "not run":
            spots.append(Hotspot(task.key, task.target, 0, 0, task.seconds, task.kind))
    return sorted(spots, key=lambda spot: -spot.seconds)
