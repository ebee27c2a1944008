"""The learner's records file (manyhands.records): where it is, reading it safely, saving atomically, restoring
an uploaded copy, and the one-time import of positions from the old hidden file."""

from __future__ import annotations

import json
import os

import pytest

from manyhands import records, stance

POSITION = {"lesson": "00", "value": 4, "saved_at": "2026-11-01T10:00:00+00:00"}


def _doc(recs: dict, **extra) -> dict:
    return {"format": "manyhands-records", "version": 1, "saved_at": "2026-11-01T10:00:00+00:00",
            "records": recs, **extra}


def _upload(recs: dict, **extra) -> bytes:
    return json.dumps(_doc(recs, **extra)).encode()


@pytest.fixture
def home(tmp_path, monkeypatch):
    folder = tmp_path / "home"
    monkeypatch.setenv("MANYHANDS_HOME", str(folder))
    return folder


# ---- where the file is

def test_manyhands_home_is_honoured(home):
    assert records.records_path() == home / "manyhands_records.json"
    records.put("04.grid", {"a": 1})
    assert (home / "manyhands_records.json").is_file()


@pytest.mark.parametrize("where", ["lessons", "exercises", "exercises/ex00", "."])
def test_without_manyhands_home_the_file_is_at_the_top_of_the_course(tmp_path, monkeypatch, where):
    monkeypatch.delenv("MANYHANDS_HOME")
    course = tmp_path / "course"
    (course / "lessons").mkdir(parents=True)
    (course / "exercises" / "ex00").mkdir(parents=True)
    monkeypatch.chdir(course / where)
    assert records.records_path() == course / "manyhands_records.json"


def test_outside_a_course_the_file_is_in_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("MANYHANDS_HOME")
    (tmp_path / "lessons").mkdir()  # a folder called lessons whose parent holds no lessons/ is not enough...
    stray = tmp_path / "elsewhere" / "exercises"
    stray.mkdir(parents=True)
    monkeypatch.chdir(stray)
    assert records.records_path() == stray / "manyhands_records.json"


# ---- reading

def test_missing_file_gives_the_default(home):
    assert records.get("stance") is None
    assert records.get("stance", []) == []
    assert not (home / "manyhands_records.json").exists()


@pytest.mark.parametrize("content", [b"{not json", b"", b"\xff\xfe\x00", b"[1, 2]", json.dumps({"records": {}}).encode(),
                                     _upload({"stance": [{"lesson": "00", "value": 99}]}), _upload({"stance": "x"}),
                                     json.dumps(_doc({}) | {"records": []}).encode()])
def test_corrupt_file_is_set_aside_with_a_message(home, content):
    path = home / "manyhands_records.json"
    home.mkdir()
    path.write_bytes(content)
    assert records.get("stance", "default") == "default"  # no exception
    assert "could not be read" in records.last_message() and "manyhands_records.json.corrupt" in records.last_message()
    assert "\n" not in records.last_message()
    assert (home / "manyhands_records.json.corrupt").read_bytes() == content and not path.exists()
    records.put("04.grid", {"x": 1})  # a fresh record starts
    assert records.get("04.grid") == {"x": 1}


def test_a_second_corrupt_file_does_not_overwrite_the_first(home):
    home.mkdir()
    path = home / "manyhands_records.json"
    for content in (b"first", b"second"):
        path.write_bytes(content)
        records.get("stance")
    assert (home / "manyhands_records.json.corrupt").read_bytes() == b"first"
    assert (home / "manyhands_records.json.corrupt-2").read_bytes() == b"second"


def test_get_returns_a_copy(home):
    records.put("04.grid", {"rows": [1, 2]})
    got = records.get("04.grid")
    got["rows"].append(3)
    assert records.get("04.grid") == {"rows": [1, 2]}


# ---- writing

def test_put_keeps_other_keys_and_stamps_the_time(home):
    records.put("04.grid", {"a": 1})
    records.put("05.ledger", {"decisions": []})
    records.put("04.grid", {"a": 2})
    doc = json.loads((home / "manyhands_records.json").read_text())
    assert doc["format"] == "manyhands-records" and doc["version"] == 1
    assert doc["records"] == {"04.grid": {"a": 2}, "05.ledger": {"decisions": []}}
    assert doc["saved_at"] and set(doc["key_saved_at"]) == {"04.grid", "05.ledger"}
    assert doc["key_saved_at"]["04.grid"] >= doc["key_saved_at"]["05.ledger"]


def test_put_is_atomic(home, monkeypatch):
    records.put("04.grid", {"a": 1})
    before = (home / "manyhands_records.json").read_bytes()

    def crash(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        records.put("04.grid", {"a": 2})
    assert (home / "manyhands_records.json").read_bytes() == before
    assert sorted(p.name for p in home.iterdir()) == [".manyhands_records.json.lock", "manyhands_records.json"]  # no tmp left


@pytest.mark.parametrize("key, value", [("04.grid", {1, 2}), ("04.grid", float("nan")), ("", 1), (None, 1),
                                        ("stance", [{"lesson": "00", "value": 11}]), ("stance", "4")])
def test_put_refuses_what_cannot_be_saved(home, key, value):
    records.put("05.ledger", {"kept": True})
    with pytest.raises(records.RecordsError):
        records.put(key, value)
    assert records.read()[0] == {"05.ledger": {"kept": True}}


def test_unknown_keys_are_kept_as_they_are(home):
    odd = {"nested": [{"deep": None}, 1.5, "text", True]}
    records.put("06.future", odd)
    stance.save_stance("00", 3)
    assert records.get("06.future") == odd


# ---- restoring an upload

def test_restore_into_an_empty_session(home):
    upload = _upload({"stance": [POSITION], "04.grid": {"a": 1}}, key_saved_at={"04.grid": "2026-11-01T10:00:00+00:00"})
    message = records.restore(upload)
    assert message.startswith("Restored") and "1 saved position added" in message and "comparison grid" in message
    assert records.get("stance") == [POSITION] and records.get("04.grid") == {"a": 1}
    assert records.last_message() == message


def test_restore_merges_positions_and_keeps_newer_records(home):
    records.put("stance", [POSITION])
    records.put("04.grid", {"mine": "newer"})
    later = {"lesson": "05", "value": 8, "saved_at": "2026-12-01T10:00:00+00:00"}
    upload = _upload({"stance": [POSITION, later], "04.grid": {"theirs": "older"}, "05.ledger": {"l": 1}},
                     key_saved_at={"04.grid": "2000-01-01T00:00:00+00:00"})
    message = records.restore(upload)
    assert records.get("stance") == [POSITION, later]  # united, no duplicate
    assert records.get("04.grid") == {"mine": "newer"} and "kept as it is here" in message
    assert records.get("05.ledger") == {"l": 1}
    assert records.restore(upload).count("0 saved positions added") == 1  # uploading twice adds nothing


def test_restore_can_replace(home):
    records.put("04.grid", {"mine": 1})
    records.restore(_upload({"stance": [POSITION]}), replace=True)
    assert records.read()[0] == {"stance": [POSITION]}


def test_restore_accepts_what_the_file_upload_gives(home):
    records.restore(memoryview(_upload({"stance": [POSITION]})))
    assert records.get("stance") == [POSITION]


@pytest.mark.parametrize("content, words", [
    (b"", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "not JSON"),
    (b"{not json", "not JSON"),
    (b"[1, 2, 3]", "not a Many Hands records file"),
    (json.dumps({"version": 1, "records": [POSITION]}).encode(), "not a Many Hands records file"),
    (json.dumps(_doc({}) | {"version": 2}).encode(), "newer version of the course"),
    (json.dumps(_doc({}) | {"version": "1"}).encode(), "no valid version"),
    (json.dumps(_doc({}) | {"records": [POSITION]}).encode(), "not a set of named records"),
    (_upload({"stance": [{"lesson": "00", "value": 42}]}), "\"stance\""),
    (_upload({"stance": {"00": 4}}), "\"stance\""),
    (_upload({}), "holds no records"),
    (b"[" * 100_000 + b"]" * 100_000, "not JSON"),
])
def test_a_bad_upload_is_refused_and_changes_nothing(home, content, words):
    records.put("stance", [POSITION])
    before = (home / "manyhands_records.json").read_bytes()
    message = records.restore(content)
    assert words in message and message.endswith("Nothing was changed."), message
    assert (home / "manyhands_records.json").read_bytes() == before
    assert not list(home.glob("*.corrupt*"))


def test_a_huge_upload_is_refused_before_it_is_read(home):
    records.put("stance", [POSITION])
    before = (home / "manyhands_records.json").read_bytes()
    huge = _upload({"stance": [POSITION], "04.grid": {"padding": "x" * 1_100_000}})
    message = records.restore(huge)
    assert "too big" in message and "1.1 MB" in message and "Nothing was changed." in message
    assert (home / "manyhands_records.json").read_bytes() == before


def test_a_downloaded_file_restores_as_it_was(home):
    stance.save_stance("00", 3)
    records.put("04.grid", {"a": [1, 2]})
    downloaded = (home / "manyhands_records.json").read_bytes()
    (home / "manyhands_records.json").unlink()  # the Binder session ended
    records.restore(downloaded)
    assert stance.load_history()[0][0]["value"] == 3 and records.get("04.grid") == {"a": [1, 2]}


# ---- stance on top of the records file, and the old hidden file

def test_stance_lives_under_its_key(home):
    records.put("04.grid", {"a": 1})
    stance.save_stance("00", 6)
    assert [r["value"] for r in records.get("stance")] == [6] and records.get("04.grid") == {"a": 1}
    assert stance.stance_path() == home / "manyhands_records.json"


def _old_file(folder, values):
    folder.mkdir(parents=True, exist_ok=True)
    old = folder / "stance.json"
    old.write_text(json.dumps({"version": 1, "records": [
        {"lesson": "00", "value": v, "saved_at": f"2026-10-0{i + 1}T00:00:00+00:00"} for i, v in enumerate(values)]}))
    return old


def test_old_stance_file_is_imported_once(home):
    old = _old_file(home, [2, 3])
    history, message = stance.load_history()
    assert [r["value"] for r in history] == [2, 3] and "moved into manyhands_records.json" in message
    assert not old.exists() and (home / "stance.json.imported").exists()
    stance.save_stance("00", 7)
    _old_file(home, [9])  # an old file that appears again is not imported over a record that has positions
    assert [r["value"] for r in stance.load_history()[0]] == [2, 3, 7]


def test_old_stance_file_in_the_home_folder_is_found(tmp_path, monkeypatch):
    monkeypatch.delenv("MANYHANDS_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    course = tmp_path / "course"
    (course / "lessons").mkdir(parents=True)
    monkeypatch.chdir(course / "lessons")
    _old_file(tmp_path / "user" / ".manyhands", [5])
    assert stance.latest(stance.load_history()[0], "00") == 5
    assert records.get_from(course / "manyhands_records.json", "stance")[0]["value"] == 5


def test_old_stance_file_is_not_imported_over_existing_positions(home):
    stance.save_stance("00", 1)
    old = _old_file(home, [9])
    assert [r["value"] for r in stance.load_history()[0]] == [1] and old.exists()


def test_unreadable_old_stance_file_is_left_alone(home):
    home.mkdir()
    (home / "stance.json").write_text("{broken")
    assert stance.load_history() == ([], "No saved position yet.")
    assert (home / "stance.json").read_text() == "{broken"
