"""The local dbutils stand-in and the /Volumes path map."""

from __future__ import annotations

from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.runtime.dbutils import (
    LocalDbutils,
    LocalWidgets,
    NotebookExit,
    WidgetNotDefinedError,
)
from {{ cookiecutter.package_name }}.runtime.volumes import (
    LocalVolumes,
    VolumePathError,
)


def test_parameters_win_over_widget_defaults() -> None:
    widgets = LocalWidgets({"schema": "given"})
    widgets.text("schema", "default")
    widgets.text("table", "orders", "Table")
    widgets.dropdown("mode", "full", ["full", "delta"])
    widgets.combobox("zone", "eu")
    widgets.multiselect("layers", "bronze", ["bronze", "silver"])
    assert widgets.getAll() == {
        "layers": "bronze",
        "mode": "full",
        "schema": "given",
        "table": "orders",
        "zone": "eu",
    }
    widgets.remove("table")
    with pytest.raises(WidgetNotDefinedError, match="no input widget named 'table'"):
        widgets.get("table")
    widgets.removeAll()
    assert widgets.getAll() == {"schema": "given"}


def test_dropdown_default_must_be_a_choice() -> None:
    with pytest.raises(ValueError, match="not one of its choices"):
        LocalWidgets({}).dropdown("mode", "other", ["full"])


def test_localize_maps_values() -> None:
    widgets = LocalWidgets({"catalog": "dev"}, lambda name, value: value.upper())
    assert widgets.get("catalog") == "DEV"


def test_notebook_exit_and_missing_utilities() -> None:
    dbutils = LocalDbutils(LocalWidgets({}))
    with pytest.raises(NotebookExit) as exited:
        dbutils.notebook.exit(42)
    assert exited.value.value == "42"
    with pytest.raises(AttributeError, match=r"dbutils.secrets is not available"):
        dbutils.secrets.get("scope", "key")  # type: ignore[attr-defined]


def test_volume_paths_map_to_local_folders(tmp_path: Path) -> None:
    volumes = LocalVolumes(tmp_path)
    assert volumes.to_local("/Volumes/c/s/v/orders") == str(tmp_path / "c" / "s" / "v" / "orders")
    assert volumes.to_local("dbfs:/Volumes/c/s/v") == str(tmp_path / "c" / "s" / "v")
    assert volumes.to_local("/tmp/elsewhere") == "/tmp/elsewhere"  # noqa: S108
    with pytest.raises(VolumePathError, match="expected /Volumes/<catalog>/<schema>/<volume>"):
        volumes.to_local("/Volumes/c/s")


def test_seeding_copies_new_files_only(tmp_path: Path) -> None:
    source = tmp_path / "fixtures"
    (source / "orders").mkdir(parents=True)
    (source / "orders" / "a.csv").write_text("a")
    volumes = LocalVolumes(tmp_path / "volumes")
    assert volumes.seed("c", "s", "landing", source) == 1
    landed = volumes.volume_dir("c", "s", "landing") / "orders" / "a.csv"
    landed.write_text("changed")
    assert volumes.seed("c", "s", "landing", source) == 0
    assert landed.read_text() == "changed"
