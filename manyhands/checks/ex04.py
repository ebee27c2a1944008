"""Exercise 04's visible checks (Working towards the Führer), one function per question: see ``manyhands.checks``."""

from __future__ import annotations

import pandas as pd

from manyhands import feedback


def q1(ns) -> None:
    """Question 1: Signatures."""
    soviet = ns.get("soviet")
    signed_count = ns.get("signed_count")
    result = feedback.call(feedback.defined(ns, "signed_count"), soviet, "Stalin", name="signed_count")
    feedback.check_type(result, int, "signed_count(soviet, \"Stalin\")", example="3")
    feedback.check_digest(
        result, "b7df0408bc3a2ccd9fa376332ff223e6c636ebe84769e14786a503acc44590b6", "signed_count(soviet, \"Stalin\")",
        hint="Count the Trues of the signed_by column's test with .sum(), and make the result a plain whole number with int(...).",
    )
    toy = pd.DataFrame({"actors": ["X; Y", "X", "Y"], "signed_by": ["Y", "no signature", "X; Y"]}, index=[5, 2, 9])
    feedback.expect(
        feedback.call(signed_count, toy, "X", name="signed_count") == 1
        and feedback.call(signed_count, toy, "Y", name="signed_count") == 2,
        "On a small table where X signed one document (jointly with Y) and had a role in two, signed_count(toy, \"X\") is "
        "not 1. Count the signed_by column, not actors, and count a name that shares its cell with another.",
    )
    print("Question 1: well done.")


def q2(ns) -> None:
    """Question 2: A share, with the unknowns left out."""
    nazi = ns.get("nazi")
    leader_share = ns.get("leader_share")
    result = feedback.call(feedback.defined(ns, "leader_share"), nazi, "Hitler", name="leader_share")
    feedback.check_type(result, float, "leader_share(nazi, \"Hitler\")", example="0.25")
    feedback.expect(0 <= result <= 1, "leader_share should return a share between 0 and 1, not a percentage or a count.")
    feedback.check_digest(
        round(result, 4), "1c37a325eea82da1b4944aee8feb645c951bb103e9258869c908310446286371", "leader_share(nazi, \"Hitler\")",
        hint="Keep only the rows whose signed_by is not \"not checked by the course\"; then count those naming the person "
        "and divide by the number of rows kept. Rows with \"no signature\" are checked: they stay.",
        decimals=4,
    )
    toy = pd.DataFrame({"signed_by": ["A", "not checked by the course", "no signature", "A; B"]})
    feedback.expect(
        abs(feedback.call(leader_share, toy, "A", name="leader_share") - 2 / 3) < 1e-9,
        "On a small table with one unchecked row, one \"no signature\" and two rows signed by A, leader_share(toy, \"A\") "
        "is not 2/3. Leave out only the unchecked row, and count a name that shares its cell with another.",
    )
    print("Question 2: well done.")


def q3(ns) -> None:
    """Question 3: A role without a signature."""
    nazi = ns.get("nazi")
    unsigned_roles = ns.get("unsigned_roles")
    result = feedback.call(feedback.defined(ns, "unsigned_roles"), nazi, "Hitler", name="unsigned_roles")
    feedback.check_type(result, list, "unsigned_roles(nazi, \"Hitler\")", example='["n02", "n05"]')
    feedback.check_digest(
        result, "cfd9c4d25fa6b779931ac8a739e3b055b245947f5ab75b276d05fe9718cf42f4", "unsigned_roles(nazi, \"Hitler\")",
        hint="Keep the rows where all three hold: took_part, checked, and not signed (~signed); return their decision_id "
        "values with .tolist(), in the order of the table.",
    )
    toy = pd.DataFrame({"decision_id": ["t4", "t1", "t3", "t2", "t5"], "actors": ["K; L", "K", "K", "K", "L"],
                        "signed_by": ["L", "K", "not checked by the course", "no signature", "no signature"]})
    feedback.expect(
        feedback.call(unsigned_roles, toy, "K", name="unsigned_roles") == ["t4", "t2"],
        "On a small table where K had a role in t4 (signed by L), t1 (signed by K), t3 (signatures not checked) and t2 "
        "(no signature), unsigned_roles(toy, \"K\") is not [\"t4\", \"t2\"]. Leave out what K signed and what the "
        "course has not checked, and return the decision_id values as a list in the order of the table (not sorted).",
    )
    print("Question 3: well done.")
