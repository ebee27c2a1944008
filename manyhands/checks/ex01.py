"""Exercise 01's visible checks (The bureaucracy), one function per question: see ``manyhands.checks``."""

from __future__ import annotations

from manyhands import feedback


def q1(ns) -> None:
    """Question 1: Growth between two congresses."""
    membership = ns.get("membership")
    growth = ns.get("growth")
    result = feedback.call(feedback.defined(ns, "growth"), membership, 15, 17, name="growth")
    feedback.check_type(result, float, "growth(membership, 15, 17)", example="50.0 for a rise of a half")
    members = membership.set_index("congress")["members"]
    slip = feedback.percentage_slip(result, float(members.loc[15]), float(members.loc[17]),
                                    "earlier congress's figure", "later congress's figure")
    feedback.check_digest(
        round(result, 1), "4cd7abab538e728cd8ab100c41a8c11e92bf03f7cf5bd4e04b75807a7b14cfb9", "growth(membership, 15, 17)",
        hint=slip or "A growth is measured against where it started, and given as a percentage.",
        decimals=1,
    )
    feedback.expect(
        feedback.call(growth, membership, 13, 15, name="growth", none_ok=True) is None,
        "The Thirteenth Congress gives no separate figure for full members: growth(membership, 13, 15) should return "
        "None, not a number (check for a missing value with pd.isna before dividing).",
    )
    # a rise and the fall back undo each other: (1 + up/100) * (1 + down/100) == 1, whatever the key
    back = feedback.call(growth, membership, 17, 15, name="growth")
    feedback.expect(
        isinstance(back, (int, float)) and abs((1 + result / 100) * (1 + back / 100) - 1) < 1e-6,
        "growth(membership, 17, 15), the way back, does not undo growth(membership, 15, 17): your function does not "
        "compute from the two congresses it is given. Use its arguments (the table and the two congresses), not "
        "figures typed in.",
    )
    print("Question 1: well done.")


def q2(ns) -> None:
    """Question 2: The largest fall."""
    membership = ns.get("membership")
    largest_fall = ns.get("largest_fall")
    result = feedback.call(feedback.defined(ns, "largest_fall"), membership, name="largest_fall")
    feedback.check_type(result, int, "largest_fall(membership)", example="a congress number such as 14")
    feedback.check_digest(
        result, "a3fd11741680c0c1758eca1a3cc67888d2b3b91a275c4377664dfa38db6749a8", "largest_fall(membership)",
        hint="Skip congresses with no figure, sort by congress number, take the difference from the previous figure, "
        "and pick the most negative difference (in people, not per cent).",
    )
    feedback.expect(
        feedback.call(largest_fall, membership.iloc[::-1], name="largest_fall") == result,
        "largest_fall gives another answer when the table's rows come in another order. Sort the rows by congress "
        "number (sort_values(\"congress\")) before you compare each figure with the one before it.",
    )
    print("Question 2: well done.")


def q3(ns) -> None:
    """Question 3: How many offices make a large error?"""
    fewest_offices = ns.get("fewest_offices")
    result = feedback.call(feedback.defined(ns, "fewest_offices"), 0.5, 0.04, name="fewest_offices")
    feedback.check_type(result, int, "fewest_offices(0.5, 0.04)", example="a number of offices such as 3")
    feedback.check_digest(
        result, "7f834bc365db7cd90e1a26c294096ffdf14c90794fb259c5a9021ced5d41525d", "fewest_offices(0.5, 0.04)",
        hint="Start at one office and count upwards; stop at the first number of offices whose gap is greater than "
        "the threshold.",
    )
    never = feedback.call(fewest_offices, 1.0, 0.0, name="fewest_offices", seconds=5, none_ok=True)
    feedback.expect(
        never is None,
        "With no bias the centre never overestimates, so no number of offices from 1 to 20 crosses a threshold of 1.0: "
        "fewest_offices(1.0, 0.0) should return None, not a number. Return None after the loop has tried all 20.",
    )
    print("Question 3: well done.")


def q4(ns) -> None:
    """Question 4: What the producers are asked for."""
    result = feedback.call(feedback.defined(ns, "share_demanded"), 6, 0.05, 0.1, name="share_demanded")
    feedback.check_type(result, float, "share_demanded(6, 0.05, 0.1)", example="0.5 for half")
    feedback.check_digest(
        round(result, 4), "b8c57e3b3460d77230fe3ee12c8c872f2fe5db8ff06ba588213ccfdce18a792d", "share_demanded(6, 0.05, 0.1)",
        hint="Pass the margin as amplification, and read the demand at the bottom of the chain (the producers), "
        "divided by the true value.",
        decimals=4,
    )
    print("Question 4: well done.")
