"""Unity Catalog volumes as local folders.

On Databricks, landing files live at `/Volumes/<catalog>/<schema>/<volume>/...`. Locally the
same path maps to `<root>/<catalog>/<schema>/<volume>/...`, so notebooks keep their paths.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

VOLUMES_PREFIX = "/Volumes/"


class VolumePathError(ValueError):
    """A `/Volumes/...` path that does not name a catalog, a schema and a volume."""


@dataclass(frozen=True)
class LocalVolumes:
    """Maps `/Volumes/...` paths to folders under `root`; other paths pass through unchanged."""

    root: Path

    def to_local(self, path: str) -> str:
        """The local path for `path` (a `/Volumes/...` path, `dbfs:/Volumes/...`, or local)."""
        stripped = path.removeprefix("dbfs:")
        if not stripped.startswith(VOLUMES_PREFIX):
            return path
        parts = PurePosixPath(stripped).parts[2:]  # drop "/" and "Volumes"
        if len(parts) < 3:
            raise VolumePathError(
                f"{path!r} is not a volume path: expected /Volumes/<catalog>/<schema>/<volume>/..."
            )
        return str(self.root.joinpath(*parts))

    def volume_dir(self, catalog: str, schema: str, volume: str) -> Path:
        return self.root / catalog / schema / volume

    def seed(self, catalog: str, schema: str, volume: str, source: Path) -> int:
        """Copy the files under `source` into the volume, keeping files already there.

        Returns how many files were copied. Files that exist are left alone, as when the same
        file lands twice: bronze must not ingest it twice, and a re-run must not see it as new.
        """
        target = self.volume_dir(catalog, schema, volume)
        target.mkdir(parents=True, exist_ok=True)
        copied = 0
        for file in sorted(p for p in source.rglob("*") if p.is_file()):
            destination = target / file.relative_to(source)
            if destination.exists():
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(file, destination)
            copied += 1
        return copied
