"""Exercise 02's visible checks (Grain), one function per question: see ``manyhands.checks``."""

from __future__ import annotations

import pandas as pd

from manyhands import feedback


def q1(ns) -> None:
    """Question 1: The largest gap."""
    harvest = ns.get("harvest")
    result = feedback.call(feedback.defined(ns, "largest_gap"), harvest, name="largest_gap")
    feedback.check_type(result, int, "largest_gap(harvest)", example="a year such as 1930")
    feedback.check_digest(
        result, "e4d3d5a2538adea095829f044bf91ee9a0eba1925824f541c84762e97bf96529", "largest_gap(harvest)",
        hint="Subtract the revised figure from the official one for every year, find the row where that difference is "
        "largest, and return the year of that row (not the difference, and not the row's position).",
    )
    print("Question 1: well done.")


def q2(ns) -> None:
    """Question 2: How much larger was the official figure?"""
    harvest = ns.get("harvest")
    overstatement = ns.get("overstatement")
    result = feedback.call(feedback.defined(ns, "overstatement"), harvest, 1933, name="overstatement")
    feedback.check_type(result, float, "overstatement(harvest, 1933)", example="50.0 for half as large again")
    row = harvest.set_index("year").loc[1933]
    slip = feedback.percentage_slip(result, float(row["harvest_revised_mt"]), float(row["harvest_official_mt"]),
                                    "revised figure", "official figure")
    feedback.check_digest(
        round(result, 1), "0075f61ca8dae57be7eeabb98330881fa5add4224e89f3d5753b1f610ca3f926", "overstatement(harvest, 1933)",
        hint=slip or "Ask which figure the official one is measured against: that one is the base of the percentage.",
        decimals=1,
    )
    shuffled = harvest.iloc[::-1].reset_index(drop=True)   # the same rows, last year first
    feedback.expect(
        abs(feedback.call(overstatement, shuffled, 1933, name="overstatement") - result) < 1e-9,
        "overstatement gives another answer when the rows come in another order. Find the row by its year "
        "(harvest.set_index(\"year\").loc[year]), not by its position in the table.",
    )
    print("Question 2: well done.")


def q3(ns) -> None:
    """Question 3: Who signed?"""
    decisions = ns.get("decisions")
    signed_by = ns.get("signed_by")
    result = feedback.call(feedback.defined(ns, "signed_by"), decisions, "Stalin", name="signed_by")
    feedback.check_type(result, list, "signed_by(decisions, 'Stalin')", example='["d01", "d02"]')
    feedback.expect(all(isinstance(x, str) for x in result),
                    "signed_by should return decision ids such as \"d01\", not titles, dates or row numbers.")
    feedback.check_digest(
        result, "47f601592135cdb0a417bb1353921fbede44704f12dd68d7d7efcb61914b771c", "signed_by(decisions, 'Stalin')",
        hint="Use the column signed_by (not actors or initiated_by): split it at ';', strip the spaces, and keep the rows "
        "where the person is one of the names; then sort by date.",
    )
    # a small table of the same shape: one document signed jointly, rows out of date order, a look-alike word
    toy = pd.DataFrame({"decision_id": ["t3", "t1", "t2", "t4"],
                        "date": pd.to_datetime(["1933-03-01", "1933-01-01", "1933-02-01", "1933-04-01"]),
                        "signed_by": ["Molotov; Stalin", "Stalin", "Kalinin", "Stalinist committee"]})
    feedback.check_digest(
        feedback.call(signed_by, toy, "Stalin", name="signed_by"), "644eab6a79c8074c4af753a5b1121a880e5e5589e2082a4e2e941bc089a6d430", "signed_by(toy, 'Stalin')",
        hint="On this small table Stalin signed two documents, one of them jointly. Split each signed_by cell at "
        "';' and strip the spaces, so that a joint signature counts and a longer word such as 'Stalinist' does not; "
        "then sort by date.",
    )
    print("Question 3: well done.")


def q4(ns) -> None:
    """Question 4: A plan set on the official figure."""
    harvest = ns.get("harvest")
    share_of_real = ns.get("share_of_real")
    result = feedback.call(feedback.defined(ns, "share_of_real"), harvest, 1933, 0.3, name="share_of_real")
    feedback.check_type(result, float, "share_of_real(harvest, 1933, 0.3)", example="0.5 for half")
    feedback.expect(0 <= result <= 5, f"share_of_real should return a share such as 0.5 (grain divided by grain), but "
                    f"it gave {result:.4g}: tonnes, or a percentage, are far larger.")
    feedback.check_digest(
        round(result, 3), "2213df5ee16f504fe9e6bf577bd8ed7affc1c2b28367e4fb6b67150a2ee75ced", "share_of_real(harvest, 1933, 0.3)",
        hint="First turn the share into tonnes using the official figure, then divide those tonnes by the revised figure.",
        decimals=3,
    )
    double = feedback.call(share_of_real, harvest, 1933, 0.6, name="share_of_real")
    feedback.expect(
        isinstance(double, (int, float)) and abs(double - 2 * result) < 1e-9,
        "With a plan of 0.6 instead of 0.3, share_of_real should take twice as much of the real harvest, and it does "
        "not: use plan_share, the argument your function is given, not a number typed in.",
    )
    print("Question 4: well done.")


def q5e(ns) -> None:
    """Question 5: How much went abroad?"""
    exports = ns.get("exports")
    harvest = ns.get("harvest")
    export_range = ns.get("export_range")
    result = feedback.call(feedback.defined(ns, "export_range"), exports, harvest, 1930, name="export_range")
    feedback.check_type(result, tuple, "export_range(exports, harvest, 1930)", example="(0.04, 0.05)")
    feedback.expect(len(result) == 2 and all(isinstance(v, (int, float)) for v in result),
                    "export_range should return two numbers, (low, high), such as (0.04, 0.05).")
    feedback.expect(0 <= result[0] <= result[1] <= 1,
                    "Give shares such as 0.05, not percentages such as 5, and put the smaller one first.")
    feedback.check_digest(
        tuple(round(float(v), 4) for v in result), "e606a09e37aecc8a1c16337698ab5506dcf649d065e22315664858a46e1f16e1", "export_range(exports, harvest, 1930)",
        hint="Keep the rows of that year whose kind is 'reported', divide each tonnage by the revised harvest of the "
        "same year, then take the smallest and the largest.",
        decimals=4,
    )
    low, high = feedback.call(export_range, exports, harvest, 1931, name="export_range")
    feedback.expect(abs(low - high) < 1e-9,
                    "For 1931 the two sources give the same tonnage, so low and high should be equal. Is the plan "
                    "for 1931/32 slipping in? Keep only the rows whose kind is 'reported' and whose period is the year.")
    # a small pair of tables of the same shape, in which the official and the revised harvests differ
    toy_exports = pd.DataFrame({"export_id": ["a", "b", "p"], "period": ["1990", "1990", "1990-07/1991-06"],
                                "kind": ["reported", "reported", "plan"], "exports_mt": [2.0, 4.0, 1.0],
                                "source_id": ["s1", "s2", "s3"]})
    toy_harvest = pd.DataFrame({"year": [1990], "harvest_official_mt": [100.0], "harvest_revised_mt": [80.0],
                                "harvest_western_low_mt": [60.0]})
    low, high = feedback.call(export_range, toy_exports, toy_harvest, 1990, name="export_range")
    feedback.expect(
        abs(low - 0.025) < 1e-9 and abs(high - 0.05) < 1e-9,
        "On a small table where the official harvest (100) and the revised one (80) differ, export_range gives "
        f"({low:.4f}, {high:.4f}). Divide by the revised harvest of the year, harvest_revised_mt.",
    )
    print("Question 5: well done.")
