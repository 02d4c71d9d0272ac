"""`ml` commands: build features, train, promote, score and monitor the repurchase model.

The ML jobs in resources/ml.job.yml run these commands as python_wheel_task tasks, so
`pipeline run --job ml_training` (and ml_inference, ml_monitoring) runs them locally too. Each
command exits 1 with a message naming the problem when it cannot do its work; `monitor` also
exits 1 when a check alerts, so the job fails and its failure emails go out.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from mlflow import MlflowClient
from pyspark.sql import SparkSession
from rich.console import Console
from rich.markup import escape

from ..runtime import get_spark, local_spark
from ..runtime.bundle import BundleError, find_project_root
from .config import DEFAULT_MODEL, MlConfig
from .dataset import InsufficientDataError, labelled_examples, split_in_time
from .demo import History, write_demo_orders
from .features import NoOrdersError, build_feature_table
from .inference import NoFeaturesError, NoModelError, score
from .model_monitor import ALERT, Thresholds, monitor
from .registry import CHAMPION, NoChallengerError, promote
from .tracking import store_for, use_experiment, use_store
from .training import train

app = typer.Typer(
    help="Machine learning: features, training, champion/challenger, scoring, monitoring.",
    no_args_is_help=True,
)
console = Console(highlight=False, soft_wrap=True)

Catalog = Annotated[str, typer.Option(help="Catalog of the tables (spark_catalog locally).")]
Schema = Annotated[str, typer.Option(help="Schema of the tables.")]
Model = Annotated[str, typer.Option("--model-name", help="Registered model (name only).")]
Horizon = Annotated[int, typer.Option(help="Days after a cutoff in which an order counts.")]
AsOf = Annotated[
    datetime | None,
    typer.Option(help="Cutoff (default: features: after the latest order; score: latest)."),
]
FAILURES = (
    InsufficientDataError,
    NoChallengerError,
    NoFeaturesError,
    NoModelError,
    NoOrdersError,
    FileExistsError,
    RuntimeError,
)


def _config(catalog: str, schema: str, model: str = DEFAULT_MODEL, horizon: int = 90) -> MlConfig:
    try:
        return MlConfig(catalog=catalog, schema=schema, model=model, horizon_days=horizon)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from error


def _fail(error: Exception) -> typer.Exit:
    console.print(f"[bold red]{escape(str(error))}[/]")
    return typer.Exit(code=1)


@contextmanager
def _exit_on_failure() -> Iterator[None]:
    """A command's expected failures end it with their message and exit code 1."""
    try:
        yield
    except FAILURES as error:
        raise _fail(error) from None


@app.command()
def features(
    catalog: Catalog,
    schema: Schema,
    as_of: AsOf = None,
    cutoff_step_days: Annotated[int, typer.Option(help="Days between cutoffs.")] = 30,
    history: Annotated[
        bool, typer.Option(help="Also the training grid's cutoffs before --as-of.")
    ] = True,
) -> None:
    """Build ml_customer_features: every customer's figures at each cutoff up to --as-of."""
    try:
        config = MlConfig(catalog=catalog, schema=schema, cutoff_step_days=cutoff_step_days)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from error
    with _exit_on_failure():
        table, moments = build_feature_table(get_spark(), config, as_of, history=history)
    console.print(
        f"{table}: features at {len(moments)} cutoffs, {moments[0]:%Y-%m-%d} to "
        f"{moments[-1]:%Y-%m-%d}"
    )


@app.command("train")
def train_command(
    catalog: Catalog,
    schema: Schema,
    experiment: Annotated[str, typer.Option(help="MLflow experiment (a workspace path).")],
    model_name: Model = DEFAULT_MODEL,
    horizon_days: Horizon = 90,
    regularisation: Annotated[float, typer.Option(help="Logistic regression's C.")] = 1.0,
) -> None:
    """Train on the feature table, log to MLflow, register a version as the challenger."""
    config = _config(catalog, schema, model_name, horizon_days)
    spark = get_spark()
    store = store_for(spark)
    client = use_store(store)
    with _exit_on_failure():
        examples = split_in_time(labelled_examples(spark, config), config.horizon_days)
        use_experiment(client, store, experiment)
        result = train(client, config, examples, regularisation)
    console.print(
        f"{result.model} version {result.version} is the challenger (run {result.run_id}); "
        f"hold-out ROC AUC {result.metrics['holdout_roc_auc']:.4f}"
    )


@app.command("promote")
def promote_command(
    catalog: Catalog,
    schema: Schema,
    model_name: Model = DEFAULT_MODEL,
    horizon_days: Horizon = 90,
    min_improvement: Annotated[
        float, typer.Option(help="AUC margin the challenger must beat the champion by.")
    ] = 0.0,
) -> None:
    """Make the challenger the champion if there is none or it scores better on the hold-out."""
    config = _config(catalog, schema, model_name, horizon_days)
    spark, client = _session_and_registry()
    with _exit_on_failure():
        examples = split_in_time(labelled_examples(spark, config), config.horizon_days)
        decision = promote(client, config.model_name, examples.holdout, min_improvement)
    console.print(f"{config.model_name}: {decision.reason}")


@app.command("score")
def score_command(
    catalog: Catalog,
    schema: Schema,
    model_name: Model = DEFAULT_MODEL,
    as_of: AsOf = None,
    alias: Annotated[str, typer.Option(help="Model alias to score with.")] = CHAMPION,
) -> None:
    """Score one cutoff of the feature table with the champion; upsert the predictions."""
    config = _config(catalog, schema, model_name)
    spark, client = _session_and_registry()
    with _exit_on_failure():
        result = score(spark, client, config, as_of, alias)
    console.print(
        f"{result.table}: {result.rows} customers at {result.as_of:%Y-%m-%d} scored with "
        f"{result.model} version {result.version}"
    )


@app.command("monitor")
def monitor_command(
    catalog: Catalog,
    schema: Schema,
    model_name: Model = DEFAULT_MODEL,
    horizon_days: Horizon = 90,
    psi_warn: Annotated[float, typer.Option(help="PSI above which a column warns.")] = 0.1,
    psi_alert: Annotated[float, typer.Option(help="PSI above which a column alerts.")] = 0.25,
    auc_warn: Annotated[float, typer.Option(help="ROC AUC below which quality warns.")] = 0.7,
    auc_alert: Annotated[float, typer.Option(help="ROC AUC below which quality alerts.")] = 0.6,
) -> None:
    """Check drift and quality of the champion's predictions; exit 1 on any alert."""
    config = _config(catalog, schema, model_name, horizon_days)
    try:
        thresholds = Thresholds(psi_warn, psi_alert, auc_warn, auc_alert)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from error
    spark, client = _session_and_registry()
    with _exit_on_failure():
        report = monitor(spark, client, config, thresholds)
    for check in report.checks:
        style = {ALERT: "red", "warn": "yellow"}.get(check.status, "green")
        console.print(f"[{style}]{escape(check.describe())}[/]")
    for note in report.notes:
        console.print(f"[yellow]{escape(note)}[/]")
    summary = (
        f"{report.model} version {report.version}: {len(report.checks)} checks, "
        f"{len(report.warnings)} warnings, {len(report.alerts)} alerts"
    )
    if report.alerts:
        console.print(f"[bold red]{summary}[/]")
        raise typer.Exit(code=1)
    console.print(summary)


@app.command("demo-orders")
def demo_orders_command(
    catalog: Catalog,
    schema: Schema,
    customers: Annotated[int, typer.Option(help="How many customers.")] = 400,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 7,
    replace: Annotated[bool, typer.Option(help="Overwrite an existing silver_orders.")] = False,
    local_dir: Annotated[
        Path | None,
        typer.Option(help="Local tables of `pipeline run`.", show_default="<project>/.local"),
    ] = None,
) -> None:
    """Local only: write a synthetic four-year order history as silver_orders, to train on."""
    config = _config(catalog, schema)
    try:
        spark = _local_session(local_dir)
        table, rows = write_demo_orders(
            spark, config, History(customers=customers, seed=seed), replace=replace
        )
    except (*FAILURES, BundleError, ValueError) as error:
        raise _fail(error) from None
    console.print(f"{table}: {rows} demo orders of {customers} customers")


def _session_and_registry() -> tuple[SparkSession, MlflowClient]:
    """Spark and an MLflow client on this environment's tracking and registry store."""
    spark = get_spark()
    return spark, use_store(store_for(spark))


def _local_session(local_dir: Path | None) -> SparkSession:
    """The active session (tests, notebooks), else the one `pipeline run` uses: tables and
    catalog under <project>/.local, so the jobs run there find the demo orders."""
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    local = local_dir or find_project_root(Path()) / ".local"
    return local_spark(local.resolve() / "warehouse", persistent_catalog=True)
