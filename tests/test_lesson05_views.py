"""Lesson 05's views: the network of actors and documents, and the responsibility ledger; and the ledger's model."""

import json

import pytest

from manyhands import charts, data, ledger, network, widgets
from manyhands.views import describe
from manyhands.views.a11y import A11y


@pytest.fixture(scope="module")
def roles():
    """The Soviet rows, drawn with their documents (famine_decisions); the regime filter test takes both regimes."""
    every = data.load("decision_roles")
    return every[every["regime"] == "USSR"].reset_index(drop=True)


@pytest.fixture(scope="module")
def documents():
    return data.load("famine_decisions")


def _trace(view, name):
    return next(t for t in view.figure.data if t.name == name)


def _points(trace):
    return [x for x in (trace.x or ()) if x is not None]


def _names(view) -> dict:
    return next(c for c in view.view.children if isinstance(c, A11y)).names


# ---- the network ------------------------------------------------------------------------------------------------

def test_network_view_draws_every_actor_document_and_role(roles, documents):
    view = widgets.NetworkView(roles, source="Source: test", documents=documents)
    fig = view.figure
    assert fig.layout.title.text and charts.source_of(fig) == "Source: test"
    actors = sum(len(_trace(view, level).x) for level in network.LEVELS)
    assert actors == roles["actor"].nunique()
    assert len(_trace(view, "document").x) == roles["decision_id"].nunique()
    g = network.build(roles)
    for role in network.ROLES:  # one line (two points) for each edge in which the actor played this role
        expected = sum(role in d["roles"] for _, _, d in g.edges(data=True))
        assert len(_points(_trace(view, role))) == 2 * expected, role
    assert _trace(view, "resisted").visible is False  # no document records resistance
    assert view.controls["resisted"].disabled and "no document records it" in view.controls["resisted"].description
    stalin = _trace(view, "leader")
    assert stalin.text == ("Stalin",) and "signed 7" in stalin.customdata[0]
    d04 = list(_trace(view, "document").text).index("d04 (14 Dec 1932)")
    assert "Decree on grain procurement" in _trace(view, "document").customdata[d04]
    # not by colour alone: every level has its own symbol, every role its own dash
    assert len({_trace(view, lvl).marker.symbol for lvl in network.LEVELS}) == len(network.LEVELS)
    assert len({_trace(view, r).line.dash for r in network.ROLES}) == len(network.ROLES)


def test_network_role_filter_updates_the_figure_in_place(roles, documents):
    view = widgets.NetworkView(roles, source="Source: test", documents=documents)
    fig = view.figure
    tall = fig.layout.height
    view.controls["carried_out"].value = False
    assert view.figure is fig and _trace(view, "carried out").visible is False and not _points(_trace(view, "carried out"))
    assert "carried out" not in view.description.value.split("roles shown:")[1].split(".")[0]
    for role in ("issued", "initiated"):
        view.controls[role].value = False
    signed = network.subset(roles, roles_kept=["signed"])
    assert sum(len(_trace(view, lvl).x) for lvl in network.LEVELS) == signed["actor"].nunique()
    assert len(_trace(view, "document").x) == signed["decision_id"].nunique()
    assert fig.layout.height < tall  # fewer rows, a shorter chart
    assert "roles shown: signed" in view.description.value and "Stalin (leader), in 7 documents: signed 7" in view.description.value
    assert "Kalinin" in view.summary.value and "Council of People" not in view.summary.value
    view.controls["signed"].value = False
    assert all(not t.visible for t in fig.data)
    assert "no document shows anyone" in view.description.value and "No actor is shown" in view.summary.value


def test_network_regime_filter():
    both = data.load("decision_roles")
    view = widgets.NetworkView(both, source="Source: test")
    assert list(view.controls["regime"].options) == ["all regimes", "Nazi Germany", "USSR"]
    assert set(_trace(view, "leader").text) == {"Stalin", "Hitler"}
    view.controls["regime"].value = "Nazi Germany"
    nazi = both[both["regime"] == "Nazi Germany"]
    assert _trace(view, "leader").text == ("Hitler",)
    assert set(_trace(view, "document").text) == set(nazi["decision_id"])
    assert view.description.value.count(f"Network (Nazi Germany) of {nazi['decision_id'].nunique()} documents and "
                                        f"{nazi['actor'].nunique()} people") == 1
    view.controls["regime"].value = "USSR"
    assert "Hitler" not in _trace(view, "leader").text


def test_network_labels_have_room_at_the_planned_width(roles, documents):
    """The actor labels (wrapped) sit left of x = 0 and the document labels right of x = 1, inside the x range."""
    view = widgets.NetworkView(roles, source="Source: test", documents=documents)
    low, high = view.figure.layout.xaxis.range
    plot_px = charts.PLANNED_WIDTH_PX - 40
    px_per_unit = plot_px / (high - low)
    longest_actor = max(len(line) for t in view.figure.data[5:11] for text in (t.text or ()) for line in text.split("<br>"))
    assert longest_actor <= 26
    assert -low * px_per_unit >= longest_actor * 12 * charts._CHAR_PX + 10
    longest_doc = max(len(t) for t in _trace(view, "document").text)
    assert (high - 1) * px_per_unit >= longest_doc * 12 * charts._CHAR_PX + 10
    ys = sorted(y for t in view.figure.data[5:11] for y in t.y)
    assert min(b - a for a, b in zip(ys, ys[1:])) >= 1  # one row at least between two actors


def test_network_controls_have_accessible_names(roles):
    view = widgets.NetworkView(roles, source="Source: test")
    names = _names(view)
    for key, control in view.controls.items():
        assert control.description and f"mh-network-{key}" in control._dom_classes and f"mh-network-{key}" in names


def test_network_words():
    summary = network.actor_summary(network.subset(data.load("decision_roles"), roles_kept=["signed", "resisted"],
                                                   regimes=["USSR"]))
    text = describe.network(summary, 9, 14, ["signed", "resisted"], "USSR")
    assert text.startswith("Network (USSR) of 9 documents and")
    assert "Most connected: Stalin (leader), in 7 documents: signed 7; Molotov (inner circle), in 5 documents: signed 5" in text
    assert text.endswith("No document shows anyone as resisted.")
    assert "the leader" in text and "1 regional official" in text


# ---- the ledger -------------------------------------------------------------------------------------------------

CASES = [("d04", "The decree of 14 December 1932"), ("d08", "The directive of 22 January 1933")]


def test_ledger_value_follows_the_controls_and_is_json():
    view = widgets.Ledger(CASES, network.LEVELS)
    value = view.value()
    assert value == ledger.blank(CASES, network.LEVELS) and ledger.answered(value) == (0, 2 * 6 * 5)
    view.control("d04", "leader").value = "signed"
    view.control("d04", "leader", "criminal").value = "heavy"
    view.control("d08", "executors", "metaphysical").value = "some"
    view.controls[("d08", "evidence")].value = "d08: signed by Molotov and Stalin"
    value = view.value()
    assert value["cases"]["d04"]["actors"]["leader"] == {
        "did": "signed", "guilt": {"criminal": "heavy", "political": None, "moral": None, "metaphysical": None}}
    assert value["cases"]["d08"]["actors"]["executors"]["guilt"]["metaphysical"] == "some"
    assert value["cases"]["d08"]["evidence"].startswith("d08")
    assert json.loads(json.dumps(value)) == value
    assert "3 of 60 choices made" in view.progress.value
    view.control("d04", "leader").value = ""
    assert view.value()["cases"]["d04"]["actors"]["leader"]["did"] is None
    with pytest.raises(KeyError, match="fields are 'did' and 'criminal'"):
        view.control("d04", "leader", "legal")
    assert view.save_button.layout.display == "none"  # no save callable: no button


def test_ledger_saves_through_the_callable_and_reports_failure():
    got = []
    view = widgets.Ledger(CASES, ["Stalin", "Molotov"], save=got.append)
    view.control("d04", "Molotov").value = "signed"
    assert "Changed since you last saved" in view.status.value
    view.save_button.click()
    assert got and got[-1]["cases"]["d04"]["actors"]["Molotov"]["did"] == "signed"
    assert "Saved (1 of 20 choices made)" in view.status.value

    def broken(_value):
        raise OSError("disk full")

    view = widgets.Ledger(CASES, ["Stalin"], save=broken)
    view.save_button.click()
    assert "Could not save" in view.status.value and "disk full" in view.status.value


def test_ledger_restores_a_saved_dict_and_tolerates_damage():
    first = widgets.Ledger(CASES, network.LEVELS)
    first.control("d08", "inner circle").value = "signed"
    first.control("d08", "inner circle", "political").value = "heavy"
    again = widgets.Ledger(CASES, network.LEVELS, saved=first.value())
    assert again.value() == first.value() and "back (2 choices made)" in again.status.value

    damaged = first.value()
    damaged["cases"]["d99"] = {"actors": {}}
    damaged["cases"]["d08"]["actors"]["inner circle"]["did"] = "ordered"
    damaged["cases"]["d08"]["actors"]["bystanders"] = {"did": "none shown"}
    damaged["cases"]["d04"] = "garbage"
    view = widgets.Ledger(CASES, network.LEVELS, saved=damaged)
    assert view.control("d08", "inner circle", "political").value == "heavy"  # what fits is kept
    assert view.control("d08", "inner circle").value == ""
    assert "Left out" in view.status.value and "'bystanders' in case 'd08'" in view.status.value
    assert "and 1 more" in view.status.value and "back (1 choice made)" in view.status.value
    for bad in ("{{{", 3, {"cases": []}, None):
        view = widgets.Ledger(CASES, network.LEVELS, saved=bad)
        assert view.value() == ledger.blank(CASES, network.LEVELS)
    assert "could not be read" in widgets.Ledger(CASES, network.LEVELS, saved=[1]).status.value


def test_every_ledger_control_has_an_accessible_name():
    view = widgets.Ledger(CASES, network.LEVELS)
    names = _names(view)
    for key, control in view.controls.items():
        css = [c for c in control._dom_classes if c.startswith("mh-ledger-")]
        assert len(css) == 1 and css[0] in names, key
        assert CASES[[c for c, _ in CASES].index(key[0])][1] in names[css[0]]
    assert len(set(names.values())) == len(names)  # no two controls share a name
    assert names["mh-ledger-0-0-did"] == "The decree of 14 December 1932, leader: what the documents show they did (the most serious)"


def test_ledger_model_rejects_bad_cases_and_actors():
    with pytest.raises(ledger.LedgerError, match="as a list"):
        ledger.blank("d04", ["Stalin"])
    with pytest.raises(ledger.LedgerError, match="'d04' is given twice"):
        ledger.blank([("d04", "a"), ("d04", "b")], ["Stalin"])
    with pytest.raises(ledger.LedgerError, match="at least one actor"):
        ledger.blank(CASES, [])
    with pytest.raises(ledger.LedgerError, match="an \\(id, label\\) pair"):
        ledger.blank([("d04", "a", "extra")], ["Stalin"])
    value, problems = ledger.restore({"cases": {"d04": {"actors": {"Stalin": {"guilt": {"legal": "heavy", "moral": 3}}}}}},
                                     CASES, ["Stalin"])
    assert ledger.answered(value) == (0, 10)
    assert any("not one of Jaspers's four" in p for p in problems) and any("3 (moral guilt" in p for p in problems)


# ---- where the learner stood in lesson 00 ---------------------------------------------------------------------------

def test_earlier_position_missing_found_restored_and_corrupt(tmp_path, monkeypatch):
    from manyhands import records, stance

    monkeypatch.setenv("MANYHANDS_HOME", str(tmp_path))
    monkeypatch.setattr(stance, "_import_legacy", lambda _path: "", raising=False)
    view = widgets.EarlierPosition("00")
    assert "No position from lesson 00 was found" in view.message.value and view.position() is None
    assert "upload your downloaded copy" in view.message.value
    stance.save_stance("00", 3)
    view.refresh()
    assert "you stood at <b>3</b>" in view.message.value and view.position() == 3
    # a learner who uploads a copy from another session: the message follows the file without a re-run
    other = tmp_path / "elsewhere"
    other.mkdir()
    monkeypatch.setenv("MANYHANDS_HOME", str(other))
    view.refresh()
    assert view.position() is None
    stance.save_stance("00", 8)  # a put in this records file notifies the view
    assert "you stood at <b>8</b>" in view.message.value
    # a damaged file is set aside, never a traceback
    records.records_path().write_text("{ not json", encoding="utf-8")
    view.refresh()
    assert "No position from lesson 00 was found" in view.message.value


def test_the_ledger_follows_the_records_file_and_saves_into_it(tmp_path, monkeypatch):
    from manyhands import records

    monkeypatch.setenv("MANYHANDS_HOME", str(tmp_path))
    view = widgets.Ledger(CASES, network.LEVELS, record="05.ledger")
    view.control("d04", "leader").value = "signed"
    view.save()
    assert records.get("05.ledger")["cases"]["d04"]["actors"]["leader"]["did"] == "signed"
    other = ledger.blank(CASES, network.LEVELS)
    other["cases"]["d08"]["actors"]["executors"]["did"] = "carried out"
    records.put("05.ledger", other)  # as an upload from another session would
    assert view.control("d08", "executors").value == "carried out" and view.control("d04", "leader").value == ""
    assert "Your saved ledger is back" in view.status.value
