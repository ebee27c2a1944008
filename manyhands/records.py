"""A learner's records (lesson 00's position, lesson 04's grid, lesson 05's ledger) in one visible JSON file that
the learner can download and upload again, so that they outlive a Binder session.

Where the file is (``records_path()``), in this order:

1. ``MANYHANDS_HOME`` set: the file ``manyhands_records.json`` directly inside that folder;
2. the notebook runs in ``lessons/`` or ``exercises/`` (or a folder below them, such as ``exercises/ex00``) of a
   course folder, i.e. a folder that holds ``lessons/``: the file at the top of that course folder;
3. otherwise: the file in the current folder (the notebook's own).

So every lesson and exercise of one copy of the course shares one file, at the top of the course folder, where
JupyterLab's file browser shows it (it does not show hidden files or folders, such as ``~/.manyhands``).

The file::

    {"format": "manyhands-records", "version": 1, "saved_at": "2026-11-20T10:00:00+00:00",
     "records": {"stance": [{"lesson": "00", "value": 4, "saved_at": "..."}], "04.grid": {...}},
     "key_saved_at": {"stance": "...", "04.grid": "..."}}

``get`` never raises: a missing file means nothing saved yet, and a file that cannot be read is set aside as
``<name>.corrupt`` (nothing is deleted) with a one-line message from ``last_message()``.  ``put`` writes
atomically (a temporary file, then a rename), keeps the other keys and stamps ``saved_at``.  Every lesson's notebook
has its own kernel (its own process) and any of them may save, so every save reads the file again under a lock and
changes only its own key (``update_to`` changes a key from its value on disk at that moment, as saving a position
does): a save never undoes what another notebook saved.  ``restore`` checks an uploaded copy before it touches
anything and merges it in; when the copy holds values that differ from those here but were saved earlier, it lists
each difference and keeps what is here until the learner chooses (``restore_report(..., take_older=True)`` puts
the copy's values in).  Only the keys this package knows ("stance") are checked in detail; the others are kept as
they are.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as _dt
import json
import os
import tempfile
import weakref
from pathlib import Path

__all__ = ["FILE_NAME", "MAX_UPLOAD_BYTES", "RecordsError", "course_root", "get", "key_name", "last_message", "put",
           "read", "records_path", "restore", "restore_report", "update_to"]

FILE_NAME = "manyhands_records.json"
FORMAT = "manyhands-records"
VERSION = 1
MAX_UPLOAD_BYTES = 1_000_000
# What each known key is, in words, for the messages.
KEY_NAMES = {
    "stance": "your \"where do you stand\" positions",
    "04.grid": "lesson 04's comparison grid",
    "05.ledger": "lesson 05's responsibility ledger",
}


def key_name(key: str) -> str:
    """A record's name in words, for the messages."""
    if key in KEY_NAMES:
        return KEY_NAMES[key]
    if key.startswith("self."):  # essays.self_assessment: self.<exercise>.<answer cell>
        return f"your judgement of your written answer in {key.split('.')[1]}"
    return f"the record \"{key}\""
_COURSE_SUBFOLDERS = ("lessons", "exercises")

_last_message = ""
_listeners: list = []


class RecordsError(ValueError):
    """A value that cannot be kept in the records file, or a file that is not a records file."""


# ---- where -------------------------------------------------------------------------------------------------

def course_root(cwd: Path | None = None) -> Path:
    """The course folder (the one holding ``lessons/``) that ``cwd`` lies in, through its ``lessons/`` or
    ``exercises/`` folder; ``cwd`` itself when it lies in none."""
    cwd = Path(cwd) if cwd is not None else Path.cwd()
    for folder in (cwd, *cwd.parents):
        if folder.name in _COURSE_SUBFOLDERS and (folder.parent / "lessons").is_dir():
            return folder.parent
    return cwd


def records_path() -> Path:
    """The learner's records file (see the module's opening for the rule)."""
    home = os.environ.get("MANYHANDS_HOME")
    if home:
        return Path(home).expanduser() / FILE_NAME
    return course_root() / FILE_NAME


def last_message() -> str:
    """The last thing worth telling the learner about the file (a file set aside, an upload's result), or ''."""
    return _last_message


def _say(message: str) -> str:
    global _last_message
    _last_message = message
    return message


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def on_change(callback) -> None:
    """Call ``callback(path)`` after each successful ``put`` or ``restore`` (a view that shows the file uses it).
    Bound methods are held weakly, so a view that is gone is not kept alive."""
    ref = weakref.WeakMethod(callback) if hasattr(callback, "__self__") else (lambda c=callback: c)
    _listeners.append(ref)


def _notify(path: Path) -> None:
    for ref in list(_listeners):
        callback = ref()
        if callback is None:
            _listeners.remove(ref)
            continue
        try:
            callback(path)
        except Exception:  # a view's trouble never stops a save  # noqa: BLE001
            pass


# ---- shape -------------------------------------------------------------------------------------------------

def _empty() -> dict:
    return {"format": FORMAT, "version": VERSION, "saved_at": "", "records": {}, "key_saved_at": {}}


def _validators() -> dict:
    from . import stance  # stance imports this module: imported here, when first needed

    return {"stance": stance.clean_history}


def _check_shape(doc) -> dict:
    """A records document in the expected shape (known keys cleaned), or RecordsError saying what is wrong."""
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise RecordsError("it is not a Many Hands records file")
    version = doc.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise RecordsError("it has no valid version number")
    if version > VERSION:
        raise RecordsError(f"it was made by a newer version of the course (records version {version}; this copy of "
                           f"the course reads version {VERSION}): update the course, then try again")
    records = doc.get("records")
    if not isinstance(records, dict):
        raise RecordsError("its \"records\" part is not a set of named records")
    stamps = doc.get("key_saved_at", {})
    if not isinstance(stamps, dict) or not all(isinstance(v, str) for v in stamps.values()):
        raise RecordsError("its \"key_saved_at\" part is not a set of dates")
    clean = dict(records)
    for key, check in _validators().items():
        if key in clean:
            try:
                clean[key] = check(clean[key])
            except (ValueError, TypeError, KeyError) as exc:
                raise RecordsError(f"its part \"{key}\" ({KEY_NAMES.get(key, key)}) is not in the expected shape: {exc}") from exc
    saved_at = doc.get("saved_at", "")
    return {"format": FORMAT, "version": VERSION, "saved_at": saved_at if isinstance(saved_at, str) else "",
            "records": clean, "key_saved_at": {k: v for k, v in stamps.items() if k in clean}}


# ---- read --------------------------------------------------------------------------------------------------

def _set_aside(path: Path) -> Path | None:
    """Rename an unreadable file to ``<name>.corrupt`` (``.corrupt-2`` … if that is taken); None if it cannot."""
    target = path.with_name(path.name + ".corrupt")
    n = 2
    while target.exists():
        target = path.with_name(f"{path.name}.corrupt-{n}")
        n += 1
    try:
        path.replace(target)
    except OSError:
        return None
    return target


def read(path: Path | None = None) -> tuple[dict, str]:
    """All the records (a dict of key to value) and a message ('' when all is well). Never raises: a missing
    file gives {}; an unreadable one is set aside as ``<name>.corrupt`` and gives {} with a message."""
    doc, message = _load(Path(path) if path else records_path())
    return copy.deepcopy(doc["records"]), message


def _load(path: Path) -> tuple[dict, str]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return _empty(), ""
    except OSError as exc:
        return _empty(), _say(f"Your records file {path.name} could not be opened ({exc.strerror or exc}).")
    try:
        return _check_shape(json.loads(raw.decode("utf-8-sig"))), ""
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError and RecordsError are ValueErrors
        reason = str(exc) if isinstance(exc, RecordsError) else type(exc).__name__
        moved = _set_aside(path)
        where = (f" It was set aside as {moved.name} (nothing is deleted) and a fresh record will be started."
                 if moved else "")
        return _empty(), _say(f"Your saved records could not be read ({reason}).{where}")


def get(key: str, default=None):
    """The record saved under ``key`` (a copy), or ``default`` when there is none. Never raises."""
    try:
        path = records_path()
    except OSError as exc:  # the current folder was deleted under the kernel, say
        _say(f"Your records file could not be found ({exc.strerror or exc}).")
        return default
    return get_from(path, key, default)


def get_from(path: Path, key: str, default=None):
    """``get`` for a given file (tests, and a view given its own file)."""
    try:
        doc, _ = _load(Path(path))
    except Exception as exc:  # never a traceback for a learner  # noqa: BLE001
        _say(f"Your records file could not be read ({type(exc).__name__}).")
        return default
    if key not in doc["records"]:
        return default
    return copy.deepcopy(doc["records"][key])


# ---- write -------------------------------------------------------------------------------------------------

@contextlib.contextmanager
def _locked(path: Path):
    """Hold a lock on the records file while it is read and rewritten, so that two notebooks saving at once do
    not lose each other's work (POSIX only; elsewhere, nothing)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # Windows
        yield
        return
    try:
        handle = open(path.with_name(f".{path.name}.lock"), "a")
    except OSError:
        yield
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write(path: Path, doc: dict) -> None:
    """Write atomically: a temporary file beside it, flushed, then renamed over it."""
    text = json.dumps(doc, indent=1, ensure_ascii=False, allow_nan=False) + "\n"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _plain(key, value):
    """``value`` as plain JSON data (a copy), checked if ``key`` is known; RecordsError if it cannot be saved."""
    if not isinstance(key, str) or not key.strip():
        raise RecordsError(f"A record's name is a non-empty text, not {key!r}.")
    try:
        value = json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise RecordsError(f"The record {key!r} cannot be saved as JSON: {exc}") from exc
    check = _validators().get(key)
    if check is not None:
        try:
            value = check(value)
        except (ValueError, TypeError, KeyError) as exc:
            raise RecordsError(f"The record {key!r} is not in the expected shape: {exc}") from exc
    return value


def put(key: str, value) -> None:
    """Save ``value`` (JSON data: dicts, lists, text, numbers, True/False/None) under ``key``, keeping the other
    records. Raises RecordsError for a value that cannot be saved and OSError when the file cannot be written."""
    put_to(records_path(), key, value)


def put_to(path: Path, key: str, value) -> None:
    """``put`` for a given file."""
    value = _plain(key, value)
    update_to(path, key, lambda _old: value)


def update_to(path: Path, key: str, change):
    """Save ``change(value on disk now)`` under ``key`` and return it, all under the file's lock: the value is read
    from the file at that moment (None when there is none), not from what this notebook read earlier, so a save in
    one notebook never undoes a save made in another one (another kernel) in between."""
    path = Path(path)
    with _locked(path):
        doc, _ = _load(path)
        value = _plain(key, change(copy.deepcopy(doc["records"].get(key))))
        now = _now()
        doc["records"][key] = value
        doc["key_saved_at"][key] = now
        doc["saved_at"] = now
        _write(path, doc)
    _notify(path)
    return copy.deepcopy(value)


# ---- restore an uploaded copy ------------------------------------------------------------------------------

_MISSING = object()
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
MAX_DIFFERENCES = 20  # listed one by one; the rest are counted


def _describe_key(key: str, value) -> str:
    name = key_name(key)
    if key == "stance" and isinstance(value, list):
        return f"{len(value)} saved position{'s' if len(value) != 1 else ''}"
    return name


def _when(stamp: str) -> str:
    """A saved_at stamp in words: "5 January 2026, 09:00 UTC"."""
    if not stamp:
        return "date not known"
    try:
        moment = _dt.datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return stamp
    if moment.tzinfo is not None:
        moment = moment.astimezone(_dt.timezone.utc)
    return f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}, {moment:%H:%M}" + (" UTC" if moment.tzinfo else "")


def _leaves(value, path=()):
    """(path, value) for each single answer inside a record (a value that is not a dict with entries)."""
    if isinstance(value, dict) and value:
        for k, v in value.items():
            yield from _leaves(v, (*path, str(k)))
    else:
        yield path, value


def _words(value) -> str:
    """One answer in words, for the list of differences."""
    if value is _MISSING or value is None or value == "":
        return "not given"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return "\u201c" + (value if len(value) <= 60 else value[:57] + "\u2026") + "\u201d"
    if isinstance(value, (int, float)):
        return str(value)
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "\u2026"


def _label(key: str, path: tuple, mine, theirs) -> str:
    """Which answer ``path`` is, in words: "lesson 04's comparison grid, the rating for "refusal", Nazi Germany"."""
    name = key_name(key)
    if key == "04.grid" and len(path) == 3 and path[0] == "ratings":
        what = f"your note on \u201c{path[1]}\u201d" if path[2] == "note" else f"your rating for \u201c{path[1]}\u201d, {path[2]}"
        return f"{name}, {what}"
    if key == "05.ledger" and len(path) >= 3 and path[0] == "cases":
        label = path[1]
        for doc in (mine, theirs):
            case = doc.get("cases", {}).get(path[1]) if isinstance(doc, dict) and isinstance(doc.get("cases"), dict) else None
            if isinstance(case, dict) and isinstance(case.get("label"), str):
                label = case["label"]
                break
        rest = path[2:]
        if rest == ("evidence",):
            return f"{name}, {label}: your evidence"
        if len(rest) >= 3 and rest[0] == "actors":
            what = ("what the documents show they did" if rest[2:] == ("did",)
                    else f"{rest[3]} guilt" if len(rest) == 4 and rest[2] == "guilt" else " \u203a ".join(rest[2:]))
            return f"{name}, {label}, {rest[1]}: {what}"
        return f"{name}, {label}: " + " \u203a ".join(rest)
    return name + (", " + " \u203a ".join(path) if path else "")


def differences(key: str, theirs, theirs_at: str, mine, mine_at: str) -> list[str]:
    """Each answer of the record ``key`` that differs between an uploaded backup (``theirs``, saved ``theirs_at``)
    and the file here (``mine``, saved ``mine_at``): which answer it is, the backup's value and the value here,
    with their dates, in plain words."""
    a, b = dict(_leaves(theirs)), dict(_leaves(mine))
    out = []
    for path in [*b, *(p for p in a if p not in b)]:
        old, here = a.get(path, _MISSING), b.get(path, _MISSING)
        if old == here or (old in (_MISSING, None, "") and here in (_MISSING, None, "")):
            continue
        text = (f"{_label(key, path, mine, theirs)}: {_words(old)} in your backup (saved {_when(theirs_at)}), "
                f"{_words(here)} here (saved {_when(mine_at)})")
        out.append(text[0].upper() + text[1:])
    if not out and theirs != mine:  # values that differ only in a way the list above does not show
        name = key_name(key)
        out.append(f"{name[0].upper() + name[1:]}: different in your backup (saved {_when(theirs_at)}) and here "
                   f"(saved {_when(mine_at)})")
    return out


class Report:
    """What a restore did: ``message`` (plain words, everything), ``changed`` (the file was rewritten), ``older``
    (the records whose backup values differ from those here but were saved earlier, so they were not used: the
    learner may still choose to use them, ``take_older=True``), ``differences`` (each differing answer of those, in
    words), ``summary`` and ``choice`` (the parts of ``message`` before and after the differences)."""

    def __init__(self, summary: str, changed: bool = False, older=(), differences=(), choice: str = ""):
        self.summary, self.changed, self.older = summary, changed, list(older)
        self.differences, self.choice = list(differences), choice

    @property
    def message(self) -> str:
        shown = self.differences[:MAX_DIFFERENCES]
        more = len(self.differences) - len(shown)
        listed = "".join(f"\n- {d}" for d in shown) + (f"\n- and {more} more difference{'s' * (more != 1)}" if more else "")
        return self.summary + listed + ("\n" + self.choice if self.choice else "")

    def __str__(self) -> str:
        return self.message


USE_BACKUP = "Use my backup's values"
KEEP_HERE = "Keep what is here"


def _merge(mine: dict, theirs: dict, take_older: bool = False) -> tuple[dict, list[str], list[str], list[str]]:
    """Merge an uploaded document into the current one: positions are united (nothing lost, no duplicates, in
    date order); for any other record the more recently saved copy wins (the backup's, even when it is older, with
    ``take_older``). Returns the result, what changed, the records kept here although the backup's differ, and
    each differing answer of those."""
    out = copy.deepcopy(mine)
    notes, older, diffs = [], [], []
    for key, value in theirs["records"].items():
        if key not in out["records"]:
            out["records"][key] = value
            out["key_saved_at"][key] = theirs["key_saved_at"].get(key, theirs["saved_at"])
            notes.append(f"{_describe_key(key, value)} added")
        elif key == "stance":
            seen = {(r["lesson"], r["value"], r["saved_at"]) for r in out["records"][key]}
            new = [r for r in value if (r["lesson"], r["value"], r["saved_at"]) not in seen]
            out["records"][key] = sorted(out["records"][key] + new, key=lambda r: r["saved_at"])
            if new:
                out["key_saved_at"][key] = max(out["key_saved_at"].get(key, ""), theirs["key_saved_at"].get(key, ""))
            notes.append(f"{len(new)} saved position{'s' if len(new) != 1 else ''} added"
                         + (" (the others were here already)" if len(new) < len(value) else ""))
        elif value != out["records"][key]:
            theirs_at = theirs["key_saved_at"].get(key, theirs["saved_at"])
            mine_at = out["key_saved_at"].get(key, "")
            changes = differences(key, value, theirs_at, out["records"][key], mine_at)
            if theirs_at >= mine_at:
                out["records"][key] = value
                out["key_saved_at"][key] = theirs_at
                shown = [c[0].lower() + c[1:] for c in changes[:5]]
                more = len(changes) - len(shown)
                notes.append(f"{_describe_key(key, value)} taken from your backup (saved later than the one here; "
                             + "; ".join(shown) + (f"; and {more} more difference{'s' * (more != 1)}" if more else "")
                             + ")")
            elif take_older:
                out["records"][key] = value
                out["key_saved_at"][key] = _now()  # chosen now: the learner's latest word on it
                notes.append(f"{_describe_key(key, value)}: your backup's values put in place of those here, as you chose")
            else:
                older.append(key)
                diffs.extend(changes)
    return out, notes, older, diffs


def restore(content: bytes, replace: bool = False) -> str:
    """Bring back records from an uploaded copy of the records file and return what happened, in plain English.

    The copy is checked first (size, JSON, a Many Hands records file, its version, the shape of the records this
    package knows); a bad copy leaves the current file untouched. A good copy is merged in (``replace=True``: it
    replaces the current file instead)."""
    return restore_to(records_path(), content, replace=replace)


def restore_to(path: Path, content: bytes, replace: bool = False, take_older: bool = False) -> str:
    """``restore`` into a given file; the message of ``restore_report``."""
    return restore_report(path, content, replace=replace, take_older=take_older).message


def restore_report(path: Path, content: bytes, replace: bool = False, take_older: bool = False) -> Report:
    """``restore_to``, with the whole story (a ``Report``). When the backup holds values that differ from those
    here but were saved earlier, they are not used and the report lists each difference (``older``,
    ``differences``), so the learner can choose: call again with ``take_older=True`` to put the backup's values in
    place of those here, or leave things as they are."""
    path = Path(path)
    nothing = " Nothing was changed."

    def refused(text: str) -> Report:
        _say(text)
        return Report(text)

    if isinstance(content, str):
        content = content.encode("utf-8")
    try:
        content = bytes(content)
    except (TypeError, ValueError):
        return refused("That upload could not be read as a file." + nothing)
    if len(content) > MAX_UPLOAD_BYTES:
        return refused(f"That file is {len(content) / 1e6:.1f} MB: too big to be a records file (they are a few "
                       f"kilobytes, and at most {MAX_UPLOAD_BYTES // 1_000_000} MB are accepted). Did you pick {FILE_NAME}?"
                       + nothing)
    if not content.strip():
        return refused("That file is empty." + nothing)
    try:
        doc = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return refused(f"That file is not a records file (it is not JSON text). Pick the {FILE_NAME} you downloaded."
                       + nothing)
    try:
        theirs = _check_shape(doc)
    except RecordsError as exc:
        return refused(f"That file cannot be used: {exc}." + nothing)
    if not theirs["records"]:
        return refused("That records file holds no records." + nothing)
    older, diffs = [], []
    try:
        with _locked(path):
            mine, _ = _load(path)
            if replace:
                result, notes = theirs, [_describe_key(k, v) + " restored" for k, v in theirs["records"].items()]
            else:
                result, notes, older, diffs = _merge(mine, theirs, take_older=take_older)
            changed = replace or result["records"] != mine["records"]
            if changed:
                result["saved_at"] = _now()
                _write(path, result)
    except OSError as exc:
        return refused(f"The records could not be saved ({exc.strerror or exc}); your file was not changed.")
    if changed:
        _notify(path)
        summary = f"Restored from your backup into {path.name}: " + "; ".join(notes) + "."
    elif older:
        summary = ""
    else:
        summary = "The uploaded file holds nothing that is not here already." + nothing
    choice = ""
    if older:
        names = [key_name(k) for k in older]
        what = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        summary = (f"{summary} Your backup also holds different values for {what} from the ones here; the ones here "
                   "were saved later, so they were kept for now. What differs:" if changed else
                   f"Your backup holds different values for {what} from the ones here; the ones here were saved "
                   "later, so nothing has been changed yet. What differs:")
        choice = (f"Choose \u201c{USE_BACKUP}\u201d to put your backup's values in place of those here, or "
                  f"\u201c{KEEP_HERE}\u201d to leave your records as they are.")
    report = Report(summary, changed=changed, older=older, differences=diffs, choice=choice)
    _say(report.message)
    return report
