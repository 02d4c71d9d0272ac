"""Projects can be created and updated with cruft, offline, from a local git clone of the template.

- `cruft create` writes exactly the files cookiecutter writes for the same answers (plus
  .cruft.json), and `cruft check` passes right after.
- Upgrade: a project created from the previous state of the template (the newest `v*` tag, else
  the first commit; PREVIOUS_TEMPLATE_REF overrides) with a local change of its own is updated
  with `cruft update` to the current template: the update applies cleanly, keeps the local
  change, and leaves every template file as a fresh generation from the current template has it.

"The current template" is the working tree as these tests see it, committed into a throwaway
repository, so uncommitted edits are tested too. No network: the template URL is a local path.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tarfile
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import cruft
import pytest
from cookiecutter.main import cookiecutter

TEMPLATE_ROOT = Path(__file__).resolve().parents[1]
SKIPPED_PARTS = {".git", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache"}
# The team's own changes: a file of its own, and a line in a generated file.
TEAM_FILE = ("notes/on-call.md", "# On-call\n\nRota: see the team wiki.\n")
TEAM_IGNORE_LINE = "# Team: local scratch space\nscratch/\n"


def git(cwd: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Template Tests",
        "GIT_AUTHOR_EMAIL": "tests@example.com",
        "GIT_COMMITTER_NAME": "Template Tests",
        "GIT_COMMITTER_EMAIL": "tests@example.com",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    result = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"git {' '.join(args)} failed in {cwd}:\n{result.stderr}"
    return result.stdout.strip()


def working_tree_files(root: Path) -> list[Path]:
    """The template's files as the tests see them: tracked and untracked, minus ignored ones."""
    if (root / ".git").exists():
        listed = git(root, "ls-files", "--cached", "--others", "--exclude-standard", "-z")
        return sorted(
            {root / name for name in listed.split("\0") if name and (root / name).is_file()}
        )
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and not SKIPPED_PARTS & set(p.relative_to(root).parts)
    )


def replace_tree(repo: Path, files: dict[str, bytes]) -> None:
    """Make repo's working tree hold exactly these files (the .git folder stays)."""
    for child in repo.iterdir():
        if child.name != ".git":
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    for relative, data in files.items():
        target = repo / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def current_template_files() -> dict[str, bytes]:
    return {
        str(p.relative_to(TEMPLATE_ROOT)): p.read_bytes() for p in working_tree_files(TEMPLATE_ROOT)
    }


def files_at(ref: str) -> dict[str, bytes]:
    """The template's files at an earlier commit, read with git archive."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", ref], cwd=TEMPLATE_ROOT, capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        return {
            member.name: tar.extractfile(member).read()  # type: ignore[union-attr]
            for member in tar.getmembers()
            if member.isfile()
        }


def previous_ref() -> str | None:
    """The previous released state: PREVIOUS_TEMPLATE_REF, the newest v* tag, or the first commit."""
    if not (TEMPLATE_ROOT / ".git").exists():
        return None
    configured = os.environ.get("PREVIOUS_TEMPLATE_REF")
    if configured:
        return configured
    tags = git(TEMPLATE_ROOT, "tag", "--list", "v*", "--sort=-creatordate").splitlines()
    if tags:
        return tags[0]
    roots = git(TEMPLATE_ROOT, "rev-list", "--max-parents=0", "HEAD").splitlines()
    return roots[0] if roots else None


def commit_all(repo: Path, message: str) -> str:
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--allow-empty", "-m", message)
    return git(repo, "rev-parse", "HEAD")


def tree(root: Path) -> dict[str, bytes]:
    """Every file of a generated project except git's own, keyed by relative path."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def differences(left: dict[str, bytes], right: dict[str, bytes]) -> list[str]:
    only_left = sorted(set(left) - set(right))
    only_right = sorted(set(right) - set(left))
    changed = sorted(name for name in set(left) & set(right) if left[name] != right[name])
    return (
        [
            f"only in the first: {only_left}",
            f"only in the second: {only_right}",
            f"different: {changed}",
        ]
        if (only_left or only_right or changed)
        else []
    )


def cookiecutter_bake(template: Path, output: Path, answers: dict[str, str]) -> Path:
    return Path(
        cookiecutter(
            str(template),
            no_input=True,
            extra_context=answers,
            output_dir=str(output),
            default_config=True,
        )
    )


@pytest.fixture(scope="module")
def template_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A throwaway git repository holding the current template in one commit."""
    repo = tmp_path_factory.mktemp("template-repo") / "databricks-toolkit"
    repo.mkdir()
    git(repo, "init", "--quiet", "--initial-branch=main")
    replace_tree(repo, current_template_files())
    commit_all(repo, "current template")
    return repo


@pytest.fixture(autouse=True)
def isolated_cookiecutter_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """cruft reads the user's cookiecutter config; point it at an empty one."""
    config = tmp_path / "cookiecutterrc.yaml"
    config.write_text(
        f"cookiecutters_dir: {tmp_path / 'cookiecutters'}\nreplay_dir: {tmp_path / 'replay'}\n"
    )
    monkeypatch.setenv("COOKIECUTTER_CONFIG", str(config))


ANSWER_SETS = {
    "default": {},
    "classic_azure_no_ci": {
        "project_name": "Claims Lakehouse",
        "cloud": "azure",
        "compute": "classic",
        "include_admin": "no",
        "ci_provider": "none",
        "service_principal_application_id": "0b7c5a2e-91d4-4f3a-8e6b-2c1d9f0a7e55",
    },
}


@pytest.mark.parametrize("answers_name", list(ANSWER_SETS))
def test_cruft_create_writes_what_cookiecutter_writes(
    template_repo: Path, tmp_path: Path, answers_name: str
) -> None:
    answers = ANSWER_SETS[answers_name]
    created = cruft.create(
        str(template_repo), output_dir=tmp_path / "cruft", extra_context=answers, no_input=True
    )
    baked = cookiecutter_bake(template_repo, tmp_path / "cookiecutter", answers)
    cruft_files = tree(created)
    record = json.loads(cruft_files.pop(".cruft.json"))
    assert not differences(cruft_files, tree(baked)), differences(cruft_files, tree(baked))
    assert record["template"] == str(template_repo)
    assert record["commit"] == git(template_repo, "rev-parse", "HEAD")
    for question, answer in answers.items():
        assert record["context"]["cookiecutter"][question] == answer


def test_cruft_check_passes_right_after_create(template_repo: Path, tmp_path: Path) -> None:
    created = cruft.create(str(template_repo), output_dir=tmp_path, no_input=True)
    assert cruft.check(created) is True


def test_cruft_check_reports_a_project_behind_its_template(
    template_repo: Path, tmp_path: Path
) -> None:
    created = cruft.create(str(template_repo), output_dir=tmp_path / "project", no_input=True)
    ahead = tmp_path / "ahead"
    shutil.copytree(template_repo, ahead)
    (ahead / "CHANGELOG-next.md").write_text("a template change after the project was made\n")
    commit_all(ahead, "a newer template")
    record_path = created / ".cruft.json"
    record = json.loads(record_path.read_text())
    record_path.write_text(json.dumps({**record, "template": str(ahead)}))
    assert cruft.check(created) is False


@pytest.fixture(scope="module")
def upgrade_repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A template repository whose history is: previous state, then the current template."""
    ref = previous_ref()
    if ref is None:
        pytest.skip(
            "the template is not a git checkout with history: no previous state to start from"
        )
    try:
        old_files = files_at(ref)
    except subprocess.CalledProcessError:
        pytest.skip(f"the previous template state {ref} is not in this clone (shallow clone?)")
    current_files = current_template_files()
    if old_files == current_files:
        pytest.skip(f"the previous template state {ref} equals the current one (shallow clone?)")
    repo = tmp_path_factory.mktemp("upgrade-repo") / "databricks-toolkit"
    repo.mkdir()
    git(repo, "init", "--quiet", "--initial-branch=main")
    replace_tree(repo, old_files)
    old_commit = commit_all(repo, f"previous template ({ref})")
    replace_tree(repo, current_files)
    new_commit = commit_all(repo, "current template")
    yield {"repo": repo, "ref": ref, "old": old_commit, "new": new_commit}


def test_update_from_the_previous_state_applies_cleanly(
    upgrade_repo: dict[str, Any], tmp_path: Path
) -> None:
    repo: Path = upgrade_repo["repo"]
    project = cruft.create(
        str(repo), output_dir=tmp_path / "project", checkout=upgrade_repo["old"], no_input=True
    )
    # The team's own changes, committed, as cruft update needs a clean tree.
    (project / TEAM_FILE[0]).parent.mkdir()
    (project / TEAM_FILE[0]).write_text(TEAM_FILE[1])
    gitignore = project / ".gitignore"
    gitignore.write_text(TEAM_IGNORE_LINE + gitignore.read_text())
    git(project, "init", "--quiet", "--initial-branch=main")
    commit_all(project, "project as generated, plus a local change")

    assert cruft.check(project) is False, "the project should start behind the template"
    assert cruft.update(project, skip_apply_ask=True, checkout="main") is True

    leftovers = [p.name for p in project.rglob("*.rej")] + [p.name for p in project.rglob("*.orig")]
    assert not leftovers, f"the update left rejected hunks: {leftovers}"
    record = json.loads((project / ".cruft.json").read_text())
    assert record["commit"] == upgrade_repo["new"]
    assert cruft.check(project) is True

    updated = tree(project)
    updated.pop(".cruft.json")
    assert updated.pop(TEAM_FILE[0]).decode() == TEAM_FILE[1], "the team's file changed"
    ignore = updated[".gitignore"].decode()
    assert ignore.startswith(TEAM_IGNORE_LINE), "the team's .gitignore line was lost"
    updated[".gitignore"] = ignore.removeprefix(TEAM_IGNORE_LINE).encode()
    fresh = tree(cookiecutter_bake(repo, tmp_path / "fresh", {}))
    problems = differences(updated, fresh)
    assert not problems, f"updated from {upgrade_repo['ref']}, the project differs: {problems}"
