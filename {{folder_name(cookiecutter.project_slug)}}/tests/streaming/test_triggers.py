"""Each trigger setting becomes the matching Spark trigger."""

from __future__ import annotations

from typing import Any

import pytest

from {{ cookiecutter.package_name }}.streaming import (
    StreamingSettings,
    Trigger,
)
from {{ cookiecutter.package_name }}.streaming.triggers import (
    with_trigger,
)


class Writer:
    def __init__(self) -> None:
        self.trigger_arguments: dict[str, Any] = {}

    def trigger(self, **arguments: Any) -> Writer:
        self.trigger_arguments = arguments
        return self


@pytest.mark.parametrize(
    ("trigger", "expected"),
    [
        (Trigger.AVAILABLE_NOW, {"availableNow": True}),
        (Trigger.PROCESSING_TIME, {"processingTime": "30 seconds"}),
    ],
)
def test_the_trigger_follows_the_settings(trigger: Trigger, expected: dict[str, Any]) -> None:
    settings = StreamingSettings("c", "s", "/src", "/ck", trigger=trigger, interval="30 seconds")
    writer = Writer()
    assert with_trigger(writer, settings) is writer  # type: ignore[arg-type]
    assert writer.trigger_arguments == expected
