"""A submission counts for the learner who owns it: on a machine where each learner is a Unix user (a hub), the course
collects only from a private copy of the exchange's inbound that holds the submissions whose every file belongs to
the learner they name.

nbgrader names a submission ``<student id>+<assignment>+<time>+<random>`` and ``nbgrader collect`` believes the name;
a learner can write any name into inbound (``nbgrader submit --student=someone-else``, or by hand).  The one thing a
learner cannot choose is the owner of what they write, so the owner decides.  Checking inbound and then collecting
from it would leave a gap: a learner whose loop keeps submitting in another's name has a fresh forgery in inbound
whenever collect runs.  So nothing is collected from inbound itself:

- each file is opened without following links and its owner read from the open file (``fstat``), then copied from
  that same open file into a folder inside the course root (0700, the instructor's), so what was checked is what is
  copied;
- a submission with anything not owned by the learner it names (a file, a folder, a link) is not copied, and is
  renamed in inbound (``forged~...``, without a ``+``) and reported;
- ``nbgrader collect`` then runs with that private folder as its exchange, so a submission written into inbound after
  the check is never seen by it.

Only for classes whose learners are Unix users; learners who share one account and tell themselves apart by
``student_id`` (the guide's single-machine set-up) cannot be checked this way.
"""

from __future__ import annotations

import argparse
import os
import pwd
import shutil
import stat
import subprocess
import sys
from pathlib import Path

__all__ = ["verified_copy", "main"]

MAX_BYTES = 50_000_000  # one submission: far above any notebook of the course's, far below a full disk
VERIFIED = ".verified-inbound"  # inside the course root; nbgrader collect reads it as <exchange>/<course id>/inbound


class NotTheirs(Exception):
    """Something in a submission does not belong to the learner it names (or cannot be copied safely)."""


def _name_of(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def _copy_dir(src_fd: int, dest: Path, uid: int, budget: list[int]) -> None:
    """Copy the folder open at ``src_fd`` into ``dest``, refusing anything ``uid`` does not own, or any link."""
    dest.mkdir(mode=0o700)
    for name in sorted(os.listdir(src_fd)):
        info = os.stat(name, dir_fd=src_fd, follow_symlinks=False)
        if stat.S_ISLNK(info.st_mode):
            raise NotTheirs(f"{name} is a link")
        flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | (os.O_DIRECTORY if stat.S_ISDIR(info.st_mode) else 0)
        fd = os.open(name, flags, dir_fd=src_fd)
        try:
            opened = os.fstat(fd)  # what was opened, not what the name pointed to a moment before
            if opened.st_uid != uid:
                raise NotTheirs(f"{name} belongs to {_name_of(opened.st_uid)}")
            budget[0] -= max(opened.st_size, 4096)  # every entry costs at least a block: no million empty files
            if budget[0] < 0:
                raise NotTheirs(f"it is larger than {MAX_BYTES:,} bytes")
            if stat.S_ISDIR(opened.st_mode):
                _copy_dir(fd, dest / name, uid, budget)
            elif stat.S_ISREG(opened.st_mode):
                with os.fdopen(os.dup(fd), "rb") as src, open(dest / name, "xb") as out:
                    shutil.copyfileobj(src, out)
            else:
                raise NotTheirs(f"{name} is not a file or a folder")
        finally:
            os.close(fd)


def verified_copy(inbound: Path, dest: Path, assignment: str) -> list[str]:
    """Copy into ``dest`` (made afresh) every submission of ``assignment`` in ``inbound`` whose every part belongs to
    the learner it names; rename the others in inbound.  Return a line for each submission not copied."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(mode=0o700, parents=True)
    lines = []
    for entry in sorted(inbound.iterdir()):
        parts = entry.name.split("+")
        if len(parts) < 4 or parts[1] != assignment:
            continue
        claimed = parts[0]
        try:
            uid = pwd.getpwnam(claimed).pw_uid
            fd = os.open(entry, os.O_RDONLY | os.O_NOFOLLOW | os.O_DIRECTORY)
        except (KeyError, OSError) as exc:
            why = f"no user named {claimed}" if isinstance(exc, KeyError) else "it is not a folder"
            lines.append(_set_aside(inbound, entry, parts, why))
            continue
        try:
            owner = os.fstat(fd).st_uid
            if owner != uid:
                raise NotTheirs(f"the folder belongs to {_name_of(owner)}")
            _copy_dir(fd, dest / entry.name, uid, [MAX_BYTES])
        except (NotTheirs, OSError) as exc:
            shutil.rmtree(dest / entry.name, ignore_errors=True)
            lines.append(_set_aside(inbound, entry, parts, str(exc)))
        finally:
            os.close(fd)
    return lines


def _set_aside(inbound: Path, entry: Path, parts: list[str], why: str) -> str:
    target = inbound / ("forged~" + "~".join(parts).replace("/", "_"))
    try:
        entry.rename(target)  # collect's pattern (<id>+<assignment>+...) no longer matches it, in inbound either
    except OSError:
        target = entry
    return f"set aside {entry.name}: it claims {parts[0]}, but {why} (now {target.name}; not collected)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m manyhands.grading.inbound", description=__doc__.split("\n\n")[0])
    parser.add_argument("assignment")
    parser.add_argument("--exchange", type=Path, required=True, help="the exchange root (c.Exchange.root)")
    parser.add_argument("--course", type=Path, default=Path.cwd(), help="the course root (default: this folder)")
    parser.add_argument("--course-id", default="manyhands")
    args = parser.parse_args(argv)
    inbound = args.exchange / args.course_id / "inbound"
    if not inbound.is_dir():
        print(f"no inbound folder at {inbound}: nothing submitted yet", file=sys.stderr)
        return 0
    private = args.course / VERIFIED
    lines = verified_copy(inbound, private / args.course_id / "inbound", args.assignment)
    for line in lines:
        print("WARNING: " + line, file=sys.stderr)
    print(f"{len(lines)} submission(s) set aside as forged in {inbound}")
    collect = subprocess.run([sys.executable, "-m", "nbgrader", "collect", args.assignment, "--update",
                              f"--Exchange.root={private}", f"--CourseDirectory.course_id={args.course_id}"],
                             cwd=args.course)
    if collect.returncode != 0:
        return collect.returncode
    return 1 if lines else 0


if __name__ == "__main__":
    raise SystemExit(main())
