"""Course datasets: loading with validation, and the reference list.

Every CSV in ``datasets/`` is a resource of the Frictionless data package
``datasets/datapackage.json``.  Its Table Schema (types, required fields, allowed
values, keys) is checked by the ``frictionless`` library, the reference
implementation of the Data Package standard, before pandas reads the file (a passed check is remembered, keyed by a digest of the files, so an
unchanged dataset is not re-validated in every new kernel).  We
chose frictionless over pandera because the schema then lives beside the data in
a standard, language-neutral file that a historian can read and other tools can
check, instead of inside Python code.

Every resource names its sources, and every ``source_id`` in a table points into
``datasets/references.json`` (CSL-JSON).  ``tests/test_data.py`` fails on a
dangling or missing source.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

import pandas as pd

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("MANYHANDS_DATA", PACKAGE_DIR.parent / "datasets"))
DATAPACKAGE = DATA_DIR / "datapackage.json"
REFERENCES = DATA_DIR / "references.json"

# Table Schema types -> pandas dtypes used when reading a validated CSV.
_PANDAS_TYPES = {
    "string": "string",
    "integer": "Int64",
    "number": "Float64",
    "boolean": "boolean",
    "year": "Int64",
}


class DataError(Exception):
    """A dataset is missing, unknown or does not match its schema."""


@lru_cache(maxsize=1)
def descriptor() -> dict:
    """The data package descriptor (datapackage.json) as a dict."""
    try:
        return json.loads(DATAPACKAGE.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(
            f"The course data package was not found at {DATAPACKAGE}. "
            "Run the notebooks from a checkout of the course with the 'manyhands' package "
            "installed (see the README)."
        ) from None


def resource_names() -> list[str]:
    return [r["name"] for r in descriptor()["resources"]]


def resource(name: str) -> dict:
    """The descriptor of one resource, with a clear error for an unknown name."""
    for res in descriptor()["resources"]:
        if res["name"] == name:
            return res
    raise DataError(
        f"There is no dataset called {name!r}. The course datasets are: "
        + ", ".join(resource_names())
    )


@lru_cache(maxsize=1)
def _frictionless_package():
    from frictionless import Package  # imported here: only validation needs it

    return Package(str(DATAPACKAGE))


def _validation_errors(name: str) -> list[str]:
    report = _frictionless_package().get_resource(name).validate()
    if report.valid:
        return []
    errors = []
    for task in report.tasks:
        for err in task.errors:
            errors.append(err.message)
    return errors


def _cache_file() -> Path:
    home = os.environ.get("MANYHANDS_HOME")
    return (Path(home) if home else Path.home() / ".manyhands") / "cache" / "validated.json"


def _files(name: str) -> list[Path]:
    """The CSV of a resource and those of the resources its foreign keys point into: its validation reads them all."""
    res = resource(name)
    others = [fk.get("reference", {}).get("resource") for fk in res.get("schema", {}).get("foreignKeys", [])]
    return [DATA_DIR / res["path"], *(DATA_DIR / resource(o)["path"] for o in dict.fromkeys(others) if o and o != name)]


def _content_key(name: str) -> str:
    """A digest of everything validation depends on: the descriptor, the CSV and the library version."""
    from importlib.metadata import version

    digest = hashlib.sha256()
    digest.update(DATAPACKAGE.read_bytes())
    for path in _files(name):
        digest.update(path.read_bytes())
    digest.update(version("frictionless").encode())
    return f"{name}:{digest.hexdigest()}"


def _cached_valid(key: str) -> bool:
    try:
        return key in json.loads(_cache_file().read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError):
        return False


def _remember_valid(key: str) -> None:
    """Record a passed validation, so the next kernel skips frictionless's start-up (about 0.8 s). Best effort."""
    path = _cache_file()
    try:
        known = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
        if not isinstance(known, list):
            known = []
        known = [k for k in known if not k.startswith(key.split(":")[0] + ":")] + [key]
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(known), encoding="utf-8")
        tmp.replace(path)
    except (OSError, ValueError):
        pass


@lru_cache(maxsize=None)
def _validated(name: str, mtime_ns: tuple[int, ...]) -> bool:
    key = _content_key(name)
    if _cached_valid(key):
        return True
    errors = _validation_errors(name)
    if errors:
        shown = "\n  - ".join(errors[:10])
        more = f"\n  ... and {len(errors) - 10} more" if len(errors) > 10 else ""
        raise DataError(f"Dataset {name!r} does not match its schema:\n  - {shown}{more}")
    _remember_valid(key)
    return True


def validate(name: str) -> None:
    """Validate one resource against its schema; raise DataError listing the problems."""
    for path in _files(name):
        if not path.exists():
            raise DataError(f"Dataset {name!r} should be at {path}, but that file is missing.")
    _validated(name, tuple(p.stat().st_mtime_ns for p in _files(name)))


def validate_all() -> None:
    for name in resource_names():
        validate(name)


def load(name: str) -> pd.DataFrame:
    """Load a course dataset as a pandas DataFrame, after validating it against its schema.

    Column types follow the schema (text as ``string``, whole numbers as nullable ``Int64``).
    The result is a fresh copy: changing it never changes the data on disk or another
    notebook's copy.
    """
    if not isinstance(name, str):
        raise DataError(f"load() takes the name of a dataset as text, e.g. load('comment_sentences'), not {type(name).__name__}.")
    validate(name)
    res = resource(name)
    dtypes = {f["name"]: _PANDAS_TYPES.get(f.get("type", "string"), "string") for f in res["schema"]["fields"]}
    dates = [f["name"] for f in res["schema"]["fields"] if f.get("type") == "date"]
    frame = pd.read_csv(DATA_DIR / res["path"], dtype={k: v for k, v in dtypes.items() if k not in dates},
                        keep_default_na=False, na_values=[""], parse_dates=dates)
    frame.attrs["source"] = source_line(name)
    return frame


@lru_cache(maxsize=1)
def references() -> dict[str, dict]:
    """The course reference list: CSL-JSON items keyed by id (read once; do not modify the result)."""
    items = json.loads(REFERENCES.read_text(encoding="utf-8"))
    return {item["id"]: item for item in items}


def _authors(item: dict) -> str:
    if item.get("author-short"):  # an issuing body with a long name: the short form, in full under Sources
        return item["author-short"]
    people = item.get("author") or item.get("editor") or []
    names = [p.get("family") or p.get("literal", "") for p in people]
    if not names:
        return "Anonymous"
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    return f"{names[0]} et al."


def year(item: dict) -> int | None:
    parts = item.get("issued", {}).get("date-parts") or [[None]]
    return parts[0][0]


NOT_CHECKED = "not checked by the course"   # a cell the course has not seen in the source: an unknown, not a "no"


def source_ids(cell) -> list[str]:
    """The reference ids in a source_id cell: one id, or several separated by ';' (an empty cell gives none)."""
    return [one.strip() for one in str(cell).split(";") if one.strip()] if isinstance(cell, str) else []


def cite(source_id: str, locator: str | None = None) -> str:
    """A short citation, e.g. ``Thompson 1980, p. 905``, for a reference id (or several, separated by ';')."""
    if ";" in source_id:
        return "; ".join(cite(one, locator) for one in source_ids(source_id))
    try:
        item = references()[source_id]
    except KeyError:
        raise DataError(f"{source_id!r} is not in the course reference list (datasets/references.json).") from None
    text = _short(item)
    if item.get("title-short") and sum(_short(other) == text for other in references().values()) > 1:
        # two works by the same author in the same year (or undated): the short title tells them apart
        text = f'{text}, "{item["title-short"]}"'
    return f"{text}, {locator}" if locator else text


def _short(item: dict) -> str:
    parts = (item.get("issued", {}).get("date-parts") or [[None]])[0]
    if len(parts) == 3:  # a dated document (letter, decree): the day tells two of them apart
        import calendar

        return f"{_authors(item)}, {parts[2]} {calendar.month_name[parts[1]]} {parts[0]}"
    return f"{_authors(item)} {year(item) or 'n.d.'}"


def full_reference(source_id: str) -> str:
    """A full reference in author-date style for the reading lists."""
    item = references()[source_id]
    parts = [f"{_authors(item)} ({year(item) or 'n.d.'}). {item.get('title', '')}."]
    container = item.get("container-title")
    if container:
        vol = item.get("volume")
        issue = item.get("issue")
        pages = item.get("page")
        parts.append(" " + container + (f" {vol}" if vol else "") + (f"({issue})" if issue else "") + (f": {pages}" if pages else "") + ".")
    publisher = item.get("publisher")
    if publisher:
        place = item.get("publisher-place")
        parts.append(f" {place + ': ' if place else ''}{publisher}.")
    if item.get("URL"):
        parts.append(f" {item['URL']}")
    return "".join(parts)


def source_line(name: str) -> str:
    """The 'Source: …' caption for a dataset, built from its resource's sources.

    Entries of one work (the same author and year, e.g. eight articles of one encyclopaedia) are counted
    together; the full references stand in the lesson's Sources list."""
    res = resource(name)
    refs = references()
    ids = [s["id"] for s in res.get("sources", []) if "id" in s]
    if not ids:
        return "Source: see datasets/datapackage.json"
    if len(ids) == 1:
        only = res["sources"][0]
        return "Source: " + cite(only["id"], only.get("locator"))
    counts: dict[str, int] = {}
    for ref_id in ids:
        key = _short(refs[ref_id])
        counts[key] = counts.get(key, 0) + 1
    if len(counts) > 4:  # a caption must stay short: say how many works and where they are listed
        # (not "first to last": the first and last entries of the list are neither the oldest nor the newest)
        return f"Sources: the {len(ids)} works listed under Sources at the end of the lesson"
    return "Source: " + "; ".join(c if n == 1 else f"{c} ({n} entries)" for c, n in counts.items())
