"""The trigger of every query, from the settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .settings import StreamingSettings, Trigger

if TYPE_CHECKING:
    from pyspark.sql.streaming import DataStreamWriter


def with_trigger(writer: DataStreamWriter, settings: StreamingSettings) -> DataStreamWriter:
    """`availableNow` (drain what has arrived, then stop) or a micro-batch every interval."""
    if settings.trigger is Trigger.AVAILABLE_NOW:
        return writer.trigger(availableNow=True)
    return writer.trigger(processingTime=settings.interval)
