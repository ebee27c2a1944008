"""Who did what in which document, as a network of actors and documents: the pure functions behind lesson 05's network view.

The input is a table like the dataset ``decision_roles``: one row per (document, actor, role), with the columns
``decision_id``, ``regime``, ``actor``, ``actor_level`` and ``role``.  ``subset`` keeps some roles or regimes,
``build`` makes a bipartite networkx graph (actors on one side, documents on the other, each edge carrying the
roles the actor played in that document), ``actor_summary`` counts per actor, and ``layout`` gives every node a
position that is the same on every run.

A network drawn from documents shows who the documents name, not who acted: a body or an executor the
documents leave unnamed cannot appear, and a role the course has not checked is absent, not denied.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx
import pandas as pd

__all__ = ["COLUMNS", "LEVELS", "NetworkError", "ROLES", "actor_summary", "build", "check", "layout", "subset"]

ROLES = ("initiated", "signed", "issued", "carried out", "resisted")
LEVELS = ("leader", "inner circle", "central apparatus", "regional officials", "executors", "others")
COLUMNS = ("decision_id", "regime", "actor", "actor_level", "role")


class NetworkError(ValueError):
    """The roles table or a filter cannot be used; the message says what to change."""


def _names(values: Iterable[str]) -> str:
    return ", ".join(repr(v) for v in values)


def check(roles: pd.DataFrame) -> pd.DataFrame:
    """The roles table, checked: the columns are there, every role and level is one the course knows, every
    actor has one level, no cell is empty.  Returns a copy with plain text values (a table with no rows is fine)."""
    if not isinstance(roles, pd.DataFrame):
        raise NetworkError(f"The roles must be a table (a pandas DataFrame such as data.load('decision_roles')), "
                           f"not {type(roles).__name__}.")
    missing = [c for c in COLUMNS if c not in roles.columns]
    if missing:
        raise NetworkError(f"The roles table has no column {_names(missing)}; it needs {_names(COLUMNS)}.")
    frame = roles.copy()
    for column in COLUMNS:
        if frame[column].isna().any():
            first = frame.index[frame[column].isna()][0]
            raise NetworkError(f"Row {first} has no {column}: every row needs all of {_names(COLUMNS)}.")
        frame[column] = frame[column].astype(str).str.strip()
        if (frame[column] == "").any():
            raise NetworkError(f"Row {frame.index[frame[column] == ''][0]} has an empty {column}.")
    bad = sorted(set(frame["role"]) - set(ROLES))
    if bad:
        raise NetworkError(f"Unknown role {_names(bad)}: a role is one of {_names(ROLES)}.")
    bad = sorted(set(frame["actor_level"]) - set(LEVELS))
    if bad:
        raise NetworkError(f"Unknown actor level {_names(bad)}: a level is one of {_names(LEVELS)}.")
    levels = frame.groupby("actor")["actor_level"].nunique()
    if (levels > 1).any():
        actor = levels[levels > 1].index[0]
        found = sorted(set(frame.loc[frame["actor"] == actor, "actor_level"]))
        raise NetworkError(f"{actor!r} stands at more than one level ({_names(found)}); give each actor one level.")
    clash = sorted(set(frame["actor"]) & set(frame["decision_id"]))
    if clash:
        raise NetworkError(f"{_names(clash)} is both an actor and a document id; rename one of them.")
    return frame


def _chosen(kind: str, given, allowed: Iterable[str]) -> list[str]:
    if isinstance(given, str):
        given = [given]
    try:
        given = list(given)
    except TypeError:
        raise NetworkError(f"{kind} must be a list of names such as {list(allowed)[:2]}, not {given!r}.") from None
    allowed = list(allowed)
    bad = [g for g in given if g not in allowed]
    if bad:
        raise NetworkError(f"Unknown {kind[:-1] if kind.endswith('s') else kind} {_names(bad)}: choose from {_names(allowed)}.")
    return given


def subset(roles: pd.DataFrame, roles_kept: Iterable[str] | str | None = None,
           regimes: Iterable[str] | str | None = None) -> pd.DataFrame:
    """The rows whose role is in ``roles_kept`` and whose regime is in ``regimes`` (None keeps every one).

    A role must be one of ``ROLES``; a regime must be one that the table has (a misspelt name is an error,
    not an empty result)."""
    frame = check(roles)
    keep = pd.Series(True, index=frame.index)
    if roles_kept is not None:
        keep &= frame["role"].isin(_chosen("roles", roles_kept, ROLES))
    if regimes is not None and not frame.empty:
        present = sorted(set(frame["regime"]))
        keep &= frame["regime"].isin(_chosen("regimes", regimes, present))
    return frame[keep].reset_index(drop=True)


def build(roles: pd.DataFrame, documents: pd.DataFrame | None = None) -> nx.Graph:
    """A bipartite graph: one node per actor (``kind='actor'``, ``bipartite=0``, ``level``, ``regimes``) and one per
    document (``kind='document'``, ``bipartite=1``, ``regime``), joined by an edge wherever the actor played a role in
    the document.  An edge carries ``roles`` (every role the actor played there, in the order of ``ROLES``), ``role``
    (the first of them) and ``regime``.  ``documents`` (optional: decision_id, date, title) adds ``date`` and ``title``
    to the document nodes."""
    frame = check(roles)
    graph = nx.Graph()
    extra: dict[str, dict] = {}
    if documents is not None:
        for row in documents.to_dict("records"):
            extra[str(row["decision_id"])] = {k: row[k] for k in ("date", "title") if k in row}
    for actor, rows in frame.groupby("actor", sort=True):
        graph.add_node(actor, kind="actor", bipartite=0, level=rows["actor_level"].iloc[0],
                       regimes=tuple(sorted(set(rows["regime"]))))
    for doc, rows in frame.groupby("decision_id", sort=True):
        graph.add_node(doc, kind="document", bipartite=1, regime=rows["regime"].iloc[0], **extra.get(doc, {}))
    for (actor, doc), rows in frame.groupby(["actor", "decision_id"], sort=True):
        played = tuple(r for r in ROLES if r in set(rows["role"]))
        graph.add_edge(actor, doc, roles=played, role=played[0], regime=rows["regime"].iloc[0])
    return graph


def actor_summary(roles: pd.DataFrame) -> pd.DataFrame:
    """One row per actor: ``actor``, ``actor_level``, ``documents`` (how many documents name the actor), one column
    per role (how many documents show the actor in it) and ``regimes``; the most connected first."""
    frame = check(roles)
    columns = ["actor", "actor_level", "documents", *ROLES, "regimes"]
    if frame.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "documents" or c in ROLES else "object") for c in columns})
    counts = (frame.drop_duplicates(["actor", "decision_id", "role"])
              .pivot_table(index="actor", columns="role", values="decision_id", aggfunc="count", fill_value=0)
              .reindex(columns=list(ROLES), fill_value=0))
    summary = pd.DataFrame({
        "actor_level": frame.groupby("actor")["actor_level"].first(),
        "documents": frame.groupby("actor")["decision_id"].nunique(),
    }).join(counts)
    summary["regimes"] = frame.groupby("actor")["regime"].agg(lambda s: "; ".join(sorted(set(s))))
    summary = summary.reset_index()
    summary["_level"] = summary["actor_level"].map(LEVELS.index)
    summary = summary.sort_values(["documents", "_level", "actor"], ascending=[False, True, True])
    for column in ("documents", *ROLES):
        summary[column] = summary[column].astype("int64")
    return summary[columns].reset_index(drop=True)


def layout(graph: nx.Graph, seed: int = 0, kind: str = "columns",
           heights: dict | None = None) -> dict[str, tuple[float, float]]:
    """A position (x, y) for every node, the same on every run.

    ``kind='columns'`` (the default) puts the actors in a column at x = 0, ordered by level (leader first) and then
    by how many documents name them, and the documents in a column at x = 1, in order of date (or id), both columns
    spanning the same height downwards from y = 0.  ``heights`` gives a node more room than one row (e.g. 2 for a
    label on two lines).  ``kind='spring'`` is networkx's force-directed layout with this ``seed``."""
    if not isinstance(graph, nx.Graph):
        raise NetworkError(f"layout() takes the graph that build() returns, not {type(graph).__name__}.")
    if kind == "spring":
        if graph.number_of_nodes() == 0:
            return {}
        pos = nx.spring_layout(graph, seed=seed)
        return {n: (round(float(x), 6), round(float(y), 6)) for n, (x, y) in pos.items()}
    if kind != "columns":
        raise NetworkError(f"Unknown layout {kind!r}: choose 'columns' or 'spring'.")
    heights = heights or {}
    actors = [n for n, d in graph.nodes(data=True) if d.get("kind") == "actor"]
    documents = [n for n, d in graph.nodes(data=True) if d.get("kind") == "document"]
    level = {name: i for i, name in enumerate(LEVELS)}
    actors.sort(key=lambda n: (level.get(graph.nodes[n].get("level"), len(LEVELS)), -graph.degree(n), str(n)))
    documents.sort(key=lambda n: (str(graph.nodes[n].get("date", "")), str(n)))

    def stack(nodes):
        """Each node at the middle of its own band; returns positions and the total height."""
        out, top = {}, 0.0
        for n in nodes:
            h = float(heights.get(n, 1.0))
            out[n] = -(top + h / 2)
            top += h
        return out, top

    left, left_h = stack(actors)
    right, right_h = stack(documents)
    total = max(left_h, right_h)
    pos = {}
    for nodes, ys, h, x in ((actors, left, left_h, 0.0), (documents, right, right_h, 1.0)):
        scale = total / h if h else 1.0  # the shorter column is spread over the same height
        for n in nodes:
            pos[n] = (x, round(ys[n] * scale, 6))
    return pos
