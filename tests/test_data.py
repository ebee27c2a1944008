"""The data package: every resource validates with frictionless, every source resolves, and the
relations the sources state hold."""

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from manyhands import data

ROOT = Path(__file__).resolve().parent.parent
SHARED_COMMENTS = ROOT.parent / "shared" / "sources" / "two_comments.md"


def test_every_resource_validates():
    data.validate_all()


@pytest.mark.parametrize("name", data.resource_names())
def test_resources_have_schema_sources_and_licence(name):
    res = data.resource(name)
    assert res.get("title") and res.get("description")
    assert res["schema"]["fields"], "no schema"
    assert res.get("sources"), f"{name} names no source"
    assert data.descriptor()["licenses"]


def test_every_source_id_resolves():
    refs = data.references()
    dangling = []
    for name in data.resource_names():
        res = data.resource(name)
        dangling += [s["id"] for s in res.get("sources", []) if s.get("id") not in refs]
        frame = data.load(name)
        if "source_id" in frame.columns:
            unsourced = frame[frame["source_id"].isna()]
            # only a row that says what the course has not found may stand without a source
            assert unsourced.get("evidence", pd.Series([], dtype=str)).str.startswith("The course has not").all() \
                and (len(unsourced) == 0 or "evidence" in frame.columns), f"{name}: a row without source_id"
            cited = {one for cell in frame["source_id"] for one in data.source_ids(cell)}
            dangling += sorted(cited - set(refs))
            declared = {s["id"] for s in res["sources"]}
            assert cited <= declared, f"{name}: rows cite sources the resource does not declare: {sorted(cited - declared)}"
    assert not dangling, f"sources missing from references.json: {sorted(set(dangling))}"


def test_references_are_complete_csl():
    for ref_id, item in data.references().items():
        assert item.get("title"), ref_id
        # a work with no author or editor (a documentation of a controversy, say) is cited by its short title
        assert item.get("author") or item.get("editor") or item.get("author-short"), ref_id
        assert item.get("type"), ref_id
        if ref_id != "two_comments":
            assert data.year(item) or item.get("accessed"), f"{ref_id} has no year (an undated web page needs an accessed date)"
            assert item.get("publisher") or item.get("container-title") or item.get("URL"), f"{ref_id}: where was it published?"


def test_lessons_cite_only_known_references():
    import nbformat

    refs = data.references()
    for path in sorted((ROOT / "lessons").glob("*.ipynb")):
        cited = nbformat.read(path, as_version=4).metadata["manyhands"]["references"]
        assert cited, path.name
        assert set(cited) <= set(refs), f"{path.name} cites unknown references {set(cited) - set(refs)}"


def test_load_is_typed_and_a_fresh_copy():
    first = data.load("comment_sentences")
    assert str(first["paragraph"].dtype) == "Int64"
    first.loc[0, "text"] = "changed"
    assert data.load("comment_sentences").loc[0, "text"] != "changed"
    assert first.attrs["source"].startswith("Source:")


def test_bad_names_give_clear_errors():
    with pytest.raises(data.DataError, match="no dataset called 'nope'.*comment_sentences"):
        data.load("nope")
    with pytest.raises(data.DataError, match="name of a dataset as text"):
        data.load(3)
    with pytest.raises(data.DataError, match="not in the course reference list"):
        data.cite("nobody2000")


def test_a_broken_csv_is_rejected(tmp_path, monkeypatch):
    """The validation is real: a cell outside its enum fails with frictionless's message."""
    import shutil

    copy = tmp_path / "datasets"
    shutil.copytree(data.DATA_DIR, copy)
    csv = copy / "comment_sentences.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace("A03,A,", "A03,X,", 1), encoding="utf-8")
    monkeypatch.setattr(data, "DATA_DIR", copy)
    monkeypatch.setattr(data, "DATAPACKAGE", copy / "datapackage.json")
    data._frictionless_package.cache_clear()
    data._validated.cache_clear()
    try:
        with pytest.raises(data.DataError, match='(?s)does not match its schema.*"X"'):
            data.load("comment_sentences")
    finally:
        data._frictionless_package.cache_clear()
        data._validated.cache_clear()


def _comment_paragraphs(text):
    a = text.split("## Comment A (self-described Trotskyist)")[1].split("## Comment B")[0]
    b = text.split("## Comment B (reply to A)")[1]
    return {"A": [p.strip() for p in a.strip().split("\n\n")], "B": [p.strip() for p in b.strip().split("\n\n")]}


def test_sentences_rebuild_the_comments_verbatim():
    source = (data.DATA_DIR / "sources" / "two_comments.md").read_text(encoding="utf-8")
    frame = data.load("comment_sentences")
    for comment, paragraphs in _comment_paragraphs(source).items():
        part = frame[frame["comment"] == comment].sort_values("sentence")
        rebuilt = [" ".join(g["text"]) for _, g in part.groupby("paragraph", sort=True)]
        assert rebuilt == paragraphs, f"comment {comment} is not reproduced verbatim"
        assert list(part["sentence"]) == list(range(1, len(part) + 1))


@pytest.mark.skipif(not SHARED_COMMENTS.exists(), reason="the course's shared/ folder is not beside this checkout")
def test_course_copy_of_comments_matches_shared_source():
    assert (data.DATA_DIR / "sources" / "two_comments.md").read_text(encoding="utf-8") == SHARED_COMMENTS.read_text(encoding="utf-8")


def test_historiography_years_match_the_references():
    works = data.load("historiography")
    for row in works.itertuples():
        assert row.year_published == data.year(data.references()[row.source_id]), row.source_id
    assert works["year_published"].is_monotonic_increasing


def test_key_verdict_fields_are_consistent():
    frame = data.load("comment_sentences")
    for row in frame.itertuples():
        also = row.also_defensible.split(";") if isinstance(row.also_defensible, str) else []
        assert row.key_type not in also, f"{row.sentence_id}: the main kind repeated as an alternative"
        if row.key_type == "rhetorical":
            assert row.evidence_key == "none"


def test_membership_follows_what_the_sources_state():
    import re

    m = data.load("party_membership").set_index("congress")
    assert list(m.index) == list(range(10, 19)), "one row per congress, Tenth to Eighteenth"
    assert m["opened"].is_monotonic_increasing
    # each row reports what its reported_as column says, and nothing else
    for congress, row in m.iterrows():
        has = {c for c in ("members", "candidates", "members_and_candidates") if pd.notna(row[c])}
        expected = {"members": {"members"}, "members; candidates": {"members", "candidates"},
                    "members and candidates together": {"members_and_candidates"},
                    "party members (basis not stated)": {"members"}}[row["reported_as"]]
        assert has == expected, congress
    # the Thirteenth Congress: the source's total includes its two stated groups of candidates
    parts = [int(x.replace(",", "")) for x in re.findall(r"\d{1,3}(?:,\d{3})+", m.loc[13, "note"])]
    assert parts == [241591, 127741] and sum(parts) < m.loc[13, "members_and_candidates"]


def test_the_basis_of_every_membership_row_is_stated():
    """1921-1923 are reported as 'party members' without saying whether candidates count (issue 12):
    the rows say so, and the 1923 row warns against reading the fall from 1922 as like for like."""
    m = data.load("party_membership").set_index("congress")
    for congress in (10, 11, 12):
        assert m.loc[congress, "reported_as"] == "party members (basis not stated)"
    assert "like-for-like" in m.loc[12, "note"]
    assert all(m.loc[c, "reported_as"] != "party members (basis not stated)" for c in range(13, 19))


def test_purge_dates_follow_the_sources():
    """The 1921 purge was decided in June and run from August (Timkin 2022); the purge of the 1930s
    was ordered on 28 April 1933 and ran until May 1935 (issue 12: it did not start in July 1930)."""
    events = data.load("membership_events").set_index("event_id")
    assert str(events.loc["purge_1921", "start"])[:10] == "1921-08-01"
    assert str(events.loc["purge_1930s", "start"])[:10] == "1933-04-28"
    assert str(events.loc["purge_1930s", "end"])[:7] == "1935-05"


def test_signatories_present_where_a_signed_text_is_published():
    """Who signed is the course's central evidence (issue 12): the joint decrees and directives of
    1932-33 name their signatories, and each row says how the course knows."""
    d = data.load("famine_decisions").set_index("decision_id")
    expected = {"d02": "Kalinin; Molotov; Yenukidze", "d04": "Molotov; Stalin", "d08": "Molotov; Stalin",
                "d09": "Molotov; Stalin", "d12": "Kalinin; Molotov; Yenukidze"}
    for doc, names in expected.items():
        assert d.loc[doc, "signed_by"] == names, doc
    assert (d["signed_by"] == "not checked by the course").sum() <= 1
    assert d["signed_by_basis"].str.len().min() > 20
    for doc, clause in (("d04", "Petliurites"), ("d04", "Poltavskaia"), ("d03", "Piłsudski"), ("d09", "400,000"),
                        ("d08", "not to allow mass departures")):
        assert clause in d.loc[doc, "summary"], (doc, clause)


def test_events_lie_within_the_chart_and_are_ordered():
    events = data.load("membership_events")
    m = data.load("party_membership")
    assert (events["start"] <= events["end"]).all()
    assert events["start"].min() >= m["opened"].min() and events["end"].max() <= m["opened"].max()


def test_validation_is_remembered_only_for_unchanged_content(tmp_path, monkeypatch):
    import shutil

    copy = tmp_path / "datasets"
    shutil.copytree(data.DATA_DIR, copy)
    monkeypatch.setattr(data, "DATA_DIR", copy)
    monkeypatch.setattr(data, "DATAPACKAGE", copy / "datapackage.json")
    for clear in (data._frictionless_package.cache_clear, data._validated.cache_clear):
        clear()
    try:
        data.validate("comment_sentences")
        assert data._cached_valid(data._content_key("comment_sentences"))
        data._validated.cache_clear()
        monkeypatch.setattr(data, "_validation_errors", lambda name: pytest.fail("re-validated unchanged content"))
        data.validate("comment_sentences")  # remembered: frictionless is not called
        monkeypatch.undo()
        monkeypatch.setattr(data, "DATA_DIR", copy)
        monkeypatch.setattr(data, "DATAPACKAGE", copy / "datapackage.json")
        csv = copy / "comment_sentences.csv"
        csv.write_text(csv.read_text(encoding="utf-8").replace("A03,A,", "A03,X,", 1), encoding="utf-8")
        data._validated.cache_clear()
        with pytest.raises(data.DataError, match="does not match its schema"):
            data.validate("comment_sentences")  # changed content: validated again, and rejected
    finally:
        data._frictionless_package.cache_clear()
        data._validated.cache_clear()


def test_apparatus_inner_bodies_are_smaller_than_the_central_committee():
    bodies = data.load("apparatus_1930").set_index("body_id")
    cc = bodies.loc["central_committee"]
    for body in ("orgburo", "politburo", "secretariat"):
        assert bodies.loc[body, "full_members"] < cc["full_members"]


def test_harvest_follows_what_the_source_table_shows():
    """Relations visible in the reproduced Wheatcroft and Davies table: the official and revised figures agree
    until the 'biological yield' was introduced, then the official one is the larger; the Western low
    estimate is below the official figure every year."""
    h = data.load("grain_harvest").set_index("year")
    before, after = h.loc[1928:1932], h.loc[1933:1934]
    assert (before["harvest_official_mt"] == before["harvest_revised_mt"]).all()
    assert (after["harvest_official_mt"] > after["harvest_revised_mt"]).all()
    assert (h["harvest_western_low_mt"] < h["harvest_official_mt"]).all()
    assert list(h.index) == list(range(1928, 1935))


def test_exports_follow_what_the_sources_state():
    """Ammende (1936, p. 47) and the text with Table 54 agree on 1931 (5.2 Mt) and differ on 1930 (4.8 against
    'about 5.8'); the Politburo's plan of 5 July 1931 (4.5 Mt) names barley 1, oats 0.4 and maize 0.3 Mt within it;
    every reported export is a small share of that year's revised harvest."""
    x = data.load("grain_exports").set_index("export_id")
    assert x.loc["x1931_ammende", "exports_mt"] == x.loc["x1931_cpw", "exports_mt"] == 5.2
    assert (x.loc["x1930_ammende", "exports_mt"], x.loc["x1930_cpw", "exports_mt"]) == (4.8, 5.8)
    plan = x[x["kind"] == "plan"]
    assert list(plan["period"]) == ["1931-07/1932-06"] and plan["exports_mt"].iloc[0] >= 1.0 + 0.4 + 0.3
    harvest = data.load("grain_harvest").set_index("year")
    for _, row in x[x["kind"] == "reported"].iterrows():
        assert row["exports_mt"] < 0.1 * harvest.loc[int(row["period"]), "harvest_revised_mt"]


def test_every_signatory_is_listed_among_the_actors():
    """The time line's "Who took part" filter uses `actors`: a person who signed a document must be found there."""
    d = data.load("famine_decisions")
    for _, row in d.iterrows():
        actors = {a.strip() for a in row["actors"].split(";")}
        if row["signed_by"] != "not checked by the course" and "no name" not in row["signed_by"] \
                and "without a name" not in row["signed_by"]:
            signers = {s.strip() for s in row["signed_by"].split(";")}
            assert signers <= actors, (row["decision_id"], signers - actors)
    assert d["date"].is_monotonic_increasing, "keep the time line's rows in date order"


def test_losses_are_ranges_or_marked_bounds():
    """Every estimate has low <= high; an empty high is allowed only where the source gives a lower bound, an
    empty low only where it gives an upper bound, and never both."""
    losses = data.load("famine_losses")
    for _, row in losses.iterrows():
        low, high = row["deaths_low_m"], row["deaths_high_m"]
        assert not (pd.isna(low) and pd.isna(high)), row["estimate_id"]
        if pd.isna(high):
            assert "lower bound" in row["kind"], row["estimate_id"]
        elif pd.isna(low):
            assert "upper bound" in row["kind"], row["estimate_id"]
        else:
            assert low <= high, row["estimate_id"]


POOD_KG = 16.38  # the factor implied by '356 million poods (5,831,300 t)' (holodomor_institute_12jul1932)


def test_procurement_plans_follow_what_the_sources_state():
    """Each plan is kept as the source gives it; its tonnage is the same figure converted (poods at 16.38 kg),
    and the sources' own relations hold: the 1931 plan was cut from 26.6 to 22.7 Mt, the 1930 regional plans
    are parts of the all-Union one, and Ukraine's 1932 figure is the one the source gives in tonnes."""
    q = data.load("grain_procurement").set_index("procurement_id")
    for pid, row in q.iterrows():
        expected = row["value"] * POOD_KG / 1000 if row["unit"] == "million poods" else row["value"]
        assert row["grain_mt"] == pytest.approx(expected, abs=0.005), pid
    assert (q.loc["q1931_ussr_first", "grain_mt"], q.loc["q1931_ussr_cut", "grain_mt"]) == (26.6, 22.7)
    assert q.loc["q1930_ukr", "value"] + q.loc["q1930_ncauc", "value"] < q.loc["q1930_ussr", "value"] == 1434
    assert q.loc["q1932_ukr", "value"] * POOD_KG * 1000 == pytest.approx(5_831_300, rel=1e-4)
    harvest = data.load("grain_harvest").set_index("year")
    ussr = q[q["territory"] == "USSR"]
    assert (ussr["grain_mt"] < 0.5 * harvest.loc[ussr["harvest_year"], "harvest_official_mt"].to_numpy()).all()


def test_a_change_to_a_referenced_table_revalidates(tmp_path, monkeypatch):
    """A remembered pass does not outlive a change to a table that the resource's foreign key reads (here one made
    on a copy: the Soviet rows of decision_roles pointing into famine_decisions)."""
    import shutil

    copy = tmp_path / "datasets"
    shutil.copytree(data.DATA_DIR, copy)
    package = json.loads((copy / "datapackage.json").read_text(encoding="utf-8"))
    roles = next(r for r in package["resources"] if r["name"] == "decision_roles")
    roles["schema"]["foreignKeys"] = [{"fields": "decision_id", "reference": {"resource": "famine_decisions", "fields": "decision_id"}}]
    (copy / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    csv = copy / "decision_roles.csv"
    lines = csv.read_text(encoding="utf-8").split("\n")
    csv.write_text("\n".join(l for l in lines if l == lines[0] or ",USSR," in l) + "\n", encoding="utf-8")
    monkeypatch.setattr(data, "DATA_DIR", copy)
    monkeypatch.setattr(data, "DATAPACKAGE", copy / "datapackage.json")
    data._frictionless_package.cache_clear()
    data._validated.cache_clear()
    data.descriptor.cache_clear()
    try:
        data.validate("decision_roles")
        assert data._cached_valid(data._content_key("decision_roles"))
        docs = copy / "famine_decisions.csv"
        docs.write_text("\n".join(l for l in docs.read_text(encoding="utf-8").split("\n") if not l.startswith("d01,")),
                        encoding="utf-8")
        data._frictionless_package.cache_clear()
        with pytest.raises(data.DataError, match="foreign key"):
            data.validate("decision_roles")
    finally:
        data._frictionless_package.cache_clear()
        data._validated.cache_clear()
        data.descriptor.cache_clear()
