"""Text alternatives for the course's charts: a sentence or two, generated from the data each chart shows.

Each function takes what its chart draws and returns plain text (no HTML) saying what rises, what peaks
and where sources differ, for a screen reader (the widgets show it under the chart) and for anyone who
prefers words to a picture.
"""

from __future__ import annotations

import pandas as pd


def _num(x: float, digits: int = 1) -> str:
    return f"{x:,.{digits}f}".rstrip("0").rstrip(".") if digits else f"{x:,.0f}"


def _list(items: list[str]) -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def claim_tally(table: pd.DataFrame) -> str:
    """The claim sorter's tally: ``table`` is claims.count_tags (rows: comments; columns: kinds and 'not tagged')."""
    parts = []
    for comment, row in table.iterrows():
        total = int(row.sum())
        tagged = total - int(row.get("not tagged", 0))
        kinds = [f"{int(n)} {kind}" for kind, n in row.items() if kind != "not tagged" and n]
        parts.append(f"Comment {comment}: {tagged} of {total} sentences tagged"
                     + (f" ({_list(kinds)})" if kinds else "") + ".")
    return "Chart of your tags. " + " ".join(parts)


def stance_position(value: int | None, describe_words: str | None, history: list[dict]) -> str:
    """The stance scale: the position chosen now (None: not chosen yet) and the positions saved before."""
    now = ("No position chosen yet." if value is None
           else f"Your position now: {value} on the scale from 0 to 10 ({describe_words}).")
    if history:
        earlier = "; ".join(f"{r['value']} in lesson {r['lesson']}" for r in history[-3:])
        return f"{now} Saved earlier: {earlier}."
    return f"{now} Nothing saved earlier."


def debate_map(works: pd.DataFrame, chosen: str | None = None, cite=str) -> str:
    """The debate map: how many works per debate and when; ``chosen`` names the debate brought forward."""
    first, last = int(works["year_published"].min()), int(works["year_published"].max())
    counts = works.groupby("debate", sort=False)["year_published"].agg(["count", "min", "max"])
    debates = [f"{d} ({int(r['count'])} works, {int(r['min'])}–{int(r['max'])})" for d, r in counts.iterrows()]
    text = (f"Timeline of {len(works)} works published from {first} to {last}, one row per debate: "
            f"{_list(debates)}.")
    if chosen and chosen in counts.index:
        part = works[works["debate"] == chosen].sort_values("year_published")
        names = [f"{cite(s)}, weight on {e}" for s, e in zip(part["source_id"], part["emphasis"])]
        text += f" Highlighted, {chosen}: {'; '.join(names)}."
    return text


def membership(table: pd.DataFrame, series: str = "both") -> str:
    """The membership chart: ``table`` has opened, members, candidates, members_and_candidates (persons)."""
    t = table.sort_values("opened")
    out = []
    for column, label in (("members", "Full members"), ("candidates", "Candidates")):
        if series not in ("both", "full members" if column == "members" else "candidates"):
            continue
        known = t[t[column].notna()]
        if known.empty:
            continue
        first, last = known.iloc[0], known.iloc[-1]
        peak = known.loc[known[column].astype(float).idxmax()]
        low = known.loc[known[column].astype(float).idxmin()]
        sentence = (f"{label} went from {_num(first[column] / 1000, 0)} thousand in {first['opened'].year} "
                    f"to {_num(last[column] / 1000, 0)} thousand in {last['opened'].year}")
        if low["opened"] not in (first["opened"], last["opened"]):
            sentence += f", with a low of {_num(low[column] / 1000, 0)} thousand in {low['opened'].year}"
        if peak["opened"] != last["opened"]:
            sentence += f" and a peak of {_num(peak[column] / 1000, 0)} thousand in {peak['opened'].year}"
        out.append(sentence + ".")
    together = t[t["members_and_candidates"].notna()]
    if series == "both" and not together.empty:
        out.append("In " + _list([str(d.year) for d in together["opened"]]) + " only a total of members and candidates"
                   " was reported (" + _list([f"{_num(v / 1000, 0)} thousand" for v in together["members_and_candidates"]]) + ").")
    return " ".join(out) or "No series is shown."


def apparatus(bodies: pd.DataFrame) -> str:
    """The apparatus chart: full members and candidates of each body."""
    rows = [f"{r.body}: {int(r.full_members)} full members and {int(r.candidates)} candidates" for r in bodies.itertuples()]
    largest = bodies.loc[bodies["full_members"].idxmax(), "body"]
    smallest = bodies.loc[bodies["full_members"].idxmin(), "body"]
    return f"Bar chart. {'; '.join(rows)}. The {largest} is the largest body, the {smallest} the smallest."


def chain(result) -> str:
    """The chain-of-command chart for a chain.simulate result (None: the model was refused its input)."""
    if result is None:
        return "No chart: the model could not run with these settings."
    return (f"Line chart over {len(result.table) - 1} offices. The report goes from {_num(result.true_value)} at the producers "
            f"to {_num(result.perceived)} at the centre ({result.gap:+.0%}); the demand passed down reaches the producers as "
            f"{_num(result.demand_on_producers)}, {result.demand_share:.0%} of what they really have.")


def procurement(positions: list[str], taken: list[float], left: list[float]) -> str:
    """The calculator's stacked bars: what the plan takes from and leaves of each harvest, in million tonnes."""
    parts = [f"of the {p}, the plan takes {_num(t)} Mt and leaves {_num(l)} Mt" for p, t, l in zip(positions, taken, left)]
    return "Stacked bars: " + "; ".join(parts) + "."


def timeline(chosen: pd.DataFrame, total: int, who: str, noun: str = "decisions", rows: dict | None = None) -> str:
    """The decisions time line: which decisions are highlighted (``who``: 'everyone' or an actor); ``rows``, the
    chart's rows (what the signatures show) with the number of highlighted ones in each."""
    if chosen.empty:
        return f"Time line of {total} {noun}; none with {who}."
    span = f"from {chosen['date'].min():%d %B %Y} to {chosen['date'].max():%d %B %Y}"
    whose = "" if who == "everyone" else f" with {who}"
    text = f"Time line: {len(chosen)} of {total} {noun}{whose}, {span}; they are listed below the chart."
    if rows:
        text += " One row for what the copy read shows of the signatures: " + _list(
            [f"{label} ({n})" for label, n in rows.items()]) + "."
    return text


def harvest(table: pd.DataFrame) -> str:
    """Lesson 02's harvest chart: the official, revised and Western 'low' estimates by year (million tonnes)."""
    t = table.sort_values("year")
    gap = t["harvest_official_mt"] - t["harvest_revised_mt"]
    big = t.loc[gap.idxmax()]
    low = t.loc[t["harvest_western_low_mt"].idxmin()]
    peak = t.loc[t["harvest_official_mt"].idxmax()]
    return (f"Line chart, {t['year'].min()}–{t['year'].max()}. The official figure peaks at {_num(peak['harvest_official_mt'])} Mt "
            f"in {peak['year']}; the revised figure agrees with it until {int(t.loc[gap > 0, 'year'].min()) - 1} and is "
            f"{_num(gap.max())} Mt lower in {big['year']}. The Western 'low' estimate is lowest in "
            f"{_list([str(y) for y in t.loc[t['harvest_western_low_mt'] == low['harvest_western_low_mt'], 'year']])} "
            f"({_num(low['harvest_western_low_mt'])} Mt).")


def exports(table: pd.DataFrame, label=None, cite=str) -> str:
    """Lesson 02's exports chart: ``table`` has period, kind, exports_mt, source_id; ``label(period, kind)`` names a bar group."""
    label = label or (lambda period, kind: str(period) + (" (plan)" if kind == "plan" else ""))
    out = []
    for (period, kind), rows in table.groupby(["period", "kind"], sort=False):
        values = [f"{cite(s)}: {_num(v)} Mt" for s, v in zip(rows["source_id"], rows["exports_mt"])]
        if len(rows) > 1 and rows["exports_mt"].nunique() > 1:
            out.append(f"{label(period, kind)}: the sources differ ({_list(values)})")
        elif len(rows) > 1:
            out.append(f"{label(period, kind)}: the sources agree on {_num(rows['exports_mt'].iloc[0])} Mt")
        else:
            out.append(f"{label(period, kind)}: {values[0]}")
    return "Bar chart of grain exports. " + "; ".join(out) + "."


def _level_count(level: str, n: int) -> str:
    if level in ("inner circle", "central apparatus"):
        return f"{n} in the {level}"
    if level == "leader":
        return "the leader" if n == 1 else f"{n} leaders"
    if n == 1:
        return {"regional officials": "1 regional official", "executors": "1 executor", "others": "1 other"}.get(level, f"1 {level}")
    return f"{n} {level}"


def network(summary: pd.DataFrame, documents: int, links: int, roles: list[str], regime: str = "all regimes",
            top: int = 3) -> str:
    """Lesson 05's network of actors and documents: ``summary`` is manyhands.network.actor_summary of what is shown,
    ``links`` the number of (actor, document) pairs, ``roles`` the roles shown, ``regime`` the regime chosen."""
    from ..network import LEVELS, ROLES

    shown = _list(list(roles)) if roles else "none"
    where = "" if regime in (None, "all regimes") else f" ({regime})"
    if summary.empty:
        return f"Network{where}: no document shows anyone in the roles chosen (roles shown: {shown})."
    text = (f"Network{where} of {documents} document{'s' * (documents != 1)} and {len(summary)} people and bodies, "
            f"joined by {links} link{'s' * (links != 1)} (an actor named in a document); roles shown: {shown}. ")
    most = []
    for row in summary.head(top).to_dict("records"):
        counts = [f"{role} {row[role]}" for role in ROLES if row.get(role)]
        n = row["documents"]
        most.append(f"{row['actor']} ({row['actor_level']}), in {n} document{'s' * (n != 1)}: {', '.join(counts)}")
    text += "Most connected: " + "; ".join(most) + ". "
    per_level = summary["actor_level"].value_counts()
    text += "By level: " + _list([_level_count(lvl, int(per_level[lvl])) for lvl in LEVELS if lvl in per_level]) + "."
    none = [role for role in roles if role in ROLES and not summary[role].sum()]
    if none:
        text += f" No document shows anyone as {_list(none).replace(' and ', ' or ')}."
    return text
