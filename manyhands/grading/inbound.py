"""A submission counts for the learner who owns it: on a machine where each learner is a Unix user (a hub), a folder in
the exchange's inbound whose name claims one learner and whose files belong to another is set aside before collect.

nbgrader names a submission ``<student id>+<assignment>+<time>+<random>`` and ``nbgrader collect`` believes the name;
a learner can write any name into inbound (``nbgrader submit --student=someone-else``, or by hand).  The one thing a
learner cannot choose is the owner of what they write, so the owner decides: a folder whose owner (or any file's owner
inside it) is not the Unix user of the id it claims is renamed so that collect no longer sees it (``forged~...``,
without a ``+``), and reported.  Only for classes whose learners are Unix users; learners who share one account and
tell themselves apart by ``student_id`` (the guide's single-machine set-up) cannot be checked this way.
"""

from __future__ import annotations

import argparse
import os
import pwd
import sys
from pathlib import Path

__all__ = ["set_aside_forged", "main"]


def _owner(path: Path) -> str:
    uid = path.lstat().st_uid
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def set_aside_forged(inbound: Path, assignment: str | None = None) -> list[str]:
    """Rename every submission in ``inbound`` whose owner is not the learner it names; return a line for each."""
    lines = []
    for entry in sorted(inbound.iterdir()):
        parts = entry.name.split("+")
        if len(parts) < 4 or (assignment and parts[1] != assignment):
            continue
        claimed = parts[0]
        owners = {_owner(entry)}
        if entry.is_dir() and not entry.is_symlink():
            for dirpath, dirnames, filenames in os.walk(entry):
                owners |= {_owner(Path(dirpath) / name) for name in dirnames + filenames}
        if owners != {claimed}:
            target = inbound / ("forged~" + "~".join(parts).replace("/", "_"))
            entry.rename(target)  # same folder: collect's pattern (<id>+<assignment>+...) no longer matches it
            lines.append(f"set aside {entry.name}: it claims {claimed}, but belongs to {', '.join(sorted(owners))} "
                         f"(now {target.name}; not collected)")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m manyhands.grading.inbound", description=__doc__.split("\n\n")[0])
    parser.add_argument("assignment")
    parser.add_argument("--exchange", type=Path, required=True, help="the exchange root (c.Exchange.root)")
    parser.add_argument("--course-id", default="manyhands")
    args = parser.parse_args(argv)
    inbound = args.exchange / args.course_id / "inbound"
    if not inbound.is_dir():
        print(f"no inbound folder at {inbound}: nothing submitted yet", file=sys.stderr)
        return 0
    lines = set_aside_forged(inbound, args.assignment)
    for line in lines:
        print("WARNING: " + line, file=sys.stderr)
    print(f"{len(lines)} submission(s) set aside as forged in {inbound}")
    return 1 if lines else 0


if __name__ == "__main__":
    raise SystemExit(main())
