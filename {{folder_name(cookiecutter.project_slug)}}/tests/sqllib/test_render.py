"""Rendering: values validated, markers kept (never interpolated), templates flattened."""

from __future__ import annotations

import pytest

from {{ cookiecutter.package_name }}.sqllib import (
    Library,
    LibraryError,
    ParameterValueError,
    render,
)
from {{ cookiecutter.package_name }}.sqllib.render import (
    rename_markers,
)

from .test_values import INJECTION_ATTEMPTS


def test_render_uses_defaults_and_given_values(library: Library) -> None:
    rendered = render(library, "scd1_merge", {"schema": "sales", "delete_missing": "true"})
    catalog = library.get("scd1_merge").parameter("catalog").default
    values = {binding.name: binding.value for binding in rendered.values}
    assert values == {
        "catalog": catalog,
        "schema": "sales",
        "source_table": "orders_valid",
        "target_table": "silver_orders",
        "key_column": "order_id",
        "order_column": "updated_at",
        "delete_missing": True,
    }
    assert (rendered.catalog, rendered.schema) == (catalog, "sales")
    merge = rendered.statements[1]
    assert merge.sql.startswith("MERGE INTO IDENTIFIER(:catalog")
    assert sorted(merge.arguments) == [
        "catalog", "delete_missing", "key_column", "order_column", "schema", "source_table",
        "target_table",
    ]  # fmt: skip


def test_values_are_bound_never_written_into_the_sql(library: Library) -> None:
    rendered = render(library, "scd1_merge", {"target_table": "unmistakable_name"})
    assert all("unmistakable_name" not in statement.sql for statement in rendered.statements)
    assert rendered.value("target_table").text == "unmistakable_name"
    script = rendered.script()
    assert "--   :target_table   = unmistakable_name  (identifier)" in script
    assert "USE IDENTIFIER(:catalog || '.' || :schema);" in script
    assert script.count("unmistakable_name") == 1  # only in the comment that lists the values


@pytest.mark.parametrize(("value", "what"), INJECTION_ATTEMPTS)
def test_render_refuses_injection_in_identifiers(library: Library, value: str, what: str) -> None:
    with pytest.raises(ParameterValueError, match="parameter 'key_column'"):
        render(library, "scd1_merge", {"key_column": value})


@pytest.mark.parametrize(("value", "what"), INJECTION_ATTEMPTS)
def test_render_refuses_injection_in_values(library: Library, value: str, what: str) -> None:
    with pytest.raises(ParameterValueError, match=f"parameter 'entity'.*{what[:10]}"):
        render(library, "quarantine_rejected", {"entity": value})


def test_render_names_unknown_and_missing_parameters(library: Library, tmp_path) -> None:
    with pytest.raises(LibraryError, match="scd1_merge takes no parameter 'colour'; it takes"):
        render(library, "scd1_merge", {"colour": "red"})
    with pytest.raises(LibraryError, match="no library item named 'scd3_merge'"):
        render(library, "scd3_merge")
    from .test_library import PATTERN, write

    required = PATTERN.replace("--     default: orders\n", "")
    tiny = write(tmp_path, {"patterns/copy_table.sql": required})
    with pytest.raises(
        LibraryError, match="needs --param source_table=<identifier>: Table to copy"
    ):
        render(tiny, "copy_table")


def test_templates_are_flattened_with_markers_renamed(library: Library) -> None:
    rendered = render(library, "pipeline", {"bronze_orders": "raw_orders"})
    first = rendered.statements[0]
    assert first.source == "bronze_ingest_files"
    assert ":bronze_orders" in first.sql
    assert ":table_name" not in first.sql
    assert first.arguments["bronze_orders"].value == "raw_orders"
    customers = rendered.statements[4]  # the INSERT of the second bronze step
    assert customers.source == "bronze_ingest_files"
    assert ":customers_landing_path" in customers.sql
    assert ":bronze_customers" in customers.sql
    sources = [statement.source for statement in render(library, "analytics").statements]
    assert sources[:3] == ["value_tier", "loyalty_points", "safe_divide"]
    assert sources[-1] == "analytics"  # the template's own statements come last


def test_rename_markers_leaves_literals_comments_casts_and_paths_alone() -> None:
    sql = "SELECT :a, ':a', x::int, j:a, `:a` -- :a\nFROM t WHERE b = :a AND c = :ab /* :a */"
    renamed = rename_markers(sql, {"a": "z"})
    assert renamed == (
        "SELECT :z, ':a', x::int, j:a, `:a` -- :a\nFROM t WHERE b = :z AND c = :ab /* :a */"
    )
    assert rename_markers(sql, {"a": "a"}) is sql


def test_script_marks_workspace_only_statements(library: Library) -> None:
    script = render(library, "table_maintenance").script()
    assert script.count("-- workspace-only: EXECUTE IMMEDIATE") == 3
    assert "--   :retention_hours = 168  (int)" in script
