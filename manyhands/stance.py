"""The learner's "where do you stand" record.

Lesson 00 asks where a learner stands between "the leader decides" (0) and "the system decides"
(10); lesson 05 asks again and shows how the view moved.  Positions are kept under the key "stance" of the
learner's records file (``manyhands.records``: ``manyhands_records.json`` at the top of the course folder, which
the learner can download and upload again).  A missing file means no history yet; a corrupt one is set aside
(renamed ``….corrupt``) with a message, never a traceback.  Positions saved by earlier versions of the course in
``~/.manyhands/stance.json`` (``$MANYHANDS_HOME/stance.json``) are imported once into an empty record.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from pathlib import Path

from . import records

SCALE_MIN, SCALE_MAX = 0, 10
POLES = {
    SCALE_MIN: "The leader decides: the deaths belong at the feet of the man at the top",
    SCALE_MAX: "The system decides: the deaths belong to the institutions and the many who ran them",
}
_BANDS = [
    (0, 1, "the leader decides"),
    (2, 3, "mostly the leader, with the apparatus as his instrument"),
    (4, 6, "leader and apparatus share it"),
    (7, 8, "mostly the apparatus, with the leader as one actor among many"),
    (9, 10, "the system decides"),
]


class StanceError(ValueError):
    """A position outside the scale or a bad lesson label."""


def describe(value: int) -> str:
    """A few words for a position on the scale."""
    value = _check_value(value)
    for low, high, words in _BANDS:
        if low <= value <= high:
            return words
    raise AssertionError("unreachable")


def _check_value(value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
        raise StanceError(f"A position is a whole number from {SCALE_MIN} to {SCALE_MAX}, not {value!r}.")
    value = int(value)
    if not SCALE_MIN <= value <= SCALE_MAX:
        raise StanceError(f"A position is a whole number from {SCALE_MIN} to {SCALE_MAX}, not {value}.")
    return value


def stance_path() -> Path:
    """The file the positions are kept in: the learner's records file."""
    return records.records_path()


def legacy_path() -> Path:
    """Where earlier versions of the course kept the positions (a hidden folder JupyterLab does not show)."""
    home = os.environ.get("MANYHANDS_HOME")
    return (Path(home) if home else Path.home() / ".manyhands") / "stance.json"


def clean_history(entries) -> list[dict]:
    """The saved positions, checked: a list of {lesson, value, saved_at}. StanceError (a ValueError) if not."""
    if not isinstance(entries, list):
        raise StanceError("the saved positions are not a list")
    clean = []
    for rec in entries:
        if not isinstance(rec, dict):
            raise StanceError(f"a saved position is not a record: {rec!r}")
        lesson = rec.get("lesson")
        if not isinstance(lesson, str) or not lesson.strip():
            raise StanceError(f"a saved position has no lesson: {rec!r}")
        saved_at = rec.get("saved_at", "")
        clean.append({"lesson": lesson, "value": _check_value(rec.get("value")),
                      "saved_at": saved_at if isinstance(saved_at, str) else str(saved_at)})
    return clean


def _import_legacy(path: Path) -> str:
    """Once: copy positions from the old hidden file into a records file that has none, and rename the old file
    ``stance.json.imported``. Returns a message ('' when there was nothing to import)."""
    old = legacy_path()
    if not old.is_file():
        return ""
    current, _ = records.read(path)
    if "stance" in current:
        return ""
    try:
        entries = clean_history(json.loads(old.read_text(encoding="utf-8"))["records"])
    except (OSError, ValueError, KeyError, TypeError):
        return ""  # an unreadable old file is left where it is, untouched
    try:
        records.put_to(path, "stance", entries)
    except OSError:
        return ""
    try:
        old.replace(old.with_name(old.name + ".imported"))
    except OSError:
        pass
    return f" {len(entries)} position(s) saved earlier in {old} were moved into {path.name}."


def load_history(path: Path | None = None) -> tuple[list[dict], str]:
    """Return (records, message). Never raises on a missing or corrupt file."""
    imported = "" if path else _import_legacy(stance_path())  # the learner's own file only, not one given
    path = Path(path) if path else stance_path()
    everything, problem = records.read(path)
    if problem:
        return [], problem.replace("Your saved records could not be read", "Your saved positions could not be read")
    history = everything.get("stance", [])
    if not history:
        return [], "No saved position yet." + imported
    return history, f"{len(history)} saved position(s) found.{imported}"


def save_stance(lesson: str, value: int, path: Path | None = None) -> dict:
    """Append a position for a lesson to the record and return the new record entry."""
    value = _check_value(value)
    if not isinstance(lesson, str) or not lesson.strip():
        raise StanceError("Say which lesson the position belongs to, e.g. '00'.")
    path = Path(path) if path else stance_path()
    entry = {"lesson": lesson, "value": value, "saved_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")}
    # appended to the positions in the file at this moment, under its lock (another notebook may have saved one
    # since this one read them), and written atomically: a crash never leaves half a file
    records.update_to(path, "stance", lambda history: [*(history or []), entry])
    return entry


def latest(records: list[dict], lesson: str) -> int | None:
    """The most recent position saved for a lesson, or None."""
    values = [r["value"] for r in records if r["lesson"] == lesson]
    return values[-1] if values else None
