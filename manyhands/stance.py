"""The learner's "where do you stand" record.

Lesson 00 asks where a learner stands between "the leader decides" (0) and "the system decides"
(10); lesson 05 asks again and shows how the view moved.  Positions are kept in a small JSON file
in the learner's home folder (``~/.manyhands/stance.json``; the ``MANYHANDS_HOME`` environment
variable moves it).  A missing file means no history yet; a corrupt one is set aside (renamed
``stance.json.corrupt``) with a message, never a traceback.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from pathlib import Path

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
    home = os.environ.get("MANYHANDS_HOME")
    return (Path(home) if home else Path.home() / ".manyhands") / "stance.json"


def load_history(path: Path | None = None) -> tuple[list[dict], str]:
    """Return (records, message). Never raises on a missing or corrupt file."""
    path = Path(path) if path else stance_path()
    if not path.exists():
        return [], "No saved position yet."
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        records = data["records"]
        if not isinstance(records, list):
            raise ValueError("records is not a list")
        clean = []
        for rec in records:
            clean.append({"lesson": str(rec["lesson"]), "value": _check_value(rec["value"]), "saved_at": str(rec.get("saved_at", ""))})
        return clean, f"{len(clean)} saved position(s) found."
    except (ValueError, KeyError, TypeError, StanceError, UnicodeDecodeError) as exc:
        backup = path.with_name(path.name + ".corrupt")
        try:
            path.replace(backup)
            where = f" It was set aside as {backup.name} and a fresh record will be started."
        except OSError:
            where = ""
        return [], f"Your saved positions could not be read ({type(exc).__name__}).{where}"


def save_stance(lesson: str, value: int, path: Path | None = None) -> dict:
    """Append a position for a lesson to the record and return the new record entry."""
    value = _check_value(value)
    if not isinstance(lesson, str) or not lesson.strip():
        raise StanceError("Say which lesson the position belongs to, e.g. '00'.")
    path = Path(path) if path else stance_path()
    records, _ = load_history(path)
    entry = {"lesson": lesson, "value": value, "saved_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")}
    records.append(entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({"version": 1, "records": records}, indent=1), encoding="utf-8")
    tmp.replace(path)  # atomic: a crash never leaves half a file
    return entry


def latest(records: list[dict], lesson: str) -> int | None:
    """The most recent position saved for a lesson, or None."""
    values = [r["value"] for r in records if r["lesson"] == lesson]
    return values[-1] if values else None
