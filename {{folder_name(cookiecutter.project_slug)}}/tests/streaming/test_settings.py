"""Settings: names, paths and intervals are checked on creation; errors name the field."""

from __future__ import annotations

import pytest

from {{ cookiecutter.package_name }}.streaming import (
    StreamingSettings,
    Trigger,
)


def settings(**overrides: object) -> StreamingSettings:
    values: dict[str, object] = {
        "catalog": "main",
        "schema": "sales",
        "source_path": "/Volumes/main/sales/events",
        "checkpoint_path": "/Volumes/main/sales/streaming_checkpoints/",
    }
    values.update(overrides)
    return StreamingSettings(**values)  # type: ignore[arg-type]


def test_tables_and_checkpoints_are_named_from_the_settings() -> None:
    chosen = settings()
    assert chosen.table("silver_order_status") == "main.sales.silver_order_status"
    assert chosen.checkpoint("bronze_order_events") == (
        "/Volumes/main/sales/streaming_checkpoints/bronze_order_events"
    )
    assert chosen.trigger is Trigger.AVAILABLE_NOW


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"catalog": "Main"}, "catalog 'Main' is not a valid Unity Catalog name"),
        ({"schema": "sales;drop"}, "schema 'sales;drop' is not a valid Unity Catalog name"),
        ({"source_path": " "}, "source_path is empty"),
        ({"checkpoint_path": ""}, "checkpoint_path is empty"),
        ({"interval": "soon"}, "interval 'soon' is not an interval"),
        ({"watermark_delay": "2h"}, "watermark_delay '2h' is not an interval"),
        ({"window_duration": "1 fortnight"}, "window_duration '1 fortnight' is not an interval"),
        ({"max_files_per_batch": 0}, "max_files_per_batch must be at least 1, got 0"),
    ],
)
def test_bad_settings_are_refused_by_name(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        settings(**overrides)
