"""Exercise 05's visible checks (The verdict), one function per question: see ``manyhands.checks``."""

from __future__ import annotations

import pandas as pd

from manyhands import feedback


def q1(ns) -> None:
    """Question 1: Proposed by one hand, signed by another."""
    roles = ns.get("roles")
    initiator_not_signer = ns.get("initiator_not_signer")
    result = feedback.call(feedback.defined(ns, "initiator_not_signer"), roles, name="initiator_not_signer")
    feedback.check_type(result, list, "initiator_not_signer(roles)", example='["d01", "n02"]')
    feedback.check_digest(
        result, "aea98d3e419cc316f9adba048da1d4d5c2083ed99904b441846da245f8041be5", "initiator_not_signer(roles)",
        hint="Keep a document only if both sets have names in them and the two sets share none "
        "(len(initiators & signers) == 0); keep the table's order.",
    )
    toy = pd.DataFrame({"decision_id": ["t1", "t1", "t2", "t2", "t3", "t4", "t4", "t4"],
                        "actor": ["A", "B", "A", "A", "C", "A", "B", "A"],
                        "role": ["initiated", "signed", "initiated", "signed", "initiated", "initiated", "signed", "signed"]})
    feedback.expect(
        feedback.call(initiator_not_signer, toy, name="initiator_not_signer") == ["t1"],
        "On a small table where A proposes and B signs t1, A proposes and signs t2, t3 has no signer, and A proposes t4 "
        "which A and B sign together, the answer is not [\"t1\"]. A document whose initiator is among its signers does "
        "not count, and neither does a document with no signer.",
    )
    print("Question 1: well done.")


def q2(ns) -> None:
    """Question 2: Many roles in one hand."""
    roles = ns.get("roles")
    roles_of = ns.get("roles_of")
    result = feedback.call(feedback.defined(ns, "roles_of"), roles, "Hitler", name="roles_of")
    feedback.check_type(result, list, "roles_of(roles, \"Hitler\")", example='["carried out", "signed"]')
    feedback.check_digest(
        result, "6a60ab288689a236163fb34f6101995ef27bc561706e63ffb23aabe8d159c4ba", "roles_of(roles, \"Hitler\")",
        hint="Keep the actor's rows, take their role column's .unique() values as a list, and sort it.",
    )
    toy = pd.DataFrame({"actor": ["K", "K", "L", "K"], "role": ["signed", "initiated", "carried out", "signed"]})
    feedback.expect(
        feedback.call(roles_of, toy, "K", name="roles_of") == ["initiated", "signed"],
        "On a small table where K signed twice and initiated once, roles_of(toy, \"K\") is not "
        "[\"initiated\", \"signed\"]. Take each role once, only the actor's own, in alphabetical order.",
    )
    print("Question 2: well done.")


def q3(ns) -> None:
    """Question 3: A signature from the top."""
    roles = ns.get("roles")
    top_signed_share = ns.get("top_signed_share")
    result = feedback.call(feedback.defined(ns, "top_signed_share"), roles, "USSR", name="top_signed_share")
    feedback.check_type(result, float, "top_signed_share(roles, \"USSR\")", example="0.25")
    feedback.expect(0 <= result <= 1, "top_signed_share should return a share between 0 and 1, not a percentage or a count.")
    feedback.check_digest(
        round(result, 4), "ac28e13f21e53da899a4ebc15842f2cc27837d1763191a463932966a7fa27a9c", "top_signed_share(roles, \"USSR\")",
        hint="Keep the regime's rows; among them, the documents with a leader's signature (both conditions, joined with &), "
        "counted with .nunique(), divided by all the regime's documents, counted the same way.",
        decimals=4,
    )
    # document a carries two rows of the leader's signature (two copies signed, say): a count of rows gives 2/3
    toy = pd.DataFrame({"decision_id": ["a", "a", "a", "b", "c", "c", "x"],
                        "regime": ["R", "R", "R", "R", "R", "R", "S"],
                        "actor_level": ["leader", "leader", "leader", "inner circle", "leader", "executors", "leader"],
                        "role": ["signed", "signed", "initiated", "signed", "initiated", "carried out", "signed"]})
    feedback.expect(
        abs(feedback.call(top_signed_share, toy, "R", name="top_signed_share") - 1 / 3) < 1e-9,
        "On a small table where regime R has three documents and its leader signed one of them (in two rows) and only "
        "initiated another, top_signed_share(toy, \"R\") is not 1/3. Count documents, not rows (a document can "
        "have several rows); count only the leader's signatures; and only the regime you are given.",
    )
    print("Question 3: well done.")
