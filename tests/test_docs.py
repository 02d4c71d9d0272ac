"""The template's docs/ stay true to the template: every question documented with its default,
every translation rule of the local runtime listed, every page indexed, every link resolving.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

TEMPLATE_ROOT = Path(__file__).resolve().parents[1]
DOCS = TEMPLATE_ROOT / "docs"
TRANSLATION = (
    TEMPLATE_ROOT
    / "{{folder_name(cookiecutter.project_slug)}}"
    / "src"
    / "{{cookiecutter.package_name}}"
    / "runtime"
    / "translation.py"
)
RULE_NAME = re.compile(r"\bRule\(\s*\"([^\"]+)\"")
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def question_sections() -> dict[str, str]:
    """Question name -> the text of the questions.md section whose heading names it."""
    text = (DOCS / "questions.md").read_text()
    sections: dict[str, str] = {}
    for block in re.split(r"^## ", text, flags=re.MULTILINE)[1:]:
        heading, _, body = block.partition("\n")
        for name in heading.split(","):
            sections[name.strip()] = body
    return sections


def questions() -> dict[str, object]:
    answers = json.loads((TEMPLATE_ROOT / "cookiecutter.json").read_text())
    return {name: default for name, default in answers.items() if not name.startswith("_")}


def test_every_question_has_a_section_and_no_section_is_stale() -> None:
    assert set(question_sections()) == set(questions())


@pytest.mark.parametrize("question", sorted(questions()))
def test_each_section_states_the_default(question: str) -> None:
    body = question_sections()[question]
    default = questions()[question]
    if isinstance(default, list):
        assert f"`{default[0]}` (default)" in body, (
            f"{question}: say that {default[0]} is the default"
        )
    elif "{{" in str(default):
        assert re.search(r"\*[^*]+\*", body), f"{question}: describe the derived default in italics"
    elif default == "":
        assert "(default)" in body, f"{question}: say what the empty default means"
    else:
        assert f"`{default}`" in body, f"{question}: state the default `{default}`"


def test_every_translation_rule_is_documented() -> None:
    if not TRANSLATION.is_file():
        pytest.skip(f"{TRANSLATION.relative_to(TEMPLATE_ROOT)} does not exist")
    rules = RULE_NAME.findall(TRANSLATION.read_text())
    assert rules, "no Rule(...) found in the translation table"
    page = (DOCS / "local-runtime.md").read_text()
    table_rows = {line.split("|")[1].strip() for line in page.splitlines() if line.startswith("| ")}
    missing = [rule for rule in rules if rule not in table_rows]
    assert not missing, f"docs/local-runtime.md lacks rows for the rules {missing}"


def test_the_index_lists_every_page() -> None:
    index = (DOCS / "README.md").read_text()
    pages = {page.name for page in DOCS.glob("*.md")} - {"README.md"}
    listed = set(LINK.findall(index))
    assert pages == listed


def test_every_relative_link_resolves() -> None:
    broken = [
        f"{page.name}: {target}"
        for page in DOCS.glob("*.md")
        for target in LINK.findall(page.read_text())
        if not target.startswith(("http://", "https://")) and not (page.parent / target).exists()
    ]
    assert not broken
