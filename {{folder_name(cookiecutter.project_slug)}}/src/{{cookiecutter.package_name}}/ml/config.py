"""Names and settings shared by the ML modules: tables, model, feature columns, horizons."""

from __future__ import annotations

import re
from dataclasses import dataclass

NAME_PATTERN = re.compile(r"^[a-z_][a-z0-9_]*$")

ORDERS_TABLE = "silver_orders"
FEATURE_TABLE = "ml_customer_features"
PREDICTIONS_TABLE = "ml_customer_predictions"
MONITORING_TABLE = "ml_monitoring_metrics"
DEFAULT_MODEL = "customer_repurchase"

# The model's inputs, in the order it sees them; every one is known at the cutoff (as_of).
FEATURE_COLUMNS: tuple[str, ...] = (
    "orders",
    "lifetime_revenue",
    "average_order_value",
    "days_since_last_order",
    "days_since_first_order",
    "orders_last_90_days",
)
KEY_COLUMNS: tuple[str, ...] = ("customer_id", "as_of")
LABEL_COLUMN = "ordered_again"


@dataclass(frozen=True)
class MlConfig:
    """Where the ML jobs read and write, and what they predict.

    `horizon_days`: the label is whether a customer places a (not cancelled) order within this
    many days after the cutoff. `cutoff_step_days`: the distance between training cutoffs.
    """

    catalog: str
    schema: str
    model: str = DEFAULT_MODEL
    horizon_days: int = 90
    cutoff_step_days: int = 30

    def __post_init__(self) -> None:
        for field in ("catalog", "schema", "model"):
            value = getattr(self, field)
            if not NAME_PATTERN.match(value):
                raise ValueError(
                    f"{field} {value!r} is not a valid Unity Catalog name: use lowercase "
                    "letters, digits and underscores, not starting with a digit"
                )
        for field in ("horizon_days", "cutoff_step_days"):
            if getattr(self, field) < 1:
                raise ValueError(f"{field} must be at least 1 day, got {getattr(self, field)}")

    def table(self, name: str) -> str:
        """The fully qualified name of one of the project's tables."""
        return f"{self.catalog}.{self.schema}.{name}"

    @property
    def model_name(self) -> str:
        """The registered model's three-level Unity Catalog name (catalog.schema.model)."""
        return self.table(self.model)
