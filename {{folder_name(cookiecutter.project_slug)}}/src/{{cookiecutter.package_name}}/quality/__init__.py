"""Data quality for Spark tables: rules, one-pass checks, quarantine, metrics, profiling.

    from my_package.quality import QualityEngine, load_rules, run_checks

    rules = load_rules("quality/rules/silver_orders.yml")
    outcome = run_checks(spark.table("silver_orders"), rules,
                         quarantine_to="silver_orders_quarantine", metrics_to="quality_metrics")

See README.md (Data quality) for the rule format and the command line.
"""

from .engine import ERRORS, WARNINGS, CheckedData, QualityEngine
from .metrics import RuleResult, Status, dimension_scores
from .rules import (
    Action,
    Criticality,
    Dimension,
    Rule,
    RuleFileError,
    RuleSet,
    dump_rules,
    load_rules,
    parse_rules,
)
from .run import QualityGateError, RunOutcome, run_checks

__all__ = [
    "ERRORS",
    "WARNINGS",
    "Action",
    "CheckedData",
    "Criticality",
    "Dimension",
    "QualityEngine",
    "QualityGateError",
    "Rule",
    "RuleFileError",
    "RuleResult",
    "RuleSet",
    "RunOutcome",
    "Status",
    "dimension_scores",
    "dump_rules",
    "load_rules",
    "parse_rules",
    "run_checks",
]
