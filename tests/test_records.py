"""The learner's records file (manyhands.records): where it is, reading it safely, saving atomically, restoring
an uploaded copy, and the one-time import of positions from the old hidden file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

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


def test_get_never_raises_even_without_a_current_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("MANYHANDS_HOME")
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    assert records.get("stance", "default") == "default" and "could not be found" in records.last_message()


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
    assert records.get("04.grid") == {"mine": "newer"} and "kept for now" in message
    assert "\u201cnewer\u201d here" in message and "\u201colder\u201d in your backup (saved 1 January 2000, 00:00 UTC)" in message
    assert records.get("05.ledger") == {"l": 1}
    before = (home / "manyhands_records.json").read_bytes()
    again = records.restore(upload)  # uploading twice adds nothing, but the older grid still differs: it says so
    assert "nothing" not in again.replace("nothing has been changed yet", "") and "What differs" in again
    assert (home / "manyhands_records.json").read_bytes() == before
    same = records.restore(_upload({"stance": [POSITION]}))  # a copy with nothing new and nothing different
    assert "nothing that is not here already" in same and same.endswith("Nothing was changed.")
    assert (home / "manyhands_records.json").read_bytes() == before


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


# ---- an older backup that differs from the records here (the learner chooses)

GRID_HERE = {"version": 1, "ratings": {"refusal": {"Nazi Germany": 3, "Soviet Union": 2, "note": "see Browning"},
                                       "orders": {"Nazi Germany": 1, "Soviet Union": 1, "note": ""}}}
GRID_BACKUP = {"version": 1, "ratings": {"refusal": {"Nazi Germany": 1, "Soviet Union": 2, "note": ""},
                                         "orders": {"Nazi Germany": 1, "Soviet Union": 1, "note": ""}}}
OLD = "2026-01-05T09:00:00+00:00"


def test_an_older_backup_that_differs_says_each_difference_and_changes_nothing_yet(home):
    records.put("04.grid", GRID_HERE)
    here_at = json.loads((home / "manyhands_records.json").read_text())["key_saved_at"]["04.grid"]
    before = (home / "manyhands_records.json").read_bytes()
    report = records.restore_report(home / "manyhands_records.json", _upload({"04.grid": GRID_BACKUP},
                                                                             key_saved_at={"04.grid": OLD}))
    message = report.message
    assert "nothing that is not here already" not in message and "Nothing was changed" not in message
    assert report.older == ["04.grid"] and not report.changed and len(report.differences) == 2
    rating, note = report.differences
    here_when = records._when(here_at)
    assert rating == (f"Lesson 04's comparison grid, your rating for \u201crefusal\u201d, Nazi Germany: 1 in your backup "
                      f"(saved 5 January 2026, 09:00 UTC), 3 here (saved {here_when})")
    assert note.startswith("Lesson 04's comparison grid, your note on \u201crefusal\u201d: not given in your backup")
    assert "\u201csee Browning\u201d here" in note
    assert records.USE_BACKUP in report.choice and records.KEEP_HERE in report.choice
    assert all(d in message for d in report.differences) and records.last_message() == message
    assert (home / "manyhands_records.json").read_bytes() == before  # kept what is here until the learner chooses
    assert records.restore(_upload({"04.grid": GRID_BACKUP}, key_saved_at={"04.grid": OLD})) == message


def test_the_learner_can_choose_the_older_backups_values(home):
    records.put("stance", [POSITION])
    records.put("04.grid", GRID_HERE)
    upload = _upload({"04.grid": GRID_BACKUP, "stance": [POSITION]}, key_saved_at={"04.grid": OLD})
    report = records.restore_report(home / "manyhands_records.json", upload, take_older=True)
    assert report.changed and not report.older and "your backup's values put in place of those here" in report.message
    assert records.get("04.grid") == GRID_BACKUP and records.get("stance") == [POSITION]
    stamp = json.loads((home / "manyhands_records.json").read_text())["key_saved_at"]["04.grid"]
    assert stamp > OLD  # chosen now: the next upload of the same backup is not "newer" than this choice
    again = records.restore(upload)
    assert "nothing that is not here already" in again


def test_a_newer_backup_is_taken_and_says_what_it_changed(home):
    records.put("04.grid", GRID_BACKUP)
    message = records.restore(_upload({"04.grid": GRID_HERE}, key_saved_at={"04.grid": "2999-01-01T00:00:00+00:00"}))
    assert records.get("04.grid") == GRID_HERE and "taken from your backup" in message
    assert "your rating for \u201crefusal\u201d, Nazi Germany: 3 in your backup (saved 1 January 2999, 00:00 UTC), 1 here" in message


def test_the_ledger_differences_name_the_case_and_the_actor(home):
    here = {"version": 1, "cases": {"d04": {"label": "The decree of 14 December 1932", "evidence": "d04",
                                            "actors": {"leaders": {"did": "signed", "guilt": {"moral": "heavy"}}}}}}
    backup = json.loads(json.dumps(here))
    backup["cases"]["d04"]["actors"]["leaders"]["did"] = None
    backup["cases"]["d04"]["actors"]["leaders"]["guilt"]["moral"] = "some"
    records.put("05.ledger", here)
    report = records.restore_report(home / "manyhands_records.json", _upload({"05.ledger": backup},
                                                                             key_saved_at={"05.ledger": OLD}))
    assert report.differences[0].startswith("Lesson 05's responsibility ledger, The decree of 14 December 1932, "
                                            "leaders: what the documents show they did: not given in your backup")
    assert "moral guilt: \u201csome\u201d in your backup" in report.differences[1]
    assert "\u201cheavy\u201d here" in report.differences[1]


# ---- two notebooks (two kernels: two processes) sharing the one file

def _kernel(home, code: str) -> str:
    """Run ``code`` in another Python process, as another notebook's kernel would, on the same records file."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env={**os.environ, "MANYHANDS_HOME": str(home)},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_save_in_one_kernel_keeps_what_another_kernel_saved(home):
    records.put("05.ledger", {"l": 1})  # lesson 05's kernel saves its ledger, then lesson 00's kernel a position
    _kernel(home, "from manyhands import stance; stance.save_stance('00', 4)")
    stance.save_stance("05", 7)  # lesson 05's kernel, still running, saves its own position
    records.put("05.ledger", {"l": 2})
    assert [(r["lesson"], r["value"]) for r in records.get("stance")] == [("00", 4), ("05", 7)]
    _kernel(home, "from manyhands import records; records.put('04.grid', {'g': 1})")
    assert records.read()[0] == {"stance": records.get("stance"), "05.ledger": {"l": 2}, "04.grid": {"g": 1}}


def test_two_kernels_saving_positions_at_once_lose_none(home):
    code = """
        import sys
        from manyhands import stance
        for i in range(25):
            stance.save_stance(sys.argv[1], i % 11)
    """
    env = {**os.environ, "MANYHANDS_HOME": str(home)}
    kernels = [subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), lesson], env=env, stderr=subprocess.PIPE)
               for lesson in ("00", "05")]
    for kernel in kernels:
        assert kernel.wait(timeout=120) == 0, kernel.stderr.read()
    saved = records.get("stance")
    assert sorted((r["lesson"], r["value"]) for r in saved) == sorted(
        (lesson, i % 11) for lesson in ("00", "05") for i in range(25))


def test_the_download_link_gives_the_file_as_it_is_on_disk_at_the_click(home):
    from manyhands import widgets

    stance.save_stance("05", 7)
    panel = widgets.RecordsPanel()  # lesson 05's panel, shown earlier in a kernel that keeps running
    assert "1 saved position (lesson 05)" in panel.description.value
    _kernel(home, "from manyhands import stance; stance.save_stance('00', 3)")  # lesson 00, another kernel
    reply, buffers = panel.download.reply()  # the learner clicks "Download my records"
    assert reply == {"event": "file", "name": "manyhands_records.json", "text": ""}
    assert buffers == [(home / "manyhands_records.json").read_bytes()]
    assert [r["lesson"] for r in json.loads(buffers[0])["records"]["stance"]] == ["05", "00"]
    assert "2 saved positions (lessons 00, 05)" in panel.description.value  # the panel shows it too
    _kernel(home, "from manyhands import records; records.put('04.grid', {'g': 1})")
    panel.download._on_msg(panel.download, {"event": "look"}, [])  # the panel comes into view again
    assert "lesson 04&#x27;s comparison grid" in panel.description.value


def test_the_download_link_says_when_there_is_nothing_to_download(home):
    from manyhands import widgets

    panel = widgets.RecordsPanel()
    assert not panel.download.available and "Nothing to download yet" in panel.download.none_text
    reply, buffers = panel.download.reply()
    assert reply["event"] == "missing" and "Nothing to download yet" in reply["text"] and buffers == []
    _kernel(home, "from manyhands import stance; stance.save_stance('00', 3)")
    assert panel.download.reply()[0]["event"] == "file" and panel.download.available


def test_the_panel_asks_before_it_uses_an_older_backup(home):
    import datetime as dt

    from manyhands import widgets

    records.put("04.grid", GRID_HERE)
    panel = widgets.RecordsPanel()
    content = _upload({"04.grid": GRID_BACKUP}, key_saved_at={"04.grid": OLD})

    def upload():
        panel.controls["upload"].value = ({"name": "manyhands_records.json", "type": "application/json",
                                           "size": len(content), "content": memoryview(content),
                                           "last_modified": dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)},)

    upload()
    shown = panel.message.value
    assert "What differs" in shown and "<li>Lesson 04&#x27;s comparison grid, your rating for" in shown
    assert "Nothing was changed" not in shown and panel.choice.layout.display == "flex"
    assert panel.controls["use"].description == records.USE_BACKUP and panel.controls["keep"].description == records.KEEP_HERE
    panel.controls["keep"].click()
    assert records.get("04.grid") == GRID_HERE and "kept as they are" in panel.message.value
    assert panel.choice.layout.display == "none" and "use" not in panel.controls
    upload()
    panel.controls["use"].click()
    assert records.get("04.grid") == GRID_BACKUP and "your backup&#x27;s values put in place" in panel.message.value
    assert panel.choice.layout.display == "none"
