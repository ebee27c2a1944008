"""Binder, tested rather than reasoned.

- repo2docker (the program BinderHub builds images with) prints, with ``--no-build``, the Dockerfile it would
  build from this repository, without Docker: the tests read it for the conda buildpack, environment.yml,
  postBuild run as the notebook user, and no test tool in the image.
- postBuild's second step hides nbgrader's instructor tools; it is run into a temporary home and read back
  with ``jupyter labextension list`` and ``jupyter server extension list``.
- JupyterLab is started as Binder starts it (a user who is not root, in the repository folder that is also
  its home, under a base URL, after postBuild), the README's ``urlpath`` is opened in chromium and lesson 00
  runs to the end; the Nbgrader menu is gone and an exercise still has its Validate button.
- The README's badge and launch URL agree with the one place that names the repository (CITATION.cff).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NB_UID, NB_USER = 1000, "jovyan"  # what BinderHub passes to repo2docker
URLPATH = "lab/tree/lessons/00_two_comments.ipynb"
HIDDEN_PLUGINS = {"@jupyter/nbgrader:menu", "@jupyter/nbgrader:create-assignment", "@jupyter/nbgrader:formgrader",
                  "@jupyter/nbgrader:course-list", "@jupyter/nbgrader:assignment-list"}
HIDDEN_SERVER = {"nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.course_list",
                 "nbgrader.server_extensions.assignment_list"}
VALIDATE_PLUGIN = "@jupyter/nbgrader:validate-assignment"
VALIDATE_SERVER = "nbgrader.server_extensions.validate_assignment"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _name(requirement: str) -> str:
    return re.split(r"[=<>!~\[ ]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _dev_tools() -> set[str]:
    """The test tools: requirements-dev.txt less the runtime it includes."""
    lines = [ln.split("#")[0].strip() for ln in (ROOT / "requirements-dev.txt").read_text().splitlines()]
    return {_name(ln) for ln in lines if ln and not ln.startswith("-")}


def copy_tracked(dest: Path) -> Path:
    """The repository as Binder would receive it: every tracked file, as it stands in the working tree."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, files.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


# ---------------------------------------------------------------- (a) the Dockerfile repo2docker would build

@pytest.fixture(scope="module")
def build(tmp_path_factory):
    """(Dockerfile, repo2docker's log, the repository copy it read)."""
    repo = copy_tracked(tmp_path_factory.mktemp("binder-repo"))
    run = subprocess.run([str(BIN / "jupyter-repo2docker"), "--no-build", "--user-id", str(NB_UID),
                          "--user-name", NB_USER, str(repo)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "FROM " in run.stdout, run.stdout[:500]
    return run.stdout, run.stderr, repo


def _instructions(dockerfile: str) -> list[str]:
    """The Dockerfile's instructions, one string each (continuation lines joined, comments dropped)."""
    joined = re.sub(r"\\\n", " ", dockerfile)
    return [ln.strip() for ln in joined.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


def test_repo2docker_uses_the_conda_buildpack_with_environment_yml(build):
    dockerfile, log, _repo = build
    assert "Building conda environment for python=3.11" in log
    steps = _instructions(dockerfile)
    assert any(s.startswith("ENV CONDA_DIR=") for s in steps), "not the conda buildpack"
    assert any(s.startswith("COPY") and "src/environment.yml" in s for s in steps)
    assert any('env update -p ${NB_PYTHON_PREFIX} --file "environment.yml"' in s for s in steps)
    assert "requirements" not in dockerfile, "the image installs a requirements file beside environment.yml"


def test_postbuild_runs_as_the_notebook_user_on_a_repository_it_owns(build):
    dockerfile, _log, _repo = build
    steps = _instructions(dockerfile)
    run = steps.index("RUN ./postBuild")
    users = [s for s in steps[:run] if s.startswith("USER ")]
    assert users[-1] == "USER ${NB_USER}", f"postBuild runs as {users[-1]}"
    assert "USER ${NB_USER}" == [s for s in steps if s.startswith("USER ")][-1], "the server would run as root"
    # the repository (the learner's home) belongs to the notebook user: postBuild's editable install writes
    # manyhands.egg-info there, and learners save their notebooks there
    assert f"COPY --chown={NB_UID}:{NB_UID} src/ ${{REPO_DIR}}/" in steps
    assert steps.index(f"COPY --chown={NB_UID}:{NB_UID} src/ ${{REPO_DIR}}/") < run


def test_the_image_installs_no_test_tool(build):
    """Everything the Dockerfile installs: repo2docker's base environment (a lock file), environment.yml, postBuild."""
    dockerfile, _log, repo = build
    tools = _dev_tools()
    assert {"pytest", "playwright", "axe-playwright-python"} <= tools
    # repo2docker's own base environment, named in the Dockerfile by an escaped path
    import escapism

    locks = [escapism.unescape(m.rsplit("-", 1)[0], escape_char="-")
             for m in re.findall(r"build_script_files/(\S+)", dockerfile)]
    locks = [Path(p) for p in locks if p.endswith(".lock")]
    assert locks and all(p.exists() for p in locks), locks
    for lock in locks:
        names = {re.sub(r"-[^-]+-[^-]+$", "", url.rsplit("/", 1)[-1].split("#")[0].removesuffix(".conda")
                        .removesuffix(".tar.bz2")).replace("_", "-")
                 for url in lock.read_text().splitlines() if url.startswith("http")}
        assert "python" in names and not names & tools, f"{lock.name} brings {names & tools}"
    # environment.yml, as the image copies it
    env = yaml.safe_load((repo / "environment.yml").read_text())
    conda = {_name(d) for d in env["dependencies"] if isinstance(d, str)}
    pip = {_name(d) for d in next(d for d in env["dependencies"] if isinstance(d, dict))["pip"]}
    assert not (conda | pip) & tools, f"environment.yml installs test tools into Binder: {(conda | pip) & tools}"
    assert "requirements-dev" not in dockerfile
    post = (repo / "postBuild").read_text()
    assert "requirements-dev" not in post and not any(re.search(rf"\b{re.escape(t)}\b", post) for t in tools)


# ---------------------------------------------------------------- item 5: instructor tools hidden on Binder

def _jupyter_env(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER") and k != "MANYHANDS_HOME"}
    return dict(env, HOME=str(home), PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")


def _listing(env: dict, *command: str) -> str:
    run = subprocess.run([str(BIN / "jupyter"), *command, "list"], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return ANSI.sub("", run.stdout + run.stderr)


def _disabled_plugins(listing: str) -> set[str]:
    return set(re.findall(r"^\s+(@\S+:\S+)\s*$", listing.split("Disabled extensions:")[-1], re.M)) \
        if "Disabled extensions:" in listing else set()


def test_postbuild_hides_the_instructor_tools_and_keeps_validate(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = _jupyter_env(home)
    before = _listing(env, "labextension")
    assert not _disabled_plugins(before), "the instructor's own JupyterLab must keep every nbgrader tool"
    run = subprocess.run([str(ROOT / "postBuild"), "--config-only"], env=env, cwd=tmp_path, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    written = sorted(str(p.relative_to(home)) for p in home.rglob("*") if p.is_file())
    assert written == [".jupyter/jupyter_server_config.json", ".jupyter/labconfig/page_config.json"], written

    lab = _listing(env, "labextension")
    assert _disabled_plugins(lab) == HIDDEN_PLUGINS
    assert VALIDATE_PLUGIN not in _disabled_plugins(lab)
    page_config = json.loads((home / ".jupyter/labconfig/page_config.json").read_text())
    assert set(page_config["lockedExtensions"]) == HIDDEN_PLUGINS, "a learner could switch them back on"

    server = _listing(env, "server", "extension")
    user_section = server.split(f"Config dir: {home / '.jupyter'}")[1].split("Config dir:")[0]
    for name in HIDDEN_SERVER:
        assert re.search(rf"{re.escape(name)} disabled", user_section), name
    assert re.search(rf"{re.escape(VALIDATE_SERVER)} enabled", user_section)
    # postBuild wrote nothing outside the home it was given: another home still has every tool
    other = tmp_path / "instructor"
    other.mkdir()
    assert not _disabled_plugins(_listing(_jupyter_env(other), "labextension"))


# ---------------------------------------------------------------- item 6: one place names the repository

def repository_slug() -> str:
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    match = re.fullmatch(r"https://github\.com/([^/\s]+/[^/\s]+)", cff["repository-code"])
    assert match, f"CITATION.cff's repository-code is not a GitHub repository: {cff['repository-code']}"
    return match.group(1)


def test_readme_binder_badge_and_launch_url_follow_citation_cff():
    slug = repository_slug()
    url = f"https://mybinder.org/v2/gh/{slug}/HEAD?urlpath={URLPATH}"
    badge = f"[![Binder](https://mybinder.org/badge_logo.svg)]({url})"
    readme = (ROOT / "README.md").read_text()
    assert badge in readme, f"README's Binder badge is not {badge}"
    assert f"Launch URL: `{url}`" in readme
    others = set(re.findall(r"mybinder\.org/v2/gh/([^/\s)`]+/[^/\s)`]+)/", readme)) - {slug}
    assert not others, f"README names other repositories for Binder: {others}"
    printed = subprocess.run(["make", "-s", "binder-link"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.splitlines() == [badge, url]
