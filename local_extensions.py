"""The template's Jinja filters: names derived from the project name, and free text quoted for
the file it is written into.

cookiecutter loads this module through `_extensions` in cookiecutter.json (it puts the template
folder on sys.path while it renders). Two jobs, both so that a person may call the project
anything:

- Derived names. `project_slug`, `package_name` and `schema` default to names derived from
  `project_name`. The rules of what makes a name valid live once, in hooks/pre_gen_project.py;
  the derivations here always produce a name that passes them, so the hook refuses only names a
  person typed. Rule: python-slugify's ASCII form, joined by `_`; words that start with a digit
  move to the end ("3D Printing Co" -> `printing_co_3d`); a name with no letters becomes
  `project_<digits>` or `project`; at most 64 characters, cut at a word. The package is the
  slug cut to 60 characters; one that would shadow an import gets `_project` appended
  ("Logging" -> `logging_project`); a reserved schema name gets `_data`.
- Quoting. Each filter writes a value as a literal of one format (YAML, TOML, Python, Markdown),
  so `: `, ` #`, quotes, backslashes, `&`, `%` and any letter keep their meaning as text.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType

from jinja2 import Environment
from jinja2.ext import Extension
from slugify import slugify

HOOK = Path(__file__).resolve().parent / "hooks" / "pre_gen_project.py"


def _answer_rules() -> ModuleType:
    """The pre-gen hook as a module: the one definition of a valid slug, package and schema."""
    spec = importlib.util.spec_from_file_location("_template_answer_rules", HOOK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


RULES = _answer_rules()


def slug_from_name(name: str) -> str:
    """A valid slug for any project name (see the module docstring for the rule)."""
    words = [word for word in slugify(name, separator="_").split("_") if word]
    leading_digits = []
    while words and words[0][0].isdigit():
        leading_digits.append(words.pop(0))
    return cut_at_word("_".join((words or ["project"]) + leading_digits), RULES.SLUG_MAX_LENGTH)


def cut_at_word(name: str, limit: int) -> str:
    """`name` if it fits, else its longest run of whole `_` words that does (or a hard cut)."""
    if len(name) <= limit:
        return name
    cut = name[: limit + 1].rsplit("_", 1)[0]
    return cut if cut and len(cut) <= limit else name[:limit]


def package_from_slug(slug: str) -> str:
    """The slug as an import name, made project-specific when it would shadow another module."""
    package = cut_at_word(slug, RULES.PACKAGE_MAX_LENGTH)
    while RULES.package_name_conflict(package):
        package = f"{package}_project"
    return package


def schema_from_slug(slug: str) -> str:
    """The slug as a Unity Catalog schema, unless it is a name Unity Catalog reserves."""
    return f"{slug}_data" if slug in RULES.RESERVED_SCHEMAS else slug


def folder_name(slug: str) -> str:
    """The project folder for a slug: one path segment, even for a slug the hook will refuse.

    cookiecutter creates this folder before the pre-gen hook runs and deletes it when the hook
    refuses the answers; a `/` in the slug would otherwise create parent folders that stay.
    """
    segment = re.sub(r"[/\\]", "_", slug)
    return "_" * len(segment) if set(segment) <= {"."} else segment


def json_string(value: object) -> str:
    """A double-quoted string literal with JSON escapes, which YAML and TOML read the same way."""
    return json.dumps(str(value), ensure_ascii=False)


def python_string(value: object) -> str:
    """A Python string literal in the quotes `ruff format` keeps (fewer escapes wins, then ")."""
    text = str(value)
    quote = "'" if text.count('"') > text.count("'") else '"'
    escaped = text.replace("\\", "\\\\").replace(quote, "\\" + quote)
    return f"{quote}{escaped}{quote}"


def docstring_text(value: object) -> str:
    """Text safe inside a triple-quoted docstring: backslashes doubled, no closing quotes."""
    return str(value).replace("\\", "\\\\").replace('"""', '""\\"')


MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~&])")
# A list item or setext underline at the start of a line: "- x", "+ x", "1. x", "2) x", "===".
MARKDOWN_LINE_START = re.compile(r"^(\s*)([-+=]|\d+(?=[.)]))")


def markdown_text(value: object) -> str:
    """Plain text for Markdown: inline syntax escaped, and no list marker at the line start."""
    escaped = MARKDOWN_SPECIAL.sub(r"\\\1", str(value))
    return MARKDOWN_LINE_START.sub(_escape_line_start, escaped)


def _escape_line_start(match: re.Match[str]) -> str:
    marker = match[2]
    if marker[0].isdigit():
        return f"{match[1]}{marker}\\"  # "1." -> "1\.": the backslash goes before the dot
    return f"{match[1]}\\{marker}"


FILTERS = {
    "slug_from_name": slug_from_name,
    "package_from_slug": package_from_slug,
    "schema_from_slug": schema_from_slug,
    "json_string": json_string,
    "yaml_string": json_string,
    "toml_string": json_string,
    "python_string": python_string,
    "docstring_text": docstring_text,
    "markdown_text": markdown_text,
}


class TemplateFilters(Extension):
    """Registers the filters above, and `folder_name` as a global for the project folder's name
    (a filter needs `|`, which Windows does not allow in a folder name)."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters.update(FILTERS)
        environment.globals["folder_name"] = folder_name
