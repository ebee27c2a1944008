"""manyhands.network: plain pytest on small tables, edge cases and bad input, then the course data."""

import networkx as nx
import pandas as pd
import pytest

from manyhands import data, network


def _roles(rows):
    return pd.DataFrame(rows, columns=list(network.COLUMNS))


SMALL = _roles([
    ("d01", "USSR", "Stalin", "leader", "initiated"),
    ("d01", "USSR", "Stalin", "leader", "signed"),
    ("d01", "USSR", "Kaganovich", "inner circle", "carried out"),
    ("d02", "USSR", "Molotov", "inner circle", "signed"),
    ("d02", "USSR", "Stalin", "leader", "signed"),
    ("n01", "Nazi Germany", "Hitler", "leader", "signed"),
    ("n01", "Nazi Germany", "Bouhler", "inner circle", "carried out"),
])


def test_build_is_bipartite_with_roles_on_the_edges():
    g = network.build(SMALL)
    assert isinstance(g, nx.Graph) and nx.is_bipartite(g)
    actors = {n for n, d in g.nodes(data=True) if d["kind"] == "actor"}
    assert actors == {"Stalin", "Kaganovich", "Molotov", "Hitler", "Bouhler"}
    assert {n for n, d in g.nodes(data=True) if d["bipartite"] == 1} == {"d01", "d02", "n01"}
    assert g.edges["Stalin", "d01"]["roles"] == ("initiated", "signed") and g.edges["Stalin", "d01"]["role"] == "initiated"
    assert g.edges["Bouhler", "n01"]["regime"] == "Nazi Germany"
    assert g.nodes["Stalin"]["level"] == "leader" and g.nodes["Stalin"]["regimes"] == ("USSR",)
    assert g.number_of_edges() == 6  # Stalin's two roles in d01 are one edge


def test_build_adds_dates_and_titles_of_documents():
    docs = pd.DataFrame({"decision_id": ["d01", "d02"], "date": pd.to_datetime(["1932-07-20", "1932-08-07"]),
                         "title": ["a letter", "a law"]})
    g = network.build(SMALL, documents=docs)
    assert g.nodes["d02"]["title"] == "a law" and "title" not in g.nodes["n01"]


def test_actor_summary_counts_documents_and_roles():
    s = network.actor_summary(SMALL).set_index("actor")
    assert list(s.columns) == ["actor_level", "documents", *network.ROLES, "regimes"]
    assert s.loc["Stalin", "documents"] == 2 and s.loc["Stalin", "signed"] == 2 and s.loc["Stalin", "initiated"] == 1
    assert s.loc["Hitler", "regimes"] == "Nazi Germany"
    assert s.index[0] == "Stalin"  # the most connected first
    assert s[list(network.ROLES)].to_numpy().sum() == len(SMALL)


def test_subset_keeps_roles_and_regimes():
    assert set(network.subset(SMALL, roles_kept=["signed"])["role"]) == {"signed"}
    assert len(network.subset(SMALL, roles_kept="signed")) == 4  # one name as text is a list of one
    assert set(network.subset(SMALL, regimes=["Nazi Germany"])["actor"]) == {"Hitler", "Bouhler"}
    assert network.subset(SMALL, roles_kept=[]).empty
    assert len(network.subset(SMALL)) == len(SMALL)


def test_bad_role_names_and_tables_give_clear_errors():
    with pytest.raises(network.NetworkError, match="Unknown role 'sign'.*'signed'"):
        network.subset(SMALL, roles_kept=["sign"])
    with pytest.raises(network.NetworkError, match="Unknown regime 'USRR': choose from 'Nazi Germany', 'USSR'"):
        network.subset(SMALL, regimes=["USRR"])
    bad = SMALL.copy()
    bad.loc[0, "role"] = "ordered"
    with pytest.raises(network.NetworkError, match="Unknown role 'ordered'"):
        network.build(bad)
    bad = SMALL.copy()
    bad.loc[0, "actor_level"] = "boss"
    with pytest.raises(network.NetworkError, match="Unknown actor level 'boss'"):
        network.actor_summary(bad)
    bad = SMALL.copy()
    bad.loc[1, "actor_level"] = "inner circle"
    with pytest.raises(network.NetworkError, match="'Stalin' stands at more than one level"):
        network.build(bad)
    with pytest.raises(network.NetworkError, match="no column 'role'"):
        network.build(SMALL.drop(columns="role"))
    with pytest.raises(network.NetworkError, match="a pandas DataFrame"):
        network.build([("d01", "Stalin")])
    bad = SMALL.copy()
    bad.loc[1, "actor"] = None
    with pytest.raises(network.NetworkError, match="Row 1 has no actor"):
        network.build(bad)
    with pytest.raises(network.NetworkError, match="a list of names"):
        network.subset(SMALL, roles_kept=3)
    with pytest.raises(network.NetworkError, match="Unknown layout"):
        network.layout(network.build(SMALL), kind="circle")
    with pytest.raises(network.NetworkError, match="the graph that build"):
        network.layout(SMALL)


def test_empty_input():
    empty = _roles([])
    g = network.build(empty)
    assert g.number_of_nodes() == 0
    assert network.layout(g) == {} and network.layout(g, kind="spring") == {}
    s = network.actor_summary(empty)
    assert s.empty and list(s.columns) == ["actor", "actor_level", "documents", *network.ROLES, "regimes"]
    assert network.subset(empty, roles_kept=["signed"], regimes=["USSR"]).empty


def test_layout_is_deterministic_and_in_two_ordered_columns():
    g = network.build(SMALL)
    pos = network.layout(g)
    assert pos == network.layout(network.build(SMALL.sample(frac=1, random_state=3)))  # row order does not matter
    assert {pos[n][0] for n in ("Stalin", "Molotov", "Hitler")} == {0.0} and pos["d01"][0] == 1.0
    ys = lambda nodes: [pos[n][1] for n in nodes]
    assert ys(["Stalin", "Hitler", "Bouhler"]) == sorted(ys(["Stalin", "Hitler", "Bouhler"]), reverse=True)  # leaders on top
    assert ys(["Stalin"]) > ys(["Kaganovich"])
    assert min(y for _, y in pos.values()) == pytest.approx(-4.5)  # five actors, one row each
    assert min(ys(["d01", "d02", "n01"])) >= -5 and max(ys(["d01", "d02", "n01"])) <= 0  # the documents span the same height
    tall = network.layout(g, heights={"Stalin": 2})
    assert tall["Stalin"][1] == -1.0 and tall["Hitler"][1] == -2.5
    spring = network.layout(g, kind="spring", seed=4)
    assert spring == network.layout(g, kind="spring", seed=4) and set(spring) == set(g.nodes)


def test_the_course_data_makes_one_connected_picture():
    roles = data.load("decision_roles")
    g = network.build(roles, documents=data.load("famine_decisions"))
    assert nx.is_bipartite(g)
    summary = network.actor_summary(roles)
    assert summary.iloc[0]["actor"] == "Stalin"
    assert summary["resisted"].sum() == 0  # no cell of famine_decisions records resistance
    signed = network.subset(roles, roles_kept=["signed"])
    assert set(signed["actor"]) >= {"Stalin", "Molotov", "Kalinin", "Yenukidze"}
