"""`streaming` commands: run the streaming job (bronze, silver, gold) once or continuously."""

from __future__ import annotations

from typing import Annotated

import typer

from ..runtime import get_spark
from .job import StreamingJobError, run_streaming
from .settings import StreamingSettings, Trigger

app = typer.Typer(
    help="The streaming job: order-status events to silver and gold.", no_args_is_help=True
)


@app.command("run")
def run_command(
    catalog: str = typer.Option(..., help="Catalog to write to (spark_catalog locally)."),
    schema: str = typer.Option(..., help="Schema to write to."),
    source: str = typer.Option(..., help="Folder that receives the JSON event files."),
    checkpoints: str = typer.Option(..., help="Folder for the queries' checkpoints."),
    trigger: Annotated[
        Trigger,
        typer.Option(help="available-now: drain and stop; processing-time: keep running."),
    ] = Trigger.AVAILABLE_NOW,
    interval: str = typer.Option("1 minute", help="Micro-batch interval with processing-time."),
    max_files_per_batch: int = typer.Option(1000, help="At most this many files per batch."),
    watermark_delay: str = typer.Option("2 hours", help="How late events may be for gold."),
    window: str = typer.Option("1 hour", help="Window of the gold status counts."),
) -> None:
    """Ingest new event files into bronze, upsert silver, update the gold status counts."""
    try:
        settings = StreamingSettings(
            catalog=catalog,
            schema=schema,
            source_path=source,
            checkpoint_path=checkpoints,
            trigger=trigger,
            interval=interval,
            max_files_per_batch=max_files_per_batch,
            watermark_delay=watermark_delay,
            window_duration=window,
        )
    except ValueError as error:
        raise typer.BadParameter(str(error)) from error
    try:
        result = run_streaming(get_spark(), settings)
    except StreamingJobError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(code=1) from error
    for query in result.queries:
        typer.echo(f"{query.name}: {query.batches} batch(es), {query.input_rows} input rows")
