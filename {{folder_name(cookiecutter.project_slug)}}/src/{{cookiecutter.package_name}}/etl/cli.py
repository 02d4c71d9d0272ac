"""`etl` commands: run the PySpark ETL workflow."""

from __future__ import annotations

import typer

from ..runtime import get_spark
from .workflow import EtlConfig, run

app = typer.Typer(help="The PySpark ETL workflow.", no_args_is_help=True)


@app.command("run")
def run_command(
    catalog: str = typer.Option(..., help="Catalog to write to (spark_catalog locally)."),
    schema: str = typer.Option(..., help="Schema to write to."),
    source: str = typer.Option(..., help="Folder of landing order CSV files."),
) -> None:
    """Load landing orders into etl_orders, etl_order_rejects and etl_daily_revenue."""
    try:
        config = EtlConfig(catalog=catalog, schema=schema, source_path=source)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from error
    result = run(get_spark(), config)
    typer.echo(
        f"read {result.rows_read} rows: {result.orders} orders in "
        f"{config.table('etl_orders')}, {result.rejects} rejects, "
        f"{result.revenue_rows} daily revenue rows"
    )
