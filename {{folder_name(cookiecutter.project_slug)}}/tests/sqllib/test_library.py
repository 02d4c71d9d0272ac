"""Loading the library: discovery, the header format, and the rules every file must keep."""

from __future__ import annotations

import configparser
import textwrap
from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.sqllib import (
    Kind,
    Library,
    LibraryError,
)

from .conftest import LIBRARY_ROOT

SHARED = """\
catalog: {type: identifier, description: Catalog., default: main}
schema: {type: identifier, description: Schema., default: sales}
"""
PATTERN = """\
-- ---
-- title: Copy a table
-- description: Copies the rows of one table into another.
-- parameters:
--   - catalog
--   - schema
--   - name: source_table
--     type: identifier
--     description: Table to copy.
--     default: orders
-- ---
CREATE OR REPLACE TABLE IDENTIFIER(:catalog || '.' || :schema || '.copy') USING DELTA AS
SELECT * FROM IDENTIFIER(:catalog || '.' || :schema || '.' || :source_table);
"""
FUNCTION = """\
-- ---
-- title: Double
-- description: Twice the value.
-- parameters: [catalog, schema]
-- examples:
--   - {call: double_it(2), returns: 4}
-- ---
CREATE OR REPLACE FUNCTION double_it(x INT)
RETURNS INT
DETERMINISTIC
COMMENT 'Twice x'
RETURN x * 2;
"""


def write(root: Path, files: dict[str, str], shared: str = SHARED) -> Library:
    root.mkdir(parents=True, exist_ok=True)
    (root / "parameters.yml").write_text(shared)
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return Library.load(root)


def only_problem(library: Library) -> str:
    assert len(library.problems) == 1, library.problems
    return library.problems[0].message


def test_the_shipped_library_loads_without_problems(library: Library) -> None:
    assert library.problems == []
    counts = {kind: len(library.of_kind(kind)) for kind in Kind}
    assert counts[Kind.PATTERN] >= 10
    assert counts[Kind.FUNCTION] >= 25
    assert counts[Kind.TEMPLATE] == 4
    expected = {"bronze_ingest_files", "clean_customers", "silver_transform_orders",
                "deduplicate_latest", "scd1_merge", "scd2_merge", "quarantine_rejected",
                "incremental_watermark", "data_quality_checks", "aggregate_daily_metrics",
                "aggregate_running_totals", "table_maintenance"}  # fmt: skip
    assert expected <= {item.name for item in library.of_kind(Kind.PATTERN)}
    assert {i.name for i in library.of_kind(Kind.TEMPLATE)} == {
        "pipeline",
        "analytics",
        "reporting",
        "maintenance",
    }


def test_every_parameter_of_the_library_has_a_sqlfluff_sample_value(library: Library) -> None:
    config = configparser.ConfigParser()
    config.read(LIBRARY_ROOT / ".sqlfluff")
    samples = set(config["sqlfluff:templater:placeholder"]) - {"param_style"}
    parameters = {p.name for item in library.items.values() for p in item.parameters}
    assert parameters - samples == set(), "add a sample value to sql/.sqlfluff"


def test_shipped_files_document_every_parameter(library: Library) -> None:
    for item in library.items.values():
        assert item.title, item.name
        assert item.description, item.name
        for parameter in item.parameters:
            assert parameter.description, (item.name, parameter.name)
            assert parameter.default is not None, (item.name, parameter.name)


def test_items_are_discovered_by_kind_and_category(tmp_path: Path) -> None:
    library = write(
        tmp_path,
        {"patterns/copy_table.sql": PATTERN, "functions/numeric/double_it.sql": FUNCTION},
    )
    assert library.problems == []
    pattern, function = library.get("copy_table"), library.get("double_it")
    assert (pattern.kind, pattern.category) == (Kind.PATTERN, None)
    assert (function.kind, function.category) == (Kind.FUNCTION, "numeric")
    assert [p.name for p in pattern.parameters] == ["catalog", "schema", "source_table"]
    assert pattern.statements[0].parameters == {"catalog", "schema", "source_table"}
    assert pattern.statements[0].line == 12
    assert [i.name for i in library.of_kind(None)] == ["copy_table", "double_it"]


def test_get_suggests_close_names_and_explains_broken_files(tmp_path: Path) -> None:
    library = write(
        tmp_path,
        {"patterns/copy_table.sql": PATTERN, "patterns/broken.sql": "SELECT 1;\n"},
    )
    with pytest.raises(LibraryError, match="did you mean copy_table"):
        library.get("copy_tabel")
    with pytest.raises(LibraryError, match="`sql list` shows them all"):
        library.get("zzz")
    with pytest.raises(LibraryError, match=r"'broken' cannot be used: .*first line must be"):
        library.get("broken")


def test_a_missing_library_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(LibraryError, match="no SQL library at"):
        Library.load(tmp_path / "nowhere")


HEADER_PROBLEMS = [
    pytest.param("SELECT 1;\n", "the first line must be '-- ---'", id="no-header"),
    pytest.param("-- ---\n-- title: x\n", "has no closing '-- ---' line", id="unclosed"),
    pytest.param(
        "-- ---\ntitle: x\n-- ---\n", "line 2: header lines must be SQL comments", id="plain"
    ),
    pytest.param("-- ---\n-- title: [x\n-- ---\n", "the header is not valid YAML", id="yaml"),
    pytest.param("-- ---\n-- - x\n-- ---\n", "must be a YAML mapping", id="not-mapping"),
    pytest.param(
        "-- ---\n-- title: x\n-- description: y\n-- colour: red\n-- ---\nSELECT 1;\n",
        "colour: Extra inputs are not permitted",
        id="unknown-field",
    ),
    pytest.param(
        "-- ---\n-- title: x\n-- description: y\n-- parameters:\n"
        "--   - {name: Bad-Name, type: string, description: z}\n-- ---\nSELECT 1;\n",
        "is not a parameter name",
        id="parameter-name",
    ),
    pytest.param(
        "-- ---\n-- title: x\n-- description: y\n-- parameters:\n"
        "--   - {name: n, type: int, description: z, default: ten}\n-- ---\nSELECT 1;\n",
        "default of parameter 'n': 'ten' is not a whole number",
        id="bad-default",
    ),
    pytest.param(
        "-- ---\n-- title: x\n-- description: y\n-- parameters:\n"
        "--   - {name: n, type: string, description: z, minimum: 1}\n-- ---\nSELECT 1;\n",
        "minimum and maximum apply to int and double only",
        id="bounds-on-text",
    ),
    pytest.param(
        "-- ---\n-- title: x\n-- description: y\n-- parameters:\n"
        "--   - {name: n, type: int, description: z, choices: [a]}\n-- ---\nSELECT 1;\n",
        "choices apply to string and identifier only",
        id="choices-on-number",
    ),
    pytest.param(
        "-- ---\n-- title: x\n-- description: y\n-- parameters: [region]\n-- ---\nSELECT 1;\n",
        "parameter 'region' is not declared in parameters.yml",
        id="unknown-shared",
    ),
    pytest.param(
        "-- ---\n-- title: x\n-- description: y\n-- parameters: [catalog, catalog]\n-- ---\n",
        "parameter 'catalog' is declared twice",
        id="twice",
    ),
    pytest.param(
        "-- ---\n-- title: x\n-- description: y\n-- parameters: [catalog]\n-- ---\nSELECT 1;\n",
        "every library file declares catalog and schema",
        id="no-schema",
    ),
    pytest.param(
        "-- ---\n-- title: x\n-- description: y\n-- parameters: [catalog, schema]\n-- ---\n"
        "SELECT :missing;\n",
        "line 6: uses :missing, which the header does not declare",
        id="undeclared-marker",
    ),
    pytest.param(
        "-- ---\n-- title: x\n-- description: y\n-- parameters: [catalog, schema]\n-- ---\n",
        "a pattern needs at least one statement",
        id="empty-pattern",
    ),
    pytest.param(
        "-- ---\n-- title: x\n-- description: y\n-- parameters:\n--   - catalog\n--   - schema\n"
        "--   - {name: unused, type: string, description: z, default: a}\n-- ---\nSELECT 1;\n",
        "declares unused but no statement uses it",
        id="unused",
    ),
    pytest.param(
        "-- ---\n-- title: x\n-- description: y\n-- parameters: [catalog, schema]\n-- ---\n"
        "-- workspace-only:\nSELECT 1;\n",
        "line 6: a workspace-only marker needs a reason",
        id="marker-without-reason",
    ),
    pytest.param(
        "-- ---\n-- title: x\n-- description: y\n-- parameters: [catalog, schema]\n"
        "-- examples: [{call: f(1), returns: 1}]\n-- ---\nSELECT 1;\n",
        "only functions have examples",
        id="examples-on-pattern",
    ),
    pytest.param(
        "-- ---\n-- title: x\n-- description: y\n-- parameters: [catalog, schema]\n"
        "-- steps: [{pattern: p}]\n-- ---\nSELECT 1;\n",
        "only templates have steps",
        id="steps-on-pattern",
    ),
    pytest.param(
        "-- ---\n-- title: x\n-- description: y\n-- parameters: [catalog, schema]\n-- ---\n"
        "SELECT 'open;\n",
        "unterminated string",
        id="unterminated",
    ),
]


@pytest.mark.parametrize(("text", "message"), HEADER_PROBLEMS)
def test_broken_patterns_are_reported_and_left_out(tmp_path: Path, text: str, message: str) -> None:
    library = write(tmp_path, {"patterns/broken_one.sql": text})
    assert message in only_problem(library)
    assert "broken_one" not in library.items


def test_file_names_are_unique_snake_case_names(tmp_path: Path) -> None:
    library = write(
        tmp_path,
        {
            "patterns/copy_table.sql": PATTERN,
            "templates/copy_table.sql": PATTERN,
            "patterns/Copy-Table.sql": PATTERN,
        },
    )
    messages = sorted(problem.message for problem in library.problems)
    assert "file names must be lower-case snake_case" in messages[0]
    assert "the name 'copy_table' is already used by" in messages[1]


def test_a_broken_shared_parameter_file_is_a_problem(tmp_path: Path) -> None:
    for shared, message in [
        ("catalog: [x\n", "not valid YAML"),
        ("- catalog\n", "must map each parameter name"),
        ("catalog: identifier\n", "catalog: must be a mapping"),
        ("catalog: {type: colour, description: x}\n", "catalog: type: Input should be"),
    ]:
        library = write(tmp_path, {"patterns/copy_table.sql": PATTERN}, shared)
        assert message in only_problem(library)
        assert library.items == {}


FUNCTION_PROBLEMS = [
    pytest.param(FUNCTION.replace("schema]", "schema, {name: n, type: int, description: z}]"),
                 "a function file takes only catalog and schema", id="extra-parameter"),
    pytest.param(FUNCTION + "SELECT 1;\n", "exactly one CREATE OR REPLACE FUNCTION statement",
                 id="two-statements"),
    pytest.param(FUNCTION.replace("FUNCTION double_it", "FUNCTION other"),
                 "must start with 'CREATE OR REPLACE FUNCTION double_it('", id="wrong-name"),
    pytest.param(FUNCTION.replace("COMMENT 'Twice x'\n", ""), "needs a COMMENT", id="no-comment"),
    pytest.param(FUNCTION.replace("DETERMINISTIC\n", ""), "DETERMINISTIC or NOT DETERMINISTIC",
                 id="no-determinism"),
    pytest.param(FUNCTION.replace("--   - {call: double_it(2), returns: 4}\n", "").replace(
        "-- examples:\n", ""), "a function needs examples", id="no-examples"),
    pytest.param(FUNCTION.replace("returns: 4", "returns: 4, raises: boom"),
                 "needs either returns or raises", id="returns-and-raises"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "message"), FUNCTION_PROBLEMS)
def test_function_files_keep_their_rules(tmp_path: Path, text: str, message: str) -> None:
    library = write(tmp_path, {"functions/double_it.sql": text})
    assert message in only_problem(library)


TEMPLATE = """\
-- ---
-- title: Copy twice
-- description: Copies orders, then the copy.
-- parameters:
--   - catalog
--   - schema
--   - {name: first_table, type: identifier, description: First source., default: orders}
-- steps:
--   - function: double_it
--   - pattern: copy_table
--     parameters: {source_table: first_table}
-- ---
"""


def test_templates_check_their_steps(tmp_path: Path) -> None:
    files = {"patterns/copy_table.sql": PATTERN, "functions/double_it.sql": FUNCTION}
    assert write(tmp_path, {**files, "templates/twice.sql": TEMPLATE}).problems == []
    mapping = "{source_table: first_table}"
    extra = "--   - {name: extra, type: int, description: x, default: 1}\n-- steps:"
    cases = [
        (TEMPLATE.replace("pattern: copy_table", "pattern: nope"), "step 2 (pattern nope): no"),
        (TEMPLATE.replace("function: double_it", "pattern: double_it"), "no pattern of that name"),
        (TEMPLATE.replace(mapping, "{colour: first_table}"), "maps colour, which it does not"),
        (TEMPLATE.replace(mapping, "{}"), "needs 'source_table'; declare 'source_table'"),
        (TEMPLATE.replace(mapping, "{source_table: first_table, schema: first_table}"),
         "steps run in the template's schema"),
        (TEMPLATE.replace("type: identifier", "type: string"),
         "'source_table' is identifier, but the template parameter 'first_table' is string"),
        (TEMPLATE.split("-- steps:")[0] + "-- ---\n", "a template needs steps"),
        (TEMPLATE.replace("-- steps:", extra), "declares extra but no statement uses it"),
    ]  # fmt: skip
    for text, message in cases:
        library = write(tmp_path, {**files, "templates/twice.sql": text})
        assert message in only_problem(library), text
        assert "twice" not in library.items
