"""The responsibility ledger of lesson 05 as plain data: for each case and each level of actors, what the documents show
they did and how the learner judges it under Karl Jaspers's four kinds of guilt.

A ledger is a JSON-ready dict (``blank`` makes an empty one; ``restore`` rebuilds one from a saved dict, keeping what
fits this lesson's cases and actors and saying what it left out).  The widget that fills it in is
``manyhands.views.lesson05.Ledger``; where it is saved is the lesson's business (a ``save`` callable).
"""

from __future__ import annotations

DEEDS = ("initiated", "signed", "enforced", "carried out", "resisted", "none shown")
GUILT = ("criminal", "political", "moral", "metaphysical")  # Jaspers, Die Schuldfrage (1946)
DEGREES = ("none", "some", "heavy")
VERSION = 1

__all__ = ["DEEDS", "DEGREES", "GUILT", "LedgerError", "VERSION", "answered", "blank", "pairs", "restore"]


class LedgerError(ValueError):
    """The cases or actors given to a ledger cannot be used; the message says why."""


def pairs(items, what: str) -> list[tuple[str, str]]:
    """``items`` as a list of (id, label): each item is an id (its own label) or an (id, label) pair; ids are unique."""
    if isinstance(items, (str, bytes)) or items is None:
        raise LedgerError(f"Give the {what}s as a list, e.g. [('d04', 'The decree of 14 December 1932')], not {items!r}.")
    out = []
    for item in items:
        if isinstance(item, str):
            ident, label = item, item
        elif isinstance(item, (tuple, list)) and len(item) == 2:
            ident, label = str(item[0]), str(item[1])
        else:
            raise LedgerError(f"Each {what} is a name or an (id, label) pair, not {item!r}.")
        if not ident.strip():
            raise LedgerError(f"A {what} has an empty id.")
        out.append((ident, label))
    if not out:
        raise LedgerError(f"A ledger needs at least one {what}.")
    ids = [i for i, _ in out]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise LedgerError(f"The {what} {', '.join(map(repr, repeated))} is given twice.")
    return out


def _entry() -> dict:
    return {"did": None, "guilt": {kind: None for kind in GUILT}}


def blank(cases, actors) -> dict:
    """An empty ledger: every answer None, every evidence text empty."""
    cases, actors = pairs(cases, "case"), pairs(actors, "actor")
    return {"version": VERSION,
            "cases": {cid: {"label": label, "evidence": "", "actors": {aid: _entry() for aid, _ in actors}}
                      for cid, label in cases}}


def restore(saved, cases, actors) -> tuple[dict, list[str]]:
    """The ledger for these cases and actors with every answer of ``saved`` that fits, and a list of what did not
    (an empty list: everything was restored).  Never raises on a bad ``saved``: a learner's file may be old or damaged."""
    ledger = blank(cases, actors)
    problems: list[str] = []
    if saved is None:
        return ledger, problems
    if not isinstance(saved, dict) or not isinstance(saved.get("cases"), dict):
        return ledger, [f"the saved ledger could not be read (expected a dict with 'cases', got {type(saved).__name__})"]
    for cid, case in saved["cases"].items():
        if cid not in ledger["cases"]:
            problems.append(f"case {cid!r} is not in this ledger")
            continue
        if not isinstance(case, dict):
            problems.append(f"case {cid!r} could not be read")
            continue
        target = ledger["cases"][cid]
        evidence = case.get("evidence", "")
        if isinstance(evidence, str):
            target["evidence"] = evidence
        else:
            problems.append(f"the evidence of case {cid!r} is not text")
        entries = case.get("actors", {})
        if not isinstance(entries, dict):
            problems.append(f"the answers of case {cid!r} could not be read")
            continue
        for aid, entry in entries.items():
            if aid not in target["actors"]:
                problems.append(f"{aid!r} in case {cid!r} is not in this ledger")
                continue
            if not isinstance(entry, dict):
                problems.append(f"the answers for {aid!r} in case {cid!r} could not be read")
                continue
            did = entry.get("did")
            if did is None or did in DEEDS:
                target["actors"][aid]["did"] = did
            else:
                problems.append(f"{did!r} (for {aid!r} in case {cid!r}) is not one of the choices")
            guilt = entry.get("guilt", {})
            if not isinstance(guilt, dict):
                problems.append(f"the judgements for {aid!r} in case {cid!r} could not be read")
                continue
            for kind, degree in guilt.items():
                if kind not in GUILT:
                    problems.append(f"{kind!r} guilt (for {aid!r} in case {cid!r}) is not one of Jaspers's four")
                elif degree is None or degree in DEGREES:
                    target["actors"][aid]["guilt"][kind] = degree
                else:
                    problems.append(f"{degree!r} ({kind} guilt of {aid!r} in case {cid!r}) is not one of {', '.join(DEGREES)}")
    return ledger, problems


def answered(ledger: dict) -> tuple[int, int]:
    """How many of the ledger's choices are made, out of how many."""
    done = total = 0
    for case in ledger["cases"].values():
        for entry in case["actors"].values():
            values = [entry["did"], *entry["guilt"].values()]
            done += sum(v is not None for v in values)
            total += len(values)
    return done, total
