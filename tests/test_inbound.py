"""Submissions in another learner's name never reach the gradebook (manyhands.grading.inbound): the course collects
from a private copy holding only what belongs to the learner each submission names.  Owners are played by two users
every Debian machine has (daemon and nobody), so the test makes no user; it runs as root, as CI does."""

from __future__ import annotations

import os
import pwd
from pathlib import Path

import pytest

from manyhands.grading import inbound as ib

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="files owned by other users can only be made as root")

A = "ex00"


def _uid(name: str) -> int:
    return pwd.getpwnam(name).pw_uid


def _submission(inbound: Path, name: str, owner: str, files: dict[str, str] | None = None) -> Path:
    folder = inbound / name
    folder.mkdir()
    for rel, text in (files or {"ex00.ipynb": "{}", "timestamp.txt": "2026-12-07 04:00:00"}).items():
        (folder / rel).write_text(text)
        os.chown(folder / rel, _uid(owner), -1)
    os.chown(folder, _uid(owner), -1)
    return folder


def test_only_what_belongs_to_the_named_learner_is_copied_and_collect_never_reads_inbound(tmp_path):
    inbound = tmp_path / "exchange" / "manyhands" / "inbound"
    inbound.mkdir(parents=True)
    honest = _submission(inbound, f"daemon+{A}+2026-12-07 04:00:00.000000 UTC+aaaa", "daemon")
    _submission(inbound, f"nobody+{A}+2026-12-07 04:01:00.000000 UTC+bbbb", "daemon")  # daemon writes as nobody
    mixed = _submission(inbound, f"daemon+{A}+2026-12-07 04:02:00.000000 UTC+cccc", "daemon")
    os.chown(mixed / "ex00.ipynb", _uid("nobody"), -1)  # one file of someone else's inside one's own folder
    linked = _submission(inbound, f"daemon+{A}+2026-12-07 04:03:00.000000 UTC+dddd", "daemon", {"timestamp.txt": "x"})
    os.symlink(honest / "ex00.ipynb", linked / "ex00.ipynb")
    os.lchown(linked / "ex00.ipynb", _uid("daemon"), -1)
    piped = _submission(inbound, f"daemon+{A}+2026-12-07 04:04:00.000000 UTC+eeee", "daemon", {"timestamp.txt": "x"})
    os.mkfifo(piped / "ex00.ipynb")  # a reader that opened it plainly would wait for ever
    os.chown(piped / "ex00.ipynb", _uid("daemon"), -1)
    huge = _submission(inbound, f"daemon+{A}+2026-12-07 04:05:00.000000 UTC+ffff", "daemon", {"timestamp.txt": "x"})
    with open(huge / "ex00.ipynb", "wb") as f:
        f.truncate(ib.MAX_BYTES + 1)
    os.chown(huge / "ex00.ipynb", _uid("daemon"), -1)
    os.symlink(honest, inbound / f"daemon+{A}+2026-12-07 04:06:00.000000 UTC+gggg")  # a link in place of a folder
    _submission(inbound, f"nosuchlearner+{A}+2026-12-07 04:07:00.000000 UTC+hhhh", "daemon")
    other = _submission(inbound, f"nobody+ex01+2026-12-07 04:08:00.000000 UTC+iiii", "daemon")  # not this assignment

    dest = tmp_path / "course" / ib.VERIFIED / "manyhands" / "inbound"
    lines = ib.verified_copy(inbound, dest, A)

    assert sorted(p.name for p in dest.iterdir()) == [honest.name]
    assert (dest / honest.name / "ex00.ipynb").read_text() == "{}"
    assert len(lines) == 7, lines
    for why in ("belongs to daemon", "ex00.ipynb belongs to nobody", "is a link", "not a file or a folder",
                "larger than", "not a folder", "no user named nosuchlearner"):
        assert any(why in line for line in lines), (why, lines)
    # the forged ones no longer match collect's pattern in inbound either; another assignment's are left alone
    assert sorted(p.name.split("+")[0] for p in inbound.iterdir() if "+" in p.name and not p.name.startswith("forged~")) \
        == ["daemon", "nobody"] and other.exists()
    # a forgery written after the check is in inbound, but not in what collect reads
    _submission(inbound, f"nobody+{A}+2026-12-07 05:00:00.000000 UTC+late", "daemon")
    assert sorted(p.name for p in dest.iterdir()) == [honest.name]
