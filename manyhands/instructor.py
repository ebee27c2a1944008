"""Instructor helpers that wrap nbgrader (they never re-implement it).

    python -m manyhands.instructor exercises ex00 [ex01 ...]

regenerates ``exercises/<assignment>/`` from ``instructor/source/<assignment>/`` by running
``nbgrader generate_assignment`` in a scratch copy of the course root, so the instructor's own
gradebook is never touched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTRUCTOR = ROOT / "instructor"
EXERCISES = ROOT / "exercises"


def nbgrader_env() -> dict:
    """Environment for nbgrader: this interpreter's bin/ first on PATH (nbgrader runs `alembic` from PATH)."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env


def nbgrader(*args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    cmd = [str(Path(sys.executable).parent / "nbgrader"), *args]
    proc = subprocess.run(cmd, cwd=cwd, env=nbgrader_env(), capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def scratch_course(dest: Path, assignments: list[str]) -> Path:
    """A fresh nbgrader course root in ``dest`` holding the config and the named source assignments."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(INSTRUCTOR / "nbgrader_config.py", dest / "nbgrader_config.py")
    for name in assignments:
        shutil.copytree(INSTRUCTOR / "source" / name, dest / "source" / name, dirs_exist_ok=True)
    return dest


def generate(assignments: list[str], out: Path = EXERCISES) -> list[Path]:
    written = []
    with tempfile.TemporaryDirectory(prefix="manyhands-release-") as tmp:
        course = scratch_course(Path(tmp), assignments)
        for name in assignments:
            nbgrader("generate_assignment", name, "--force", cwd=course)
            target = out / name
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(course / "release" / name, target)
            written.extend(sorted(target.rglob("*.ipynb")))
    return written


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] != "exercises":
        print(__doc__)
        return 2
    for path in generate(argv[1:]):
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
