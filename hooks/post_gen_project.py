"""Remove the parts of the generated project that the answers did not select.

This table is the one place that decides which files exist for which answers. Every path in it
exists in a project generated with every option on (a template test checks that), and removal
is idempotent, because cruft re-runs hooks on update. Standard library only, no network.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

# The answers, rendered by cookiecutter when it copies this hook.
ANSWERS = {
    "project_slug": "{{ cookiecutter.project_slug }}",
    "package_name": "{{ cookiecutter.package_name }}",
    "compute": "{{ cookiecutter.compute }}",
    "include_medallion": "{{ cookiecutter.include_medallion }}",
    "include_etl": "{{ cookiecutter.include_etl }}",
    "include_quality": "{{ cookiecutter.include_quality }}",
    "include_admin": "{{ cookiecutter.include_admin }}",
    "include_streaming": "{{ cookiecutter.include_streaming }}",
    "include_ml": "{{ cookiecutter.include_ml }}",
    "ci_provider": "{{ cookiecutter.ci_provider }}",
}

# (question, answer that removes the paths) -> paths relative to the project root.
# "{package}" stands for the package folder under src/.
REMOVED_WHEN: dict[tuple[str, str], tuple[str, ...]] = {
    ("include_medallion", "no"): (
        "notebooks/bronze",
        "notebooks/silver",
        "notebooks/gold",
        "notebooks/maintenance",
        "notebooks/.sqlfluff",
        "resources/medallion.job.yml",
        "resources/medallion_maintenance.job.yml",
        "tests/medallion",
        "benchmarks/pipeline_benchmark.py",
    ),
    ("include_etl", "no"): (
        "src/{package}/etl",
        "resources/etl.job.yml",
        "tests/etl",
    ),
    ("include_quality", "no"): (
        "src/{package}/quality",
        "tests/quality",
        # The medallion job's quality task, tested on the medallion's shared full run.
        "tests/medallion/test_quality_task.py",
        "quality",
        "notebooks/quality",
        "benchmarks/quality_benchmark.py",
        "benchmarks/quality_benchmark_checks.py",
        "benchmarks/quality_benchmark_flights.py",
        "benchmarks/quality_benchmark_others.py",
    ),
    ("include_admin", "no"): (
        "src/{package}/admin",
        "src/{package}/monitoring",
        "tests/admin",
        "tests/monitoring",
        "fixtures/admin",
        "fixtures/system_tables",
        "resources/admin_audit.job.yml",
        "resources/monitoring.dashboard.yml",
        "dashboards/monitoring.lvdash.json",
        "benchmarks/admin_listing.py",
    ),
    ("include_streaming", "no"): (
        "src/{package}/streaming",
        "tests/streaming",
        "fixtures/events",
        "resources/streaming.job.yml",
        "resources/streaming.yml",
        "resources/streaming.dashboard.yml",
        "dashboards/streaming.lvdash.json",
    ),
    ("include_ml", "no"): (
        "src/{package}/ml",
        "tests/ml",
        "resources/ml.job.yml",
        "resources/ml_inference.job.yml",
        "resources/ml_monitoring.job.yml",
        "resources/ml.mlflow.yml",
    ),
    ("compute", "serverless"): ("resources/clusters.yml",),
    ("ci_provider", "none"): (".github",),
}


def paths_to_remove(answers: dict[str, str]) -> list[str]:
    """The relative paths that the answers leave out, in table order."""
    package = answers["package_name"]
    return [
        path.format(package=package)
        for (question, answer), paths in REMOVED_WHEN.items()
        if answers.get(question) == answer
        for path in paths
    ]


def remove(project_root: Path, relative_paths: list[str]) -> None:
    """Delete files and folders; paths already gone are fine (hooks may run twice).

    A folder that two components share (such as dashboards/) goes once both left it empty.
    """
    for relative in relative_paths:
        path = project_root / relative
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
        parent = path.parent
        if parent != project_root and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()


def next_steps(answers: dict[str, str]) -> str:
    """The message printed once the project exists."""
    slug = answers["project_slug"]
    return "\n".join(
        [
            f"Created {slug}. Next steps:",
            f"  cd {slug}",
            "  make setup        # create .venv with uv (Java 17 needed for local Spark)",
            "  make test         # run the tests on local Spark + Delta",
            "  make run-local    # run the pipeline on the sample data in fixtures/",
            "  make validate     # databricks bundle validate -t dev (needs the Databricks CLI)",
            "  make deploy-dev   # deploy to your personal dev target",
        ]
    )


def main() -> int:
    remove(Path.cwd(), paths_to_remove(ANSWERS))
    print(next_steps(ANSWERS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
