"""The set-up files agree with each other and with the README."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _pins(lines):
    pins = {}
    for line in lines:
        line = line.split("#")[0].strip()
        if not line or line.startswith("-"):
            continue
        name, _, version = line.partition("==")
        assert version, f"unpinned requirement: {line}"
        pins[name.lower().replace("_", "-")] = version
    return pins


def test_pip_and_conda_pin_the_same_versions():
    """environment.yml (what Binder installs) is exactly the runtime of requirements.txt: no test tools."""
    pip = _pins((ROOT / "requirements.txt").read_text().splitlines())
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda_pip = next(d for d in env["dependencies"] if isinstance(d, dict))["pip"]
    conda = _pins(conda_pip)
    assert pip == conda, f"requirements.txt and environment.yml differ: {set(pip.items()) ^ set(conda.items())}"
    for core in ("jupyterlab", "ipywidgets", "pandas", "plotly", "nbgrader", "anywidget", "frictionless"):
        assert core in pip, f"{core} is not pinned"
    assert "python=3.11" in env["dependencies"]
    dev = _pins((ROOT / "requirements-dev.txt").read_text().splitlines())
    assert dev and not set(dev) & set(pip), "a pin stands in both requirements files"
    for tool in ("pytest", "playwright", "axe-playwright-python"):
        assert tool in dev and tool not in conda, f"{tool} belongs to requirements-dev.txt only"
    assert "-r requirements.txt" in (ROOT / "requirements-dev.txt").read_text().splitlines()


def test_installed_versions_match_the_pins():
    from importlib.metadata import version

    pins = {**_pins((ROOT / "requirements.txt").read_text().splitlines()),
            **_pins((ROOT / "requirements-dev.txt").read_text().splitlines())}
    for name, pinned in pins.items():
        assert version(name) == pinned, f"{name}: installed {version(name)}, pinned {pinned}"


def test_ci_runs_exactly_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme and "make lab" in readme
    ci = [ln for ln in (ROOT / ".ci" / "run").read_text().splitlines() if ln.strip() and not ln.startswith("#")]
    assert ci[-1].strip() == "exec make test"


def test_binder_badge_opens_lesson_00_in_lab():
    readme = (ROOT / "README.md").read_text()
    assert re.search(r"mybinder\.org/v2/gh/[^)\s]+\?urlpath=lab/tree/lessons/00_two_comments\.ipynb", readme)
    assert (ROOT / "lessons" / "00_two_comments.ipynb").exists()
    assert (ROOT / "postBuild").stat().st_mode & 0o111, "postBuild must be executable"
