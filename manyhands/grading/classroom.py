"""The class as the grader sees it: who submitted, which learner ids are safe, each worker's share, and the
staging folder that gives nbgrader only each learner's notebooks (and a timestamp that is a date)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

def students(course: Path, assignment: str) -> list[str]:
    base = course / "submitted"
    return sorted(p.name for p in base.iterdir() if (p / assignment).is_dir()) if base.exists() else []


DB_ENV = "MANYHANDS_DB_URL"


def gradebook_url(course) -> str:
    """The gradebook's database: ``MANYHANDS_DB_URL`` when set (PostgreSQL for several graders at once, e.g.
    ``postgresql+psycopg2://grader@/manyhands?host=/run/postgresql``), else sqlite in the course root.  The course's
    nbgrader_config.py reads the same variable, so nbgrader and the course's commands always agree."""
    import os

    return os.environ.get(DB_ENV) or f"sqlite:///{course}/gradebook.db"


# ---------------------------------------------------------------- learner ids

def id_problem(student: str) -> str | None:
    """Why nbgrader or the file system cannot handle this learner id safely (None if it can).

    An id is data: it never goes into a command line or a list; the grader passes nbgrader a folder
    per worker instead.  What remains unsafe is what nbgrader itself does with a folder's name: it
    expands the learner's folder as a file-name pattern (``*``, ``?``, ``[`` and ``]`` then match other
    learners' folders), skips hidden folders (a leading ``.``), strips surrounding white space (the id
    then names another folder), uses ``+`` as the exchange's separator; a leading ``-`` reads as an
    option on a command line, and control characters break its logs and CSV export."""
    if not student:
        return "is empty"
    if student != student.strip():
        return "begins or ends with white space, which nbgrader strips (it would then name another learner)"
    if set(student) & set("*?[]"):
        return "contains *, ?, [ or ], which nbgrader expands as a file-name pattern (matching other learners)"
    if student.startswith("."):
        return "begins with '.', a hidden folder that nbgrader never finds"
    if student.startswith("-"):
        return "begins with '-', which nbgrader's command line reads as an option"
    if "+" in student:
        return "contains '+', the separator of nbgrader's exchange file names"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in student) or "\\" in student:
        return "contains a control character, a line break or a backslash"
    return None


def split_class(everyone: list[str], jobs: int) -> list[list[str]]:
    """Each learner in exactly one share (whatever the id: no id is ever parsed)."""
    jobs = max(1, min(jobs, len(everyone)))
    return [everyone[i::jobs] for i in range(jobs)]


# ---------------------------------------------------------------- what nbgrader is given to grade

STAGING = ".manyhands-grading"  # in the course root: each worker's share of the class, notebooks only
NBGRADER_FILES = {"timestamp.txt", "submission_secret.txt"}  # nbgrader's own (submit, collect): kept

_KINDS = [(stat.S_ISLNK, "a symbolic link"), (stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device")]


def _special(path: Path) -> str | None:
    """Why ``path`` is not a plain file or folder of the submission's own (None if it is one)."""
    st = os.lstat(path)
    for test, kind in _KINDS:
        if test(st.st_mode):
            return f"{kind} to {os.readlink(path)}" if kind == "a symbolic link" else kind
    if stat.S_ISREG(st.st_mode) and st.st_nlink > 1:
        return "a hard link to another file"
    return None


def inspect_submission(folder: Path) -> tuple[list[str], list[str], list[str]]:
    """A submission folder as the grader sees it, without following any link:
    (the notebooks nbgrader is given, every other file the learner submitted, the entries refused
    because they are links, pipes, devices or sockets)."""
    notebooks, others, refused = [], [], []
    for level, what in ((folder.parent, "the learner's folder"), (folder, "the submission folder")):
        try:
            why = _special(level)
        except OSError:
            return [], [], []
        if why:
            return [], [], [f"{what} itself ({why})"]
    for dirpath, dirnames, filenames in os.walk(folder):  # never follows a link
        for name in sorted(dirnames + filenames):
            path = Path(dirpath) / name
            rel = path.relative_to(folder).as_posix()
            why = _special(path)
            if why:
                refused.append(f"{rel} ({why})")
            elif name in dirnames:
                continue
            elif Path(dirpath) == folder and name.endswith(".ipynb"):
                notebooks.append(name)
            elif not (Path(dirpath) == folder and name in NBGRADER_FILES):
                others.append(rel)
        dirnames[:] = [d for d in dirnames if not _special(Path(dirpath) / d)]
    return sorted(notebooks), sorted(others), sorted(refused)


def _copy_plain(src: Path, dest: Path) -> None:
    """Copy a regular file without following a link (a file swapped for a link meanwhile is refused)."""
    fd = os.open(src, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise OSError(f"{src} is not a regular file")
        dest.write_bytes(f.read())


def stage(course: Path, assignment: str, share: list[str], dest: Path) -> None:
    """Give nbgrader, in ``dest/<learner>/<assignment>/``, only each learner's top-level notebooks (and
    nbgrader's timestamp): never a learner's other files, links, pipes or devices."""
    for student in share:
        src = course / "submitted" / student / assignment
        out = dest / student / assignment
        out.mkdir(parents=True)
        notebooks, _, _ = inspect_submission(src)
        kept = [n for n in NBGRADER_FILES if (src / n).is_file() and not _special(src / n)]
        if "timestamp.txt" in kept and timestamp_problem(src / "timestamp.txt"):
            kept.remove("timestamp.txt")  # nbgrader fails the whole learner over it; the report says why
        for name in notebooks + kept:
            try:
                _copy_plain(src / name, out / name)
            except OSError:
                pass  # swapped for something else since it was inspected: not graded, the report says so


def timestamp_problem(path: Path) -> str | None:
    """Why nbgrader cannot read the submission's ``timestamp.txt`` as a date (None if it can, or if it is absent).
    Such a file is never given to nbgrader (it would fail the learner's whole grading), and the report says so."""
    try:
        if not path.is_file() or _special(path):
            return None
        if path.stat().st_size > 200:
            return "it is not a date (longer than any timestamp)"
        text = path.read_text(encoding="utf-8", errors="replace").strip()
        from nbgrader.utils import parse_utc

        parse_utc(text)
    except (ValueError, OverflowError, TypeError) as exc:
        return f"it is not a date ({str(exc)[:80]})"
    except OSError:
        return None
    return None


