"""decision_roles: every row is read from one cell of its document's row, as that cell states it."""

import re

import pandas as pd
import pytest

from manyhands import data

# the table of documents each regime's rows point into (lesson 04's Nazi documents will add "Nazi Germany")
DOCUMENTS = {"USSR": "famine_decisions", "Nazi Germany": "nazi_documents"}
COLUMN_OF = {"issued": "issued_by", "initiated": "initiated_by", "signed": "signed_by", "carried out": "carried_out_by"}
# a body's short name, and the words of the cell it shortens (people are named by their surname in the cell)
SHORTENS = {
    "Ukrainian leadership": ["Ukraine", "Ukrainian leadership"],
    "Republic and regional party committees": ["national central committees and krai and oblast party committees"],
    "Regional executive committees": ["regional executive committees"],
    "Organisations in Ukraine and North Caucasus": ["organisations of Ukraine and the North Caucasus"],
    "Party and government bodies of seven regions": ["party and government bodies in Rostov-on-Don, Kharkiv, Voronezh, Smolensk, Minsk, Stalingrad and Samara"],
    "Central Committee plenipotentiaries": ["the Central Committee's plenipotentiaries"],
    "Police (militia)": ["the police (militia)"],
    "Party and soviet workers": ["all party and Soviet workers"],
    "OGPU": ["all organs of the OGPU"],
    "RSHA": ["Reich Security Main Office"],
}


@pytest.fixture(scope="module")
def roles():
    return data.load("decision_roles")


def _documents(regime):
    name = DOCUMENTS[regime]
    if name not in data.resource_names():
        pytest.fail(f"rows of regime {regime!r} point into {name}, which the data package does not have yet")
    return data.load(name).set_index("decision_id")


def test_every_document_exists_in_its_regimes_table(roles):
    for regime, rows in roles.groupby("regime"):
        known = set(_documents(regime).index)
        unknown = sorted(set(rows["decision_id"]) - known)
        assert not unknown, f"{regime}: {unknown} are not documents of {DOCUMENTS[regime]}"


def test_every_signatory_is_named_in_the_rows_signed_by(roles):
    for regime, rows in roles[roles["role"] == "signed"].groupby("regime"):
        docs = _documents(regime)
        for row in rows.itertuples():
            assert row.actor in docs.loc[row.decision_id, "signed_by"], (
                f"{row.decision_id}: {row.actor} is not in signed_by ({docs.loc[row.decision_id, 'signed_by']!r})")


def test_basis_names_the_roles_column_and_repeats_its_cell(roles):
    for regime, rows in roles.groupby("regime"):
        docs = _documents(regime)
        for row in rows.itertuples():
            column, _, cell = row.basis.partition(": ")
            assert column == COLUMN_OF.get(row.role), f"{row.decision_id} {row.actor}: a {row.role!r} role read from {column}"
            assert cell == docs.loc[row.decision_id, column], f"{row.decision_id} {row.actor}: basis is not the cell verbatim"


def test_every_actor_is_named_in_the_cell_it_is_read_from(roles):
    for row in roles.itertuples():
        cell = row.basis.partition(": ")[2].lower()
        words = [row.actor, *SHORTENS.get(row.actor, [])]
        assert any(w.lower() in cell for w in words), f"{row.decision_id}: {row.actor!r} is not in {cell!r}"


def test_no_row_is_read_from_an_unchecked_or_nameless_cell(roles):
    assert not roles["basis"].str.contains("not checked by the course|no name on the extract|without a name").any()


def test_every_named_cell_is_read(roles):
    """The converse: a cell that names people or bodies gives rows, unless it is one of the skips the resource states."""
    skipped = {("d09", "initiated_by")}  # 'Stalin edited the typescript': another act than initiating
    docs = pd.concat([data.load("famine_decisions"), data.load("nazi_documents")])
    read = set(zip(roles["decision_id"], roles["basis"].str.partition(": ")[0]))
    for row in docs.itertuples():
        for column in COLUMN_OF.values():
            cell = getattr(row, column)
            unread = re.search(r"not checked by the course|no name on the extract|without a name|^no signature$|^not applicable", cell)
            if unread or (row.decision_id, column) in skipped:
                assert (row.decision_id, column) not in read
            else:
                assert (row.decision_id, column) in read, f"{row.decision_id}.{column} ({cell!r}) gives no row"
    assert "d09's initiated_by" in data.resource("decision_roles")["description"]


def test_each_actor_has_one_level_and_the_leaders_are_stalin_and_hitler(roles):
    levels = roles.groupby("actor")["actor_level"].nunique()
    assert (levels == 1).all(), levels[levels > 1]
    leaders = roles[roles["actor_level"] == "leader"]
    assert set(leaders.loc[leaders["regime"] == "USSR", "actor"]) == {"Stalin"}
    assert set(leaders.loc[leaders["regime"] == "Nazi Germany", "actor"]) == {"Hitler"}
    assert set(roles.loc[roles["regime"] == "USSR", "decision_id"]) <= set(data.load("famine_decisions")["decision_id"])


def test_the_resource_declares_its_documents_sources():
    res = data.resource("decision_roles")
    expected = [s["id"] for name in DOCUMENTS.values() for s in data.resource(name)["sources"]]
    assert [s["id"] for s in res["sources"]] == list(dict.fromkeys(expected))
    enums = {f["name"]: f["constraints"].get("enum") for f in res["schema"]["fields"]}
    from manyhands import network

    assert tuple(enums["role"]) == network.ROLES and tuple(enums["actor_level"]) == network.LEVELS


def test_a_document_unknown_to_its_regimes_table_is_caught(roles):
    """The check that stands in for a foreign key: an id that its regime's table does not have fails it."""
    bad = roles.copy()
    bad.loc[bad.index[0], "decision_id"] = "d99"
    with pytest.raises(AssertionError, match="d99"):
        test_every_document_exists_in_its_regimes_table(bad)
