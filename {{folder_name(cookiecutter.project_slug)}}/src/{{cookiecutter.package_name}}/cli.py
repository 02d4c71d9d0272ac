"""The package's one command-line entry point; `--help` lists the components' commands."""

from __future__ import annotations

import typer
from rich.markup import escape

from . import PROJECT_NAME, __version__
{%- if cookiecutter.include_admin == "yes" %}
from .admin.cli import app as admin_app
{%- endif %}
{%- if cookiecutter.include_etl == "yes" %}
from .etl.cli import app as etl_app
{%- endif %}
{%- if cookiecutter.include_ml == "yes" %}
from .ml.cli import app as ml_app
{%- endif %}
{%- if cookiecutter.include_admin == "yes" %}
from .monitoring.cli import app as monitor_app
{%- endif %}
{%- if cookiecutter.include_quality == "yes" %}
from .quality.cli import app as quality_app
{%- endif %}
from .runtime.cli import app as pipeline_app
from .sqllib.cli import app as sql_app
{%- if cookiecutter.include_streaming == "yes" %}
from .streaming.cli import app as streaming_app
{%- endif %}

app = typer.Typer(
    help=f"{escape(PROJECT_NAME)}: run pipelines locally and manage the project.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
app.add_typer(pipeline_app, name="pipeline")
{%- if cookiecutter.include_etl == "yes" %}
app.add_typer(etl_app, name="etl")
{%- endif %}
{%- if cookiecutter.include_admin == "yes" %}
app.add_typer(admin_app, name="admin")
app.add_typer(monitor_app, name="monitor")
{%- endif %}
{%- if cookiecutter.include_quality == "yes" %}
app.add_typer(quality_app, name="quality")
{%- endif %}
{%- if cookiecutter.include_ml == "yes" %}
app.add_typer(ml_app, name="ml")
{%- endif %}
app.add_typer(sql_app, name="sql")
{%- if cookiecutter.include_streaming == "yes" %}
app.add_typer(streaming_app, name="streaming")
{%- endif %}


@app.callback()
def root() -> None:
    """Run pipelines locally and manage the project."""


@app.command()
def version() -> None:
    """Print the package version."""
    typer.echo(__version__)


def main() -> None:
    """Console-script entry point."""
    app()
