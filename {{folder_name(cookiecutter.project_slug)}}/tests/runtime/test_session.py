"""Local session start-up: Delta jars from Maven Central only, the JVM's start-up output in a
log file (or on the console with verbose), one line on the first download, and a failed start
that shows the log. The JVM launcher is faked: the suite's one real session is reused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyspark
import pyspark.java_gateway
import pytest
from pyspark.errors import PySparkRuntimeError
from pyspark.sql import SparkSession

from {{ cookiecutter.package_name }}.runtime import session


def test_jars_come_from_maven_central_only(tmp_path: Path) -> None:
    settings = session.ivy_settings(tmp_path)

    text = settings.read_text()
    assert 'root="https://repo1.maven.org/maven2/"' in text
    assert text.count("<ibiblio") == 1
    assert "spark-packages" not in text
    # Written once: a second call leaves the file as it is.
    modified = settings.stat().st_mtime_ns
    assert session.ivy_settings(tmp_path) == settings
    assert settings.stat().st_mtime_ns == modified


def test_local_conf_names_the_delta_jar_the_settings_and_the_catalog(tmp_path: Path) -> None:
    conf = session.local_conf(tmp_path / "warehouse", "local[2]", persistent_catalog=True)

    delta = session.version("delta-spark")
    assert conf["spark.jars.packages"] == f"io.delta:delta-spark_2.13:{delta}"
    assert conf["spark.jars.ivySettings"].endswith("maven-central.xml")
    assert conf["spark.jars.ivy"] == str(session.IVY_HOME)
    assert conf["spark.sql.catalogImplementation"] == "hive"
    assert str(tmp_path / "metastore_db") in conf["spark.hadoop.javax.jdo.option.ConnectionURL"]
    assert "spark.sql.catalogImplementation" not in session.local_conf(
        tmp_path, "local[1]", persistent_catalog=False
    )


def test_jars_cached_looks_for_the_retrieved_delta_jar(tmp_path: Path) -> None:
    assert not session.jars_cached(tmp_path)
    _, artifact, release = session.delta_jar().split(":")
    (tmp_path / "jars").mkdir()
    (tmp_path / "jars" / f"io.delta_{artifact}-{release}.jar").write_bytes(b"")
    assert session.jars_cached(tmp_path)


class FakeLauncher:
    """Stands in for pyspark's JVM launcher and SparkContext; records how they were called."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *, fails: bool = False) -> None:
        self.launched: list[dict[str, Any]] = []
        self.contexts: list[dict[str, Any]] = []
        self.fails = fails
        monkeypatch.setattr(pyspark.java_gateway, "launch_gateway", self.launch)
        monkeypatch.setattr(pyspark, "SparkContext", self.context)

    def launch(self, conf: Any, popen_kwargs: dict[str, Any]) -> str:
        popen_kwargs["stdout"].write(":: resolution report ::\nWARN NativeCodeLoader\n")
        popen_kwargs["stdout"].flush()
        self.launched.append(popen_kwargs)
        if self.fails:
            raise PySparkRuntimeError(errorClass="JAVA_GATEWAY_EXITED", messageParameters={})
        return "gateway"

    def context(self, **kwargs: Any) -> None:
        self.contexts.append(kwargs)


def test_start_up_output_goes_to_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    fake = FakeLauncher(monkeypatch)
    log = tmp_path / "local" / "spark-driver.log"

    session._start_jvm({"spark.master": "local[1]"}, log)

    assert "resolution report" in log.read_text()
    assert capfd.readouterr() == ("", "")
    assert [context["gateway"] for context in fake.contexts] == ["gateway"]


def test_verbose_start_keeps_the_console(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeLauncher(monkeypatch)

    session._start_jvm({"spark.master": "local[1]"}, None)

    assert fake.launched == []
    assert len(fake.contexts) == 1
    assert "gateway" not in fake.contexts[0]


def test_a_failed_start_shows_the_end_of_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    FakeLauncher(monkeypatch, fails=True)
    log = tmp_path / "spark-driver.log"

    with pytest.raises(RuntimeError, match="local Spark did not start") as failure:
        session._start_jvm({"spark.master": "local[1]"}, log)

    assert str(log) in str(failure.value)
    assert "WARN NativeCodeLoader" in str(failure.value)


def test_the_first_start_says_that_it_downloads_the_jars(
    spark: SparkSession,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    started: list[Path | None] = []
    monkeypatch.setattr(SparkSession, "getActiveSession", staticmethod(lambda: None))
    monkeypatch.setattr(session, "jars_cached", lambda: False)
    monkeypatch.setattr(session, "_start_jvm", lambda conf, log: started.append(log))

    assert session.local_spark(tmp_path / "warehouse") is spark

    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "Downloading the Delta Lake jars" in err
    assert "from Maven Central; only the first run does this." in err
    assert started == [tmp_path / "spark-driver.log"]


def test_a_running_session_is_reused(spark: SparkSession) -> None:
    assert session.local_spark() is spark


def test_vacuum_lists_a_small_table_in_one_task(spark: SparkSession) -> None:
    spark.sql("CREATE SCHEMA IF NOT EXISTS session_vacuum")
    spark.sql("CREATE OR REPLACE TABLE session_vacuum.t (id INT) USING delta")
    spark.sql("INSERT INTO session_vacuum.t VALUES (1), (2)")
    context = spark.sparkContext
    context.setJobGroup("vacuum", "VACUUM of a two-row table")
    try:
        spark.sql("VACUUM session_vacuum.t RETAIN 168 HOURS").collect()
    finally:
        context.setLocalProperty("spark.jobGroup.id", None)
    tracker = context.statusTracker()
    stages = [
        stage
        for job in tracker.getJobIdsForGroup("vacuum")
        for stage in tracker.getJobInfo(job).stageIds
    ]
    # A skipped stage ran no task; the status store also evicts skipped stages first once a
    # long suite passes its retention limit, and then has no info for them at all.
    infos = [tracker.getStageInfo(stage) for stage in stages]
    tasks = [info.numTasks for info in infos if info is not None and info.numCompletedTasks]
    assert tasks, f"no stage of VACUUM ran: {stages}"
    assert max(tasks) == 1, tasks
