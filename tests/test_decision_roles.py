"""decision_roles: every row is read from one cell of its document's row, as that cell states it."""

import re

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
    docs = data.load("famine_decisions")
    read = set(zip(roles["decision_id"], roles["basis"].str.partition(": ")[0]))
    for row in docs.itertuples():
        for column in COLUMN_OF.values():
            cell = getattr(row, column)
            unread = re.search(r"not checked by the course|no name on the extract|without a name", cell)
            if unread or (row.decision_id, column) in skipped:
                assert (row.decision_id, column) not in read
            else:
                assert (row.decision_id, column) in read, f"{row.decision_id}.{column} ({cell!r}) gives no row"
    assert "d09's initiated_by" in data.resource("decision_roles")["description"]


def test_each_actor_has_one_level_and_the_leader_is_stalin(roles):
    levels = roles.groupby("actor")["actor_level"].nunique()
    assert (levels == 1).all(), levels[levels > 1]
    assert set(roles.loc[roles["actor_level"] == "leader", "actor"]) == {"Stalin"}
    assert set(roles.loc[roles["regime"] == "USSR", "decision_id"]) <= set(data.load("famine_decisions")["decision_id"])


def test_the_resource_declares_its_documents_sources_and_key():
    res = data.resource("decision_roles")
    assert [s["id"] for s in res["sources"]] == [s["id"] for s in data.resource("famine_decisions")["sources"]]
    assert res["schema"]["foreignKeys"][0]["reference"] == {"resource": "famine_decisions", "fields": "decision_id"}
    enums = {f["name"]: f["constraints"].get("enum") for f in res["schema"]["fields"]}
    from manyhands import network

    assert tuple(enums["role"]) == network.ROLES and tuple(enums["actor_level"]) == network.LEVELS


def test_the_foreign_key_is_checked(tmp_path, monkeypatch):
    """A role in a document that famine_decisions does not have fails validation."""
    import shutil

    copy = tmp_path / "datasets"
    shutil.copytree(data.DATA_DIR, copy)
    csv = copy / "decision_roles.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace("\nd01,", "\nd99,", 1), encoding="utf-8")
    monkeypatch.setattr(data, "DATA_DIR", copy)
    monkeypatch.setattr(data, "DATAPACKAGE", copy / "datapackage.json")
    data._frictionless_package.cache_clear()
    data._validated.cache_clear()
    try:
        with pytest.raises(data.DataError, match="foreign key"):
            data.load("decision_roles")
    finally:
        data._frictionless_package.cache_clear()
        data._validated.cache_clear()


def test_a_change_to_the_documents_revalidates_the_roles(tmp_path, monkeypatch):
    """A remembered pass of decision_roles does not outlive a change to famine_decisions, which its foreign key reads."""
    import shutil

    copy = tmp_path / "datasets"
    shutil.copytree(data.DATA_DIR, copy)
    monkeypatch.setattr(data, "DATA_DIR", copy)
    monkeypatch.setattr(data, "DATAPACKAGE", copy / "datapackage.json")
    data._frictionless_package.cache_clear()
    data._validated.cache_clear()
    try:
        data.validate("decision_roles")
        assert data._cached_valid(data._content_key("decision_roles"))
        docs = copy / "famine_decisions.csv"
        docs.write_text("\n".join(line for line in docs.read_text(encoding="utf-8").split("\n")
                                  if not line.startswith("d01,")), encoding="utf-8")
        data._frictionless_package.cache_clear()
        with pytest.raises(data.DataError, match="foreign key"):
            data.validate("decision_roles")
    finally:
        data._frictionless_package.cache_clear()
        data._validated.cache_clear()
