"""Exercise 03's visible checks (Terror by quota), one function per question: see ``manyhands.checks``."""

from __future__ import annotations

import pandas as pd

from manyhands import feedback


def q1(ns) -> None:
    """Question 1: How many of the convicted were sentenced to death?"""
    repression = ns.get("repression")
    death_share = ns.get("death_share")
    result = feedback.call(feedback.defined(ns, "death_share"), repression, 1938, name="death_share")
    feedback.check_type(result, float, "death_share(repression, 1938)", example="0.5 for a half")
    feedback.expect(0 <= result <= 1, f"death_share should return a share between 0 and 1, such as 0.5, but it gave "
                    f"{result:.4g}. Above 1 means one of two things: a percentage (leave out the 100), or a fraction "
                    "upside down (a share is the part divided by the whole that the part belongs to).")
    feedback.check_digest(
        round(result, 4), "01a983d50d8130d58dc4f240c303a0a80b251251cf968980fb22d37adfc2671e", "death_share(repression, 1938)",
        hint="Divide the year's death_sentences by the same year's convicted.",
        decimals=4,
    )
    # a small table of the same shape, its rows in another order
    toy = pd.DataFrame({"year": [1950, 1949], "convicted": [200, 100], "death_sentences": [50, 10]})
    feedback.expect(
        abs(feedback.call(death_share, toy, 1949, name="death_share") - 0.1) < 1e-9,
        "On a small table whose rows start with another year, death_share(toy, 1949) is not 0.1. Find the row by its "
        "year (table.set_index(\"year\").loc[year]), not by its position.",
    )
    print("Question 1: well done.")


def q2(ns) -> None:
    """Question 2: The peak."""
    repression = ns.get("repression")
    peak_year = ns.get("peak_year")
    result = feedback.call(feedback.defined(ns, "peak_year"), repression, "convicted", name="peak_year")
    feedback.check_type(result, int, "peak_year(repression, \"convicted\")", example="a year such as 1930")
    feedback.check_digest(
        result, "c1729eaca2b21874bda249acbc9a8100046764cc5c49c4f382d58cb75dd68b06", "peak_year(repression, \"convicted\")",
        hint="Find the label of the row where the column is largest with .idxmax(), then read that row's year with .loc.",
    )
    toy = pd.DataFrame({"year": [1990, 1991, 1992], "convicted": [5, 30, 10], "death_sentences": [9, 1, 2]})
    feedback.expect(
        feedback.call(peak_year, toy, "death_sentences", name="peak_year") == 1990
        and feedback.call(peak_year, toy, "convicted", name="peak_year") == 1991,
        "On a small table whose death sentences peak in 1990 and convictions in 1991, peak_year does not give those "
        "years. Use the column you are given, and return the year of the row, not its position or its value.",
    )
    print("Question 2: well done.")


def q3(ns) -> None:
    """Question 3: Shot or sent to the camps?"""
    limits = ns.get("limits")
    first_category_share = ns.get("first_category_share")
    result = feedback.call(feedback.defined(ns, "first_category_share"), limits, "RSFSR", name="first_category_share")
    feedback.check_type(result, float, "first_category_share(limits, \"RSFSR\")", example="0.25")
    feedback.expect(0 <= result <= 1, "first_category_share should return a share between 0 and 1: category 1 divided by "
                    "category 1 and category 2 together (not by category 2 alone, and not times 100).")
    feedback.check_digest(
        round(result, 4), "1b75023034d57102976e8c2e0eabc22f7a0b28c60c67cf52eaa84b9ef1e5931a", "first_category_share(limits, \"RSFSR\")",
        hint="Find the territory's row by its name (set_index(\"territory\").loc[territory]); divide category1_limit by "
        "the sum of both limits.",
        decimals=4,
    )
    toy = pd.DataFrame({"territory": ["A", "B"], "category1_limit": [1, 100], "category2_limit": [1, 300]})
    feedback.expect(
        abs(feedback.call(first_category_share, toy, "B", name="first_category_share") - 0.25) < 1e-9,
        "On a small table where territory B has limits of 100 and 300, first_category_share(toy, \"B\") is not 0.25. "
        "Find the row by the territory's name, and divide category 1 by both categories together.",
    )
    print("Question 3: well done.")


def q4(ns) -> None:
    """Question 4: Who signed the most?"""
    lists = ns.get("lists")
    most_lists = ns.get("most_lists")
    result = feedback.call(feedback.defined(ns, "most_lists"), lists, "lists_high", name="most_lists")
    feedback.check_type(result, str, "most_lists(lists, \"lists_high\")", example='"Kalinin"')
    feedback.check_digest(
        result, "7c64585ae72926e32a68f7d17acbf1592b20484e25d02f946e76d3ad70d4c803", "most_lists(lists, \"lists_high\")",
        hint="Find the row where the column is largest with .idxmax(), and return that row's signatory.",
    )
    toy = pd.DataFrame({"signatory": ["X", "Y"], "lists_low": [10, 12], "lists_high": [20, 13]})
    feedback.expect(
        feedback.call(most_lists, toy, "lists_low", name="most_lists") == "Y"
        and feedback.call(most_lists, toy, "lists_high", name="most_lists") == "X",
        "On a small table where Y leads on lists_low and X on lists_high, most_lists does not follow the column it is "
        "given. Use the column argument, and return the signatory's name.",
    )
    print("Question 4: well done.")
