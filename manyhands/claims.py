"""Lesson 00's claim sorter, as pure functions (the widget in ``widgets.py`` is a view over these).

A learner tags each sentence of the two comments with a kind of claim; the course key gives,
for each sentence, a main kind, other kinds a careful reader could defend, the kind of evidence
that would test it, and the reasoning.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

CLAIM_TYPES = ("empirical", "interpretive", "normative", "rhetorical")

DEFINITIONS = {
    "empirical": "a claim about what happened or what exists, which sources could show to be true or false "
    "(who signed an order, how many people died, what a book says)",
    "interpretive": "a claim about causes, connections or meaning that goes beyond any single fact and is argued "
    "from evidence (why the famine happened, what role Stalin played)",
    "normative": "a claim about what is right, fair or blameworthy, or about how we ought to speak "
    "(who is to blame, whether a label is fair)",
    "rhetorical": "no claim that evidence or argument could test: the writer's feelings, a gesture, an insult",
}

EVIDENCE_TYPES = {
    "decision_records": "records of who decided: Politburo decrees and protocols, signed orders, leaders' correspondence",
    "implementation_records": "records of how policy was carried out: regional party and police reports, procurement and court files, memoirs",
    "statistics": "counts and series: harvests, procurements, deaths, arrests, camp populations",
    "texts_and_arguments": "the texts being described: what a book, an author or a school of historians actually argues",
    "comparison": "comparison across cases: other one-party states, other communist regimes, other periods",
    "moral_reasoning": "not settled by evidence alone: moral, legal and philosophical argument (the facts still constrain it)",
    "none": "nothing to test",
}

VERDICTS = ("agrees", "defensible", "differs", "not tagged")


class ClaimError(ValueError):
    """Bad input to the claim sorter's functions."""


def _check_tags(tags: Mapping, sentences: pd.DataFrame) -> None:
    if not isinstance(tags, Mapping):
        raise ClaimError(f"tags must be a dict from sentence id to a kind of claim, not {type(tags).__name__}.")
    known = set(sentences["sentence_id"])
    unknown = [k for k in tags if k not in known]
    if unknown:
        raise ClaimError(f"Unknown sentence ids: {', '.join(map(str, unknown))}.")
    bad = {k: v for k, v in tags.items() if v is not None and v not in CLAIM_TYPES}
    if bad:
        raise ClaimError(f"Unknown kinds of claim: {bad}. Use one of {', '.join(CLAIM_TYPES)}.")


def count_tags(tags: Mapping[str, str | None], sentences: pd.DataFrame) -> pd.DataFrame:
    """Count a learner's tags by comment and kind of claim.

    Returns a frame indexed by comment ('A', 'B') with one column per kind of claim plus
    'not tagged', so every cell exists even when it is zero.
    """
    _check_tags(tags, sentences)
    kinds = [tags.get(sid) or "not tagged" for sid in sentences["sentence_id"]]
    frame = pd.DataFrame({"comment": sentences["comment"].astype(str).to_numpy(), "kind": kinds})
    table = pd.crosstab(frame["comment"], frame["kind"])
    return table.reindex(columns=[*CLAIM_TYPES, "not tagged"], fill_value=0).astype(int)


def compare_tags(tags: Mapping[str, str | None], sentences: pd.DataFrame) -> pd.DataFrame:
    """Compare a learner's tags with the course key, sentence by sentence.

    verdict is 'agrees' (the key's main kind), 'defensible' (another kind the key accepts),
    'differs', or 'not tagged'.
    """
    _check_tags(tags, sentences)
    rows = []
    for row in sentences.itertuples(index=False):
        mine = tags.get(row.sentence_id)
        also = row.also_defensible.split(";") if isinstance(row.also_defensible, str) else []
        if mine is None:
            verdict = "not tagged"
        elif mine == row.key_type:
            verdict = "agrees"
        elif mine in also:
            verdict = "defensible"
        else:
            verdict = "differs"
        rows.append(
            {
                "sentence_id": row.sentence_id,
                "your_tag": mine or "",
                "key_type": row.key_type,
                "verdict": verdict,
                "evidence_key": row.evidence_key,
                "rationale": row.rationale,
            }
        )
    return pd.DataFrame(rows)


def agreement(comparison: pd.DataFrame) -> dict[str, int]:
    """How many sentences fall under each verdict."""
    counts = comparison["verdict"].value_counts()
    return {v: int(counts.get(v, 0)) for v in VERDICTS}
