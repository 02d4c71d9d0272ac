"""Benchmark: 20 mixed checks, this project's engine against one-by-one, DQX, Great Expectations
and writing with no checks at all, side by side in one invocation.

This project and DQX run twice: annotating the rows, and splitting them into valid and
quarantined rows (both written; "vs this project" compares each split with this project's).

    uv run python benchmarks/quality_benchmark.py --rows 1000000

DQX and Great Expectations are not dependencies of the project. To include them, run this
script from a virtual environment that also has them (they then run in this process,
interleaved with the other approaches), for example:

    uv venv /tmp/bench && VIRTUAL_ENV=/tmp/bench uv pip install -e . pyspark==4.0.1 \
        databricks-labs-dqx pandas
    /tmp/bench/bin/python benchmarks/quality_benchmark.py --rows 1000000 \
        --gx-python /path/to/a/venv/with/great-expectations/bin/python

`--dqx-python`/`--gx-python` run a framework that this interpreter cannot import in its own
process instead (through `quality_benchmark_others.py`). DQX gets a mocked WorkspaceClient and
makes no network call. Every approach writes its result to Spark's `noop` sink, so the whole
plan executes (a `count()` would let Spark prune the annotations) and nothing is stored. The
input is generated once into Parquet. `--floor` also times the 14 row checks alone and
finding the duplicate keys alone, which shows how close any exact check run can get to the
no-checks write. Timings exclude Spark start-up and data generation; each
is the best of `--repeat` interleaved rounds after one warm-up run.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession

sys.path.insert(0, str(Path(__file__).resolve().parent))

from quality_benchmark_checks import REFERENCE_COUNTRIES, RULES, SPARK_CONF, generate
from quality_benchmark_others import dqx_runner, dqx_split_runner, gx_runner

from {{ cookiecutter.package_name }}.quality import (
    QualityEngine,
    parse_rules,
)
from {{ cookiecutter.package_name }}.quality.engine import CheckedData

HERE = Path(__file__).resolve().parent
BASELINE = "no checks (noop write)"
OURS = "this project (20 checks, one pass)"
OURS_SPLIT = "this project, split"
DQX_SPLIT = "DQX, split"
ROW_ONLY = "floor: this project, 14 row checks only"
DUPLICATES_ONLY = "floor: duplicate keys alone (group-by)"
ROW_TYPES = {"not_null", "not_empty", "in_set", "in_range", "regex", "format", "length"}
ROW_TYPES |= {"expression", "compare"}
UNIQUE_KEYS = [rule["check"]["columns"] for rule in RULES if rule["check"]["type"] == "unique"]
Runner = Callable[[], None]


def session() -> SparkSession:
    builder = SparkSession.builder.appName("quality-benchmark")
    for key, value in SPARK_CONF.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def noop(df: DataFrame) -> None:
    df.write.format("noop").mode("overwrite").save()


def rule_set(entries: list[dict]) -> object:
    return parse_rules(
        {"table": "bench", "rules": [{"dimension": "validity", **entry} for entry in entries]}
    )


def ours(spark: SparkSession, df: DataFrame, entries: list[dict]) -> None:
    countries = spark.createDataFrame([(c,) for c in REFERENCE_COUNTRIES], "code string")
    checked = QualityEngine(spark, {"countries": countries}).apply(df, rule_set(entries))
    noop(checked.annotated)
    checked.results()  # the metrics, collected during the write


def ours_split(spark: SparkSession, df: DataFrame) -> None:
    """Valid and quarantined rows both written, from one persisted annotation (as `run_checks`)."""
    countries = spark.createDataFrame([(c,) for c in REFERENCE_COUNTRIES], "code string")
    split(QualityEngine(spark, {"countries": countries}).apply(df, rule_set(RULES)))


def split(checked: CheckedData) -> None:
    """Write `checked`'s quarantined and valid rows from one persisted annotation."""
    annotated = checked.annotated.persist(StorageLevel.MEMORY_AND_DISK)
    noop(checked.quarantine(annotated))
    noop(checked.valid(annotated))
    checked.results()  # the metrics, collected during the first write
    annotated.unpersist()


def one_by_one(spark: SparkSession, df: DataFrame) -> None:
    for entry in RULES:
        ours(spark, df, [entry])


def other(python: str, framework: str, data: str, rows: int, repeat: int) -> float | str:
    command = [python, str(HERE / "quality_benchmark_others.py"), framework, data, str(rows)]
    command.append(str(repeat))
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        last_line = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""
        return f"failed ({done.returncode}): {last_line}"
    return float(json.loads(done.stdout.strip().splitlines()[-1])["seconds"])


def duplicate_keys(df: DataFrame) -> None:
    """The least any exact uniqueness check must do: find the keys that occur more than once,
    for each of the two key sets (a shuffle that writing with no checks never needs)."""
    for keys in UNIQUE_KEYS:
        noop(df.groupBy(*keys).count().filter("count > 1"))


def in_process(
    spark: SparkSession, df: DataFrame, skip_one_by_one: bool, floor: bool
) -> dict[str, Runner]:
    """The approaches this interpreter can run; DQX and Great Expectations when importable."""
    runners: dict[str, Runner] = {
        BASELINE: lambda: noop(df),
        OURS: lambda: ours(spark, df, RULES),
        OURS_SPLIT: lambda: ours_split(spark, df),
    }
    if floor:
        row_rules = [rule for rule in RULES if rule["check"]["type"] in ROW_TYPES]
        runners[ROW_ONLY] = lambda: ours(spark, df, row_rules)
        runners[DUPLICATES_ONLY] = lambda: duplicate_keys(df)
    if not skip_one_by_one:
        runners["same checks one by one"] = lambda: one_by_one(spark, df)
    for name, module, factory in (
        ("DQX", "databricks.labs.dqx", dqx_runner),
        ("Great Expectations", "great_expectations", gx_runner),
    ):
        if importlib.util.find_spec(module.split(".")[0]) and _importable(module):
            runners[name] = factory(spark, df)
    if "DQX" in runners:
        runners[DQX_SPLIT] = dqx_split_runner(spark, df)
    return runners


def _importable(module: str) -> bool:
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


def interleaved(runners: dict[str, Runner], repeat: int) -> dict[str, float | str]:
    """Best time of each approach over `repeat` rounds, one run of each per round, after a
    warm-up run of each: a busy machine slows every approach alike."""
    for run in runners.values():
        run()
    best: dict[str, float] = {name: float("inf") for name in runners}
    for _ in range(repeat):
        for name, run in runners.items():
            started = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - started)
    return dict(best)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dqx-python", help="python of a venv with databricks-labs-dqx")
    parser.add_argument("--gx-python", help="python of a venv with great-expectations")
    parser.add_argument("--skip-one-by-one", action="store_true")
    parser.add_argument(
        "--floor",
        action="store_true",
        help="also time the 14 row checks alone and finding duplicate keys alone",
    )
    options = parser.parse_args()

    spark = session()
    with tempfile.TemporaryDirectory(prefix="quality-bench-") as folder:
        data = str(Path(folder) / "input")
        generate(spark, options.rows, data)
        df = spark.read.parquet(data)
        runners = in_process(spark, df, options.skip_one_by_one, options.floor)
        seconds = interleaved(runners, options.repeat)
        spark.stop()
        for name, python in (
            ("DQX", options.dqx_python),
            ("Great Expectations", options.gx_python),
        ):
            if python and name not in seconds:
                seconds[name] = other(
                    python, name.split()[0].lower(), data, options.rows, options.repeat
                )
    report(options.rows, seconds, sorted(runners))


def report(rows: int, seconds: dict[str, float | str], together: list[str]) -> None:
    ours_seconds = seconds[OURS]
    baseline = seconds[BASELINE]
    assert isinstance(ours_seconds, float)
    assert isinstance(baseline, float)
    print(f"\n{rows:,} rows, 20 checks (14 row, 2 unique, 1 foreign key, 3 dataset)")
    print(f"interleaved in one process: {', '.join(together)}\n")
    print(
        f"{'approach':38} {'seconds':>9} {'rows/s':>12} "
        f"{'vs this project':>16} {'vs no checks':>13}"
    )
    for name, value in seconds.items():
        if isinstance(value, str):
            print(f"{name:38} {value}")
            continue
        # Splits are compared with this project's split, everything else with its annotation.
        same_mode = seconds[OURS_SPLIT] if "split" in name else ours_seconds
        assert isinstance(same_mode, float)
        print(
            f"{name:38} {value:9.2f} {rows / value:12,.0f} "
            f"{value / same_mode:15.2f}x {value / baseline:12.2f}x"
        )


if __name__ == "__main__":
    main()
