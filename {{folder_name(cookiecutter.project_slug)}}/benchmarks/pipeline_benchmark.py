"""How the medallion job's local run time grows with data: 1x, 10x and 100x.

Generates landing files shaped like fixtures/landing (the same three entities, columns, file
batches and kinds of defects: missing keys, values that do not parse, duplicates, updates, late
and out-of-order records, an unknown extra column, malformed lines) at each scale, runs the
real job from resources/medallion.job.yml through the local job runner, and prints wall time
per task and landing rows per second, with ratios against the 1x run of the same invocation.
It then fits seconds = fixed + rows x per-row cost over the sizes, and says how rows/s grows
with size, so the fixed cost of a run and its cost per row are both visible.
1x is 10,000 order lines (with --base-orders); 100x is then 1,000,000 order lines.

    uv run python benchmarks/pipeline_benchmark.py                  # 1x, 10x, 100x
    uv run python benchmarks/pipeline_benchmark.py --scales 1,10    # quicker

A first, unreported run over fixtures/landing warms the JVM up, so 1x is not charged for it.
This is a benchmark, not a test: it asserts nothing and is not collected by pytest.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from {{ cookiecutter.package_name }}.runtime import local_spark
from {{ cookiecutter.package_name }}.runtime.bundle import (
    load_bundle,
)
from {{ cookiecutter.package_name }}.runtime.jobs import (
    LocalJobRunner,
)
from {{ cookiecutter.package_name }}.runtime.volumes import (
    LocalVolumes,
)

PROJECT_ROOT = Path(__file__).resolve().parents[1]

REGIONS = ("AMER", "APAC", "EMEA")
CATEGORIES = ("Kitchen", "Accessories", "Coffee", "Tea")
ORDER_COLUMNS = [
    "order_id", "customer_id", "product_id", "quantity", "unit_price", "status", "order_ts",
    "updated_at",
]  # fmt: skip
START = datetime(2024, 2, 26)


@dataclass(frozen=True)
class Generated:
    landing_rows: int
    orders: int
    customers: int
    products: int


def stamp(moment: datetime, *, iso: bool = False) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S" if iso else "%Y-%m-%d %H:%M:%S")


def write_csv(path: Path, header: list[str], rows: list[list[str]], malformed: list[str]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
        for line in malformed:
            handle.write(line + "\n")
    return len(rows) + len(malformed)


def write_json(path: Path, records: list[dict], malformed: list[str]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record) + "\n")
        for line in malformed:
            handle.write(line + "\n")
    return len(records) + len(malformed)


def generate(landing: Path, orders: int, seed: int = 7) -> Generated:
    """Landing files for `orders` order lines, with the fixtures' kinds of defects."""
    rng = random.Random(seed)  # noqa: S311 (reproducible sample data, not secrets)
    customers, products = max(10, orders // 10), max(20, orders // 200)
    written = 0

    prices = {f"P{n:06d}": round(rng.uniform(2, 300), 2) for n in range(products)}
    first = [
        ["" if rng.random() < 0.01 else pid, f"Product {pid}", rng.choice(CATEGORIES).lower(),
         "n/a" if rng.random() < 0.01 else f"{price:.2f}", stamp(START)]
        for pid, price in prices.items()
    ]  # fmt: skip
    changed = [
        [pid, f"Product {pid}", "Kitchen", f"{price * 0.9:.2f}", stamp(START + timedelta(days=6))]
        for pid, price in prices.items()
        if rng.random() < 0.1
    ]
    duplicates = [row for row in first if rng.random() < 0.02]
    header = ["product_id", "name", "category", "list_price", "updated_at"]
    written += write_csv(landing / "products" / "products_001.csv", header, first, [])
    written += write_csv(
        landing / "products" / "products_002.csv", header, changed + duplicates, []
    )

    def customer(n: int, region: str, when: datetime, email: str | None = None) -> dict:
        return {
            "customer_id": f"C{n:07d}",
            "name": f"Customer {n}",
            "email": email or f" Customer.{n}@Example.com ",
            "region": region.lower() if n % 7 == 0 else region,
            "updated_at": stamp(when, iso=True),
        }

    regions = {n: rng.choice(REGIONS) for n in range(customers)}
    batch1 = [customer(n, region, START) for n, region in regions.items()]
    for record in batch1[:: max(1, customers // 100)]:
        record["customer_id"] = None
    batch2 = [
        customer(n, rng.choice(REGIONS), START + timedelta(days=6))
        for n in range(customers)
        if rng.random() < 0.1
    ]
    for record in batch2[:: max(1, len(batch2) // 10 or 1)]:
        record["loyalty_tier"] = "gold"
    bad_emails = [customer(n, "AMER", START, "broken@example") for n in range(customers // 100)]
    batch3 = [
        customer(n, regions[n], START + timedelta(days=4, hours=12), f"late.{n}@example.com")
        for n in range(customers)
        if rng.random() < 0.05
    ]
    bad_times = [
        dict(customer(n, "EMEA", START), updated_at="not a date") for n in range(customers // 100)
    ]
    broken = ['{"customer_id": "C9999999", "name": "Broken'] * max(1, customers // 200)
    written += write_json(landing / "customers" / "customers_001.json", batch1, [])
    written += write_json(landing / "customers" / "customers_002.json", batch2 + bad_emails, broken)
    written += write_json(landing / "customers" / "customers_003.json", batch3 + bad_times, [])

    product_ids = list(prices)
    lines: list[list[str]] = []
    for n in range(orders):
        pid = rng.choice(product_ids)
        placed = START + timedelta(minutes=rng.randrange(7 * 24 * 60))
        quantity = str(rng.randint(1, 5))
        status = rng.choice(("placed", "PLACED", "Placed "))
        customer_id = f"C{rng.randrange(customers):07d}"
        row = [f"O{n:08d}", customer_id, pid, quantity, f"{prices[pid]:.2f}", status]
        row += [stamp(placed), stamp(placed)]
        defect = rng.random()
        if defect < 0.01:
            row[0] = ""
        elif defect < 0.02:
            row[3] = "two"
        elif defect < 0.025:
            row[4] = "abc"
        elif defect < 0.03:
            row[6] = "2024-13-45 10:00:00"
        elif defect < 0.035:
            row[3] = "0"
        elif defect < 0.04:
            row[5] = "returned"
        lines.append(row)
    cut1, cut2 = int(orders * 0.4), int(orders * 0.75)
    batches = [lines[:cut1], lines[cut1:cut2], lines[cut2:]]
    batches[0] += [row for row in batches[0] if rng.random() < 0.02]  # duplicates
    shipped = [
        [*row[:5], "shipped", row[6], stamp(START + timedelta(days=7))]
        for row in batches[0]
        if rng.random() < 0.1
    ]
    batches[1] += shipped
    stale = [[*row, "web"] for row in batches[0] if rng.random() < 0.02]  # late, older copies
    cancelled = [
        [*row[:5], "cancelled", row[6], stamp(START + timedelta(days=8)), "app"]
        for row in batches[1]
        if rng.random() < 0.03
    ]
    third = [[*row, rng.choice(("web", "store", "app"))] for row in batches[2]]
    malformed = ["this line is not an order at all"] * max(1, orders // 500)
    folder = landing / "orders"
    written += write_csv(folder / "orders_001.csv", ORDER_COLUMNS, batches[0], [])
    written += write_csv(folder / "orders_002.csv", ORDER_COLUMNS, batches[1], malformed)
    written += write_csv(
        folder / "orders_003.csv", [*ORDER_COLUMNS, "channel"], third + stale + cancelled, []
    )
    return Generated(written, orders, customers, products)


def run(spark: object, schema: str, fixtures: Path, work: Path) -> dict[str, float]:
    bundle = load_bundle(PROJECT_ROOT, "dev", {"schema": schema})
    runner = LocalJobRunner(
        spark,  # type: ignore[arg-type]
        bundle,
        LocalVolumes(work / schema / "volumes"),
        fixtures,
        count_rows=False,
    )
    started = time.perf_counter()
    result = runner.run("medallion", run_id=f"benchmark-{schema}")
    total = time.perf_counter() - started
    failed = [task for task in result.tasks if task.status != "succeeded"]
    if failed:
        raise SystemExit(f"{schema}: task {failed[0].key} {failed[0].status}: {failed[0].error}")
    return {**{task.key: task.seconds for task in result.tasks}, "total": total}


def fixed_and_per_row_cost(points: list[tuple[int, float]]) -> tuple[float, float]:
    """Least-squares fit of seconds = fixed + rows * per_row over (rows, seconds) points."""
    count = len(points)
    mean_rows = sum(rows for rows, _ in points) / count
    mean_seconds = sum(seconds for _, seconds in points) / count
    spread = sum((rows - mean_rows) ** 2 for rows, _ in points)
    per_row = (
        sum((rows - mean_rows) * (seconds - mean_seconds) for rows, seconds in points) / spread
    )
    return mean_seconds - per_row * mean_rows, per_row


def print_cost_split(points: list[tuple[int, float]]) -> None:
    """How rows/s grows with size: a fixed cost per run spread over rows, and a per-row cost."""
    if len({rows for rows, _ in points}) < 2:
        print("\nOne size only: run two or more --scales to split fixed and per-row cost.")
        return
    fixed, per_row = fixed_and_per_row_cost(points)
    (first_rows, first_seconds), (last_rows, last_seconds) = points[0], points[-1]
    print(
        f"\nFitted over {len(points)} sizes: {fixed:.1f} s of fixed cost per run (planning, "
        f"Delta commits, start-up of each statement) and {per_row * 1e6:.1f} µs per landing row."
        f"\nrows/s grows {first_rows / first_seconds:,.0f} -> {last_rows / last_seconds:,.0f} "
        f"({(last_rows / last_seconds) / (first_rows / first_seconds):.1f}x) as the rows grow "
        f"{last_rows / first_rows:.0f}x: the fixed cost is "
        f"{100 * fixed / first_seconds:.0f}% of the smallest run and "
        f"{100 * fixed / last_seconds:.0f}% of the largest."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="1,10,100", help="comma-separated multiples of 1x")
    parser.add_argument("--base-orders", type=int, default=10_000, help="order lines at 1x")
    parser.add_argument("--keep", action="store_true", help="keep the generated data and tables")
    arguments = parser.parse_args()
    scales = [int(scale) for scale in arguments.scales.split(",")]

    work = Path(tempfile.mkdtemp(prefix="pipeline-benchmark-"))
    spark = local_spark(work / "warehouse")
    print(f"Spark {spark.version}, {spark.sparkContext.master}, work folder {work}")
    run(spark, "bench_warmup", PROJECT_ROOT / "fixtures", work)

    rows: list[tuple[int, Generated, dict[str, float]]] = []
    for scale in scales:
        fixtures = work / f"fixtures_{scale}x"
        generated = generate(fixtures / "landing", arguments.base_orders * scale)
        timings = run(spark, f"bench_{scale}x", fixtures, work)
        rows.append((scale, generated, timings))
        print(f"{scale}x done: {generated.landing_rows:,} landing rows in {timings['total']:.1f} s")

    tasks = [key for key in rows[0][2] if key != "total"]
    base_rows, base_time = rows[0][1].landing_rows, rows[0][2]["total"]
    header = ["scale", "landing rows", *(f"{task} s" for task in tasks), "total s", "rows/s",
              "rows x", "time x"]  # fmt: skip
    print("\n| " + " | ".join(header) + " |")
    print("|" + "|".join("---:" for _ in header) + "|")
    for scale, generated, timings in rows:
        cells = [
            f"{scale}x",
            f"{generated.landing_rows:,}",
            *(f"{timings[task]:.1f}" for task in tasks),
            f"{timings['total']:.1f}",
            f"{generated.landing_rows / timings['total']:,.0f}",
            f"{generated.landing_rows / base_rows:.1f}",
            f"{timings['total'] / base_time:.2f}",
        ]
        print("| " + " | ".join(cells) + " |")
    print_cost_split([(generated.landing_rows, timings["total"]) for _, generated, timings in rows])
    spark.stop()
    if not arguments.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
