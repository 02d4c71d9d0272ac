"""The engine: plan every rule of a table into one pass, annotate rows, collect metrics.

The split follows Deequ: analyzers compute metrics, constraints assert on them. The plan is

1. per distinct foreign key (reference table, key columns), a broadcast of the reference's
   distinct keys when the reference is known to be small, else the input's distinct keys
   that the reference lacks (an anti join of keys only), broadcast back to the rows;
2. for uniqueness rules, one job that counts every key set over windows (key sets that
   contain the narrowest one share its shuffle); for a key set that a grouped aggregate
   also uses, one group-by; both shuffle only keys and values, and the groups that fail are
   broadcast back to the rows, so whole rows are never shuffled;
3. one projection with every row check, each written as Spark SQL text (see `sql`), before
   the lookups of 1 and 2, and one with every keyed check after them;
4. `observe` after each of the two projections, which computes every count and dataset
   aggregate while the caller's own action (a write) runs, so metrics cost no extra scan;
   identical aggregates are computed once;
5. `_errors` and `_warnings`: arrays of (rule, dimension, message), empty when a row passes.

Nothing runs until the caller acts on `CheckedData.annotated` (or uses `run.run_checks`).
Cross-table rules aggregate each reference table once, all its rules fused, when results are read.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import count
from typing import Any

from pyspark.errors import AnalysisException
from pyspark.sql import Column, DataFrame, Observation, SparkSession, Window
from pyspark.sql import functions as sf
from pyspark.sql.types import StructType

from .checks import describe_bounds, row_failure, within
from .dataset import evaluate_dataset_rule
from .metrics import VOLUME_RULE, RuleResult, Status, row_status, threshold_text
from .rules import Aggregate, Criticality, ForeignKey, Rule, RuleFileError, RuleSet, Unique
from .sql import all_of, any_of, concat, identifier, is_true, shown, string

ERRORS = "_errors"
WARNINGS = "_warnings"
ANNOTATION = "array<struct<rule:string,dimension:string,message:string>>"
_HELPER = "__dq_"
# A reference table up to this size (its key columns, as Spark estimates them, or the whole
# Delta table) is broadcast to the rows as it is; Spark's own broadcast limit is 8 GiB.
BROADCAST_REFERENCE_BYTES = 64 * 1024 * 1024


def aggregate(function: str, column: str | None, condition: str | None) -> str:
    """SQL for `function(column)` over the rows where `condition` holds (all rows without one).
    `function` is one that rule files accept: count, sum, avg, min, max or stddev."""
    value = identifier(column) if column else "1"
    if condition is not None:
        value = f"CASE WHEN {condition} THEN {value} END"
    return f"{function}({value})"


class _Metrics:
    """Aggregates for `observe`, each computed once however many rules ask for it."""

    def __init__(self, prefix: str = "m") -> None:
        self._prefix = prefix
        self._aliases: dict[str, str] = {}

    def add(self, expression: str) -> str:
        """The alias of the aggregate `expression` (SQL), added on first use."""
        return self._aliases.setdefault(expression, f"{self._prefix}{len(self._aliases)}")

    @property
    def columns(self) -> list[Column]:
        return [sf.expr(expression).alias(alias) for expression, alias in self._aliases.items()]


@dataclass
class _RowPlan:
    """What the projection computes for one row-level or keyed rule."""

    rule: Rule
    fail_column: str
    message: str
    tested_metric: str = ""
    failed_metric: str = ""


def _filter_of(rule: Rule) -> str | None:
    return is_true(rule.filter) if rule.filter else None


def _counted_for_uniqueness(check: Unique, condition: str | None) -> str:
    """Rows a uniqueness rule counts: those in its filter, without null keys when nulls are
    distinct (two rows with a null key are not duplicates, as in SQL)."""
    counted = [condition] if condition is not None else []
    if check.nulls_distinct:
        counted += [f"{identifier(column)} IS NOT NULL" for column in check.columns()]
    return all_of(counted)


def _keys_shown(columns: list[str]) -> str:
    """`(a, b) = (` and the row's values of those columns, for a message."""
    values = ", ".join(shown(identifier(column)) for column in columns)
    return concat(string(f"({', '.join(columns)}) = ("), f"concat_ws(', ', {values})")


def _column(name: str) -> Column:
    """The column called `name`, even with a dot or a backtick in the name."""
    return sf.col(identifier(name))


def _resolve(name: str, columns: list[str]) -> str | None:
    """The DataFrame's spelling of `name` (Spark resolves column names case-insensitively)."""
    lowered = {column.lower(): column for column in columns}
    return lowered.get(name.lower())


class QualityEngine:
    """Applies rule sets to DataFrames. Reference tables come from `references` or the catalog."""

    def __init__(
        self,
        spark: SparkSession | None = None,
        references: Mapping[str, DataFrame] | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._spark = spark
        self._references = dict(references or {})
        self._clock = clock

    def reference(self, name: str) -> DataFrame:
        """A reference table: the one given to the engine, else `spark.table(name)`."""
        if name in self._references:
            return self._references[name]
        spark = self._spark or SparkSession.getActiveSession()
        assert spark is not None, "no Spark session to read reference tables with"
        try:
            return spark.table(name)
        except AnalysisException as error:
            raise RuleFileError(f"reference table {name!r} cannot be read: {error}") from None

    def is_small(self, name: str, keys: DataFrame) -> bool:
        """Whether the reference `name`, read as `keys` (its key columns), can be broadcast:
        Spark's own size estimate where the client can read it (classic Spark), else the
        size Delta records for a catalog table (Spark Connect, serverless). Unknown: no."""
        size = _estimated_bytes(keys)
        if size is None and name not in self._references:
            size = _delta_table_bytes(self._spark or keys.sparkSession, name)
        return size is not None and size <= BROADCAST_REFERENCE_BYTES

    def apply(
        self,
        df: DataFrame,
        rule_set: RuleSet,
        *,
        table_name: str | None = None,
        run_id: str | None = None,
    ) -> CheckedData:
        """Plan the checks on `df`; returns the annotated frame and, after an action, results."""
        table = table_name or rule_set.table or "dataframe"
        _validate_against(df, rule_set, table, self)
        planner = _Planner(df, rule_set, self)
        annotated, observations, plans, dataset_metrics, volume, quarantined = planner.plan()
        return CheckedData(
            annotated=annotated,
            rule_set=rule_set,
            table_name=table,
            run_id=run_id or uuid.uuid4().hex,
            run_time=self._clock(),
            engine=self,
            schema=df.schema,
            _observations=observations,
            _row_plans=plans,
            _dataset_metrics=dataset_metrics,
            _volume_metric=volume,
            _quarantined_metric=quarantined,
        )


def _estimated_bytes(frame: DataFrame) -> int | None:
    """Spark's estimate of `frame`'s size, or None where the plan is not reachable from Python
    (Spark Connect keeps it on the server)."""
    jdf = getattr(frame, "_jdf", None)
    if jdf is None:
        return None
    return int(jdf.queryExecution().optimizedPlan().stats().sizeInBytes())


def _delta_table_bytes(spark: SparkSession, name: str) -> int | None:
    """The size of the Delta table `name` from its own statistics (`DESCRIBE DETAIL`), which
    every compute answers without scanning; None for a table that is not Delta."""
    try:
        detail = spark.sql(f"DESCRIBE DETAIL {name}").select("format", "sizeInBytes").first()
    except AnalysisException:
        return None
    if detail is None or detail["format"] != "delta" or detail["sizeInBytes"] is None:
        return None
    return int(detail["sizeInBytes"])


def _validate_against(df: DataFrame, rule_set: RuleSet, table: str, engine: QualityEngine) -> None:
    """Every column, filter and expression the rules use exists in `df`; else one clear error."""
    problems: list[str] = []
    columns = df.columns  # one round trip to Spark, not one per rule
    for rule in rule_set.rules:
        if rule.check.type == "schema":
            continue
        for column in rule.check.columns():
            if _resolve(column, columns) is None:
                problems.append(
                    f"rule {rule.name!r}: column {column!r} is not in {table} "
                    f"(columns: {', '.join(columns)})"
                )
        expressions = [("filter", rule.filter)]
        if rule.check.type == "expression":
            expressions.append(("check.expression", rule.check.expression))
        for field_name, text in expressions:
            if text is None:
                continue
            try:
                # `.schema` analyses the expression on Spark Connect too, where `select` is lazy.
                df.select(sf.expr(text)).schema  # noqa: B018
            except Exception as error:
                first_line = str(error).strip().splitlines()[0]
                problems.append(
                    f"rule {rule.name!r}: {field_name} {text!r} is invalid: {first_line}"
                )
        if isinstance(rule.check, ForeignKey):
            reference = engine.reference(rule.check.reference)
            for column in rule.check.referenced():
                if _resolve(column, reference.columns) is None:
                    problems.append(
                        f"rule {rule.name!r}: column {column!r} is not in reference "
                        f"{rule.check.reference} (columns: {', '.join(reference.columns)})"
                    )
    if problems:
        raise RuleFileError(
            f"{rule_set.source}: rules do not fit {table}:\n  " + "\n  ".join(problems)
        )


class _Planner:
    """Builds the single-pass plan for one DataFrame and rule set."""

    def __init__(self, df: DataFrame, rule_set: RuleSet, engine: QualityEngine) -> None:
        self._df = df
        self._rule_set = rule_set
        self._engine = engine
        self._names = count()

    def _helper(self, kind: str) -> str:
        return f"{_HELPER}{kind}{next(self._names)}"

    def _join_foreign_keys(self, df: DataFrame) -> tuple[DataFrame, dict[tuple[Any, ...], str]]:
        """One lookup per distinct (reference, columns, reference columns); returns the frame
        and, per lookup, SQL that is true on rows whose key the reference lacks.

        A reference whose key columns Spark knows to be small is broadcast to the rows as it
        is (one small job on the reference). Any other reference is compared with the input's
        distinct keys first, so whole rows are never shuffled whatever either table's size.
        """
        missing: dict[tuple[Any, ...], str] = {}
        for rule in self._rule_set.rules:
            check = rule.check
            if not isinstance(check, ForeignKey):
                continue
            key = (check.reference, tuple(check.columns()), tuple(check.referenced()))
            if key in missing:
                continue
            ref_keys = [self._helper("key") for _ in check.referenced()]
            reference = self._engine.reference(check.reference).select(
                *[_column(c).alias(k) for c, k in zip(check.referenced(), ref_keys, strict=True)]
            )
            if self._engine.is_small(check.reference, reference):
                df, missing[key] = self._join_reference(df, check, reference, ref_keys)
            else:
                df, missing[key] = self._join_missing_keys(df, check, reference, ref_keys)
        return df, missing

    def _join_reference(
        self, df: DataFrame, check: ForeignKey, reference: DataFrame, ref_keys: list[str]
    ) -> tuple[DataFrame, str]:
        """The reference's distinct keys broadcast to the rows (distinct: no row is doubled)."""
        found = self._helper("found")
        keys = reference.distinct().withColumn(found, sf.lit(True))
        condition = [
            _column(column) == sf.col(k)
            for column, k in zip(check.columns(), ref_keys, strict=True)
        ]
        df = df.join(sf.broadcast(keys), on=condition, how="left").drop(*ref_keys)
        return df, f"{identifier(found)} IS NULL"

    def _join_missing_keys(
        self, df: DataFrame, check: ForeignKey, reference: DataFrame, ref_keys: list[str]
    ) -> tuple[DataFrame, str]:
        """The input's distinct keys that the reference lacks (an anti join of keys only),
        broadcast back to the rows: the marker is true on rows whose key is missing."""
        marker = self._helper("missing")
        keys = [self._helper("key") for _ in check.columns()]
        present = sf.lit(True)
        for column in check.columns():
            present = present & _column(column).isNotNull()
        absent = (
            self._df.filter(present)
            .select(*[_column(c).alias(k) for c, k in zip(check.columns(), keys, strict=True)])
            .distinct()
            .join(
                reference,
                on=[sf.col(k) == sf.col(r) for k, r in zip(keys, ref_keys, strict=True)],
                how="left_anti",
            )
            .withColumn(marker, sf.lit(True))
        )
        condition = [
            _column(column) == sf.col(k) for column, k in zip(check.columns(), keys, strict=True)
        ]
        df = df.join(sf.broadcast(absent), on=condition, how="left").drop(*keys)
        return df, f"{identifier(marker)} IS NOT NULL"

    def _join_key_sets(self, df: DataFrame) -> tuple[DataFrame, dict[str, str]]:
        """Per distinct key set, one aggregation for the uniqueness and grouped-aggregate
        rules on it; only the groups that fail some rule are broadcast back to the rows.

        Key sets that only uniqueness rules use are counted together (see `_duplicated_keys`);
        a key set that a grouped aggregate also uses shares its group-by. Keys and values are
        shuffled, never whole rows. Returns the frame with one helper column per rule (null
        on rows of groups that fail no rule).
        """
        by_keys: dict[tuple[str, ...], list[Rule]] = {}
        for rule in self._rule_set.rules:
            if isinstance(rule.check, Unique):
                by_keys.setdefault(tuple(rule.check.columns()), []).append(rule)
            elif isinstance(rule.check, Aggregate) and rule.check.group_by:
                by_keys.setdefault(tuple(rule.check.group_by), []).append(rule)
        values: dict[str, str] = {}
        uniqueness_only: dict[tuple[str, ...], list[Rule]] = {}
        for keys, rules in by_keys.items():
            names = {rule.name: self._helper("group") for rule in rules}
            values.update(names)
            if all(isinstance(rule.check, Unique) for rule in rules):
                uniqueness_only[keys] = rules
                continue
            key_names = [self._helper("key") for _ in keys]
            failing = self._failing_groups(keys, key_names, rules, names)
            df = self._join_back(df, failing, dict(zip(keys, key_names, strict=True)))
        if uniqueness_only:
            key_names = {column: self._helper("key") for keys in uniqueness_only for column in keys}
            failing = self._duplicated_keys(uniqueness_only, key_names, values)
            df = self._join_back(df, failing, key_names)
        return df, values

    @staticmethod
    def _join_back(df: DataFrame, failing: DataFrame, key_names: dict[str, str]) -> DataFrame:
        """`df` with the columns of `failing` on rows whose keys match (nulls match nulls)."""
        condition = [_column(key).eqNullSafe(sf.col(name)) for key, name in key_names.items()]
        return df.join(sf.broadcast(failing), on=condition, how="left").drop(*key_names.values())

    def _failing_groups(
        self, keys: tuple[str, ...], key_names: list[str], rules: list[Rule], names: dict[str, str]
    ) -> DataFrame:
        """The groups of `keys` that fail some rule, by a group-by on the input: its partial
        aggregation shrinks what is shuffled when groups are large, as grouped aggregates'
        groups usually are."""
        aggregates: list[Column] = []
        fails: list[str] = []
        for rule in rules:
            name, condition, check = names[rule.name], _filter_of(rule), rule.check
            if isinstance(check, Unique):
                counted = _counted_for_uniqueness(check, condition)
                aggregates.append(sf.expr(f"count_if({counted})").alias(name))
                fails.append(f"{identifier(name)} > 1")
            else:
                assert isinstance(check, Aggregate)
                value = aggregate(check.function, check.column, condition)
                aggregates.append(sf.expr(value).alias(name))
                fails.append(f"NOT ({within(identifier(name), check.min, check.max)})")
        return (
            self._df.groupBy(
                *[_column(key).alias(name) for key, name in zip(keys, key_names, strict=True)]
            )
            .agg(*aggregates)
            .filter(sf.expr(is_true(any_of(fails))))
        )

    def _duplicated_keys(
        self,
        key_sets: dict[tuple[str, ...], list[Rule]],
        key_names: dict[str, str],
        names: dict[str, str],
    ) -> DataFrame:
        """The rows (keys only) that some uniqueness rule finds more than once, one row per
        combination of every key column, with each rule's count of its key.

        Keys under a uniqueness rule are expected to be (nearly) unique, so a partial
        aggregation would shrink nothing and only pay for its hash map: shuffling the keys,
        sorting them and counting runs of equal keys over a window costs about half as much.
        The windows run narrowest key set first: Spark then shuffles once, by that set, for
        every key set that contains it, and only sorts for those. Rows that no rule counts
        (null keys, rows outside every filter) are dropped before the shuffle.
        """
        counted = {
            rule.name: _counted_for_uniqueness(rule.check, _filter_of(rule))  # type: ignore[arg-type]
            for rules in key_sets.values()
            for rule in rules
        }
        rows = self._df.filter(sf.expr(any_of(list(counted.values())))).select(
            *[_column(key).alias(name) for key, name in key_names.items()],
            *[sf.expr(condition).alias(names[rule]) for rule, condition in counted.items()],
        )
        for keys in sorted(key_sets, key=len):
            by_key = Window.partitionBy(*[key_names[key] for key in keys])
            rows = rows.withColumns(
                {
                    names[rule.name]: sf.count_if(sf.col(names[rule.name])).over(by_key)
                    for rule in key_sets[keys]
                }
            )
        failing_group = any_of([f"{identifier(names[rule])} > 1" for rule in counted])
        return rows.filter(sf.expr(failing_group)).dropDuplicates(list(key_names.values()))

    def _keyed_failure(
        self,
        rule: Rule,
        condition: str | None,
        missing: dict[tuple[Any, ...], str],
        group_values: dict[str, str],
    ) -> tuple[str, str]:
        """(fails, message) as SQL for a rule that compares a row with other rows."""
        check = rule.check
        in_scope = [condition] if condition is not None else []
        if isinstance(check, Unique):
            rows = identifier(group_values[rule.name])
            counted = _counted_for_uniqueness(check, condition)
            fails = f"({counted}) AND coalesce({rows} > 1, FALSE)"
            message = concat(
                _keys_shown(check.columns()),
                string(") is not unique: "),
                f"CAST({rows} AS STRING)",
                string(" rows share it"),
            )
            return fails, message
        if isinstance(check, ForeignKey):
            absent = missing[(check.reference, tuple(check.columns()), tuple(check.referenced()))]
            present = [f"{identifier(column)} IS NOT NULL" for column in check.columns()]
            fails = all_of([*in_scope, *present, absent])
            referenced = f"{check.reference}({', '.join(check.referenced())})"
            message = concat(_keys_shown(check.columns()), string(f") not found in {referenced}"))
            return fails, message
        assert isinstance(check, Aggregate)
        value = identifier(group_values[rule.name])
        outside = f"coalesce(NOT ({within(value, check.min, check.max)}), FALSE)"
        label = f"{check.function}({check.column or '*'})"
        message = concat(
            string(f"{label} = "),
            shown(value),
            string(" for "),
            _keys_shown(check.group_by),
            string(f") is not {describe_bounds(check.min, check.max)}"),
        )
        return all_of([*in_scope, outside]), message

    def plan(self) -> tuple[DataFrame, list[Observation], list[_RowPlan], dict[str, str], str, str]:
        """The annotated frame, its observations, the rules' plans and the metric aliases.

        Row checks are computed and counted before the lookups, keyed checks after them:
        each `observe` ends a stage of generated code, and one stage with every check and
        lookup outgrows the method size the JVM compiles (8,000 bytes of bytecode), which
        leaves it interpreted and several times slower.
        """
        plans = [
            _RowPlan(rule, self._helper("fail"), "")
            for rule in self._rule_set.rules
            if rule.level != "dataset"
        ]
        row_plans = [plan for plan in plans if plan.rule.level == "row"]
        keyed_plans = [plan for plan in plans if plan.rule.level != "row"]
        row_metrics, keyed_metrics = _Metrics("r"), _Metrics("k")
        volume = row_metrics.add("count(1)")
        dataset_metrics = self._dataset_metrics(row_metrics)

        flags = [self._row_flag(plan) for plan in row_plans]
        df, row_observation = self._observed(self._df.select("*", *flags), row_plans, row_metrics)
        df, missing = self._join_foreign_keys(df)
        df, group_values = self._join_key_sets(df)
        flags = [self._keyed_flag(plan, missing, group_values) for plan in keyed_plans]
        errors = [plan for plan in plans if plan.rule.criticality is Criticality.ERROR]
        quarantined = keyed_metrics.add(f"count_if({_any_flag(errors)})")
        df, keyed_observation = self._observed(df.select("*", *flags), keyed_plans, keyed_metrics)
        annotated = df.select(
            *[_column(c) for c in self._df.columns],
            self._annotation(plans, Criticality.ERROR).alias(ERRORS),
            self._annotation(plans, Criticality.WARN).alias(WARNINGS),
        )
        observations = [row_observation, keyed_observation]
        return annotated, observations, plans, dataset_metrics, volume, quarantined

    def _row_flag(self, plan: _RowPlan) -> Column:
        fails, plan.message = row_failure(plan.rule.check)  # type: ignore[arg-type]
        condition = _filter_of(plan.rule)
        if condition is not None:
            fails = all_of([condition, fails])
        return sf.expr(fails).alias(plan.fail_column)

    def _keyed_flag(
        self, plan: _RowPlan, missing: dict[tuple[Any, ...], str], group_values: dict[str, str]
    ) -> Column:
        condition = _filter_of(plan.rule)
        fails, plan.message = self._keyed_failure(plan.rule, condition, missing, group_values)
        return sf.expr(fails).alias(plan.fail_column)

    def _observed(
        self, df: DataFrame, plans: list[_RowPlan], metrics: _Metrics
    ) -> tuple[DataFrame, Observation]:
        """`df` observed with `metrics` plus each plan's tested and failed row counts."""
        for plan in plans:
            condition = _filter_of(plan.rule)
            plan.tested_metric = metrics.add(
                f"count_if({condition})" if condition is not None else "count(1)"
            )
            plan.failed_metric = metrics.add(f"count_if({identifier(plan.fail_column)})")
        observation = Observation(self._helper("metrics"))
        return df.observe(observation, *metrics.columns), observation

    def _annotation(self, plans: list[_RowPlan], criticality: Criticality) -> Column:
        """The array of (rule, dimension, message) for the failing rules of `criticality`.

        Built only for rows that fail at least one rule: passing rows, the vast majority, get
        the shared empty array after one OR over the flags. The lambda of `filter` keeps this
        projection out of whole-stage code generation, so Spark compiles it in small methods
        (one method with every rule's message would be too large for the JVM to compile).
        """
        empty = f"CAST(array() AS {ANNOTATION})"
        chosen = [plan for plan in plans if plan.rule.criticality is criticality]
        if not chosen:
            return sf.expr(empty)
        entries = [
            f"CASE WHEN {identifier(plan.fail_column)} THEN named_struct("
            f"'rule', {string(plan.rule.name)}, "
            f"'dimension', {string(plan.rule.dimension.value)}, "
            f"'message', {plan.message}) END"
            for plan in chosen
        ]
        failing = f"filter(array({', '.join(entries)}), e -> e IS NOT NULL)"
        annotation = f"CAST({failing} AS {ANNOTATION})"
        return sf.expr(f"CASE WHEN {_any_flag(chosen)} THEN {annotation} ELSE {empty} END")

    def _dataset_metrics(self, metrics: _Metrics) -> dict[str, str]:
        """rule name -> observe alias for the aggregate each dataset rule needs on this table."""
        aliases: dict[str, str] = {}
        for rule in self._rule_set.rules:
            if rule.level != "dataset":
                continue
            check = rule.check
            condition = _filter_of(rule)
            if check.type == "row_count":
                metric = f"count_if({condition})" if condition is not None else "count(1)"
            elif check.type == "freshness":
                newest = aggregate("max", check.column, condition)  # type: ignore[union-attr]
                metric = f"unix_micros(CAST({newest} AS TIMESTAMP))"
            elif check.type in ("aggregate", "cross_table"):
                function, column = check.function, check.column  # type: ignore[union-attr]
                metric = f"CAST({aggregate(function, column, condition)} AS DOUBLE)"
            else:
                continue
            aliases[rule.name] = metrics.add(metric)
        return aliases


def _any_flag(plans: list[_RowPlan]) -> str:
    """SQL that is true when any of the plans' rules fails the row."""
    return any_of([identifier(plan.fail_column) for plan in plans])


@dataclass
class CheckedData:
    """The checked data of one run: lazily annotated rows and, once an action ran, results.

    `annotated` carries every input column plus `_errors` and `_warnings`. Metrics are
    collected by Spark while the first action on `annotated` (or on `valid()`/`quarantine()`,
    which derive from it) runs, so call `results()` after writing; it waits for that action.
    """

    annotated: DataFrame
    rule_set: RuleSet
    table_name: str
    run_id: str
    run_time: datetime
    engine: QualityEngine
    schema: StructType
    _observations: list[Observation]
    _row_plans: list[_RowPlan]
    _dataset_metrics: dict[str, str]
    _volume_metric: str
    _quarantined_metric: str
    _cached: dict[str, Any] = field(default_factory=dict)

    def valid(self, annotated: DataFrame | None = None) -> DataFrame:
        """Rows to publish: all rows when the action is warn, else rows without errors."""
        frame = annotated if annotated is not None else self.annotated
        if self.rule_set.action.value == "warn":
            return frame
        return frame.filter(sf.size(ERRORS) == 0).drop(ERRORS)

    def quarantine(self, annotated: DataFrame | None = None) -> DataFrame:
        """Rows with at least one error, with their reasons and this run's id."""
        frame = annotated if annotated is not None else self.annotated
        return frame.filter(sf.size(ERRORS) > 0).withColumn("_run_id", sf.lit(self.run_id))

    def observed(self) -> dict[str, Any]:
        """The metrics Spark collected during the first action (waits for that action)."""
        if "observed" not in self._cached:
            self._cached["observed"] = {
                alias: value
                for observation in self._observations
                for alias, value in observation.get.items()
            }
        return self._cached["observed"]

    @property
    def rows(self) -> int:
        return int(self.observed()[self._volume_metric])

    @property
    def quarantined_rows(self) -> int:
        return int(self.observed()[self._quarantined_metric])

    def results(self) -> list[RuleResult]:
        """One result per rule plus the table's volume, in rule order."""
        if "results" in self._cached:
            return self._cached["results"]
        observed = self.observed()
        by_rule = {plan.rule.name: plan for plan in self._row_plans}
        reference_values = _reference_aggregates(self)
        results = [self._volume_result()]
        for rule in self.rule_set.rules:
            if rule.name in by_rule:
                results.append(self._row_result(by_rule[rule.name], observed))
            else:
                value = observed.get(self._dataset_metrics.get(rule.name, ""))
                outcome = evaluate_dataset_rule(
                    rule,
                    value=value,
                    schema=self.schema,
                    now=self.run_time,
                    reference_value=reference_values.get(rule.name),
                )
                results.append(
                    self._result(
                        rule,
                        rows_tested=self.rows,
                        rows_failed=None,
                        observed_value=outcome.observed,
                        threshold=outcome.bounds,
                        status=outcome.status,
                        message=outcome.message,
                    )
                )
        self._cached["results"] = results
        return results

    def _volume_result(self) -> RuleResult:
        return RuleResult(
            run_id=self.run_id,
            run_time=self.run_time,
            table_name=self.table_name,
            rule=VOLUME_RULE,
            dimension="completeness",
            check_type="volume",
            criticality="info",
            rows_tested=self.rows,
            rows_failed=None,
            observed_value=float(self.rows),
            threshold=None,
            status=Status.INFO.value,
            message=f"{self.rows} rows",
        )

    def _row_result(self, plan: _RowPlan, observed: dict[str, Any]) -> RuleResult:
        tested = int(observed[plan.tested_metric] or 0)
        failed = int(observed[plan.failed_metric] or 0)
        status = row_status(plan.rule, failed, tested)
        rate = failed / tested if tested else 0.0
        message = f"{failed} of {tested} rows failed ({100 * rate:.2f}%)"
        return self._result(
            plan.rule,
            rows_tested=tested,
            rows_failed=failed,
            observed_value=rate,
            threshold=threshold_text(plan.rule),
            status=status,
            message=message,
        )

    def _result(self, rule: Rule, **values: Any) -> RuleResult:
        return RuleResult(
            run_id=self.run_id,
            run_time=self.run_time,
            table_name=self.table_name,
            rule=rule.name,
            dimension=rule.dimension.value,
            check_type=rule.check.type,
            criticality=rule.criticality.value,
            rows_tested=values["rows_tested"],
            rows_failed=values["rows_failed"],
            observed_value=values["observed_value"],
            threshold=values["threshold"],
            status=Status(values["status"]).value,
            message=values["message"],
        )


def _reference_aggregates(checked: CheckedData) -> dict[str, Any]:
    """rule name -> the reference side of each cross-table rule: one job per reference table."""
    by_reference: dict[str, list[Rule]] = {}
    for rule in checked.rule_set.rules:
        if rule.check.type == "cross_table":
            by_reference.setdefault(rule.check.reference, []).append(rule)  # type: ignore[union-attr]
    values: dict[str, Any] = {}
    for reference, rules in by_reference.items():
        metrics = _Metrics()
        aliases = {}
        for rule in rules:
            check = rule.check
            condition = is_true(check.reference_filter) if check.reference_filter else None  # type: ignore[union-attr]
            column = check.reference_column or check.column  # type: ignore[union-attr]
            aliases[rule.name] = metrics.add(aggregate(check.function, column, condition))  # type: ignore[union-attr]
        row = checked.engine.reference(reference).agg(*metrics.columns).first()
        assert row is not None
        values.update({name: row[alias] for name, alias in aliases.items()})
    return values
