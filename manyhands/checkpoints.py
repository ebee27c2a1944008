"""Lesson checkpoints: the learner's turn, checked without the answer standing in the notebook.

A checkpoint cell in a lesson holds only the learner's blanks and one call::

    share_normative_A = None   # your calculation here
    share_normative_B = None
    check("00.1", share_normative_A, share_normative_B)

The expected values are computed here, from the course data, so no cell a learner sees computes
them (a learner can still read this module, as they can read any book's answers at the back; the
point is that the notebook never hands them over). ``check`` shows one short message, once:

* "Your turn" while every blank is still ``None`` (what *Run All* meets);
* "Not yet" with a hint that does not give the answer, for a wrong or malformed answer;
* "Yes" with what the result means, for a right one.

Lesson checkpoints are formative: ``check`` never raises, so *Run All* goes on to the end of the
lesson. (Graded exercises use ``manyhands.feedback``, whose failures do stop the cell.)
"""

from __future__ import annotations

import contextlib
import html
import io
import math
import numbers
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from . import chain, data, feedback  # importing feedback also starts its watch on SyntaxErrors


@dataclass(frozen=True)
class Checkpoint:
    """One checkpoint: the names of its blanks, how to compute the key, and what to tell the learner."""

    blanks: tuple[str, ...]
    key: Callable[[], tuple]
    turn: str                   # what to do, for a learner who has not started
    hint: str                   # a nudge that does not give the answer
    praise: Callable[[tuple], str]
    tolerance: float = 1e-9     # absolute, for numbers
    kinds: tuple = field(default=(numbers.Real,))  # accepted types, one per blank or one for all
    calls: tuple = ()           # for a function blank: the argument tuples it is tried on (key: the results)
    slips: Callable | tuple = ()  # gives ((values of a known slip, what to say about it), ...), tried before the hint


def _normative_shares() -> tuple:
    s = data.load("comment_sentences")
    return tuple(float((s.loc[s["comment"] == c, "key_type"] == "normative").mean()) for c in ("A", "B"))


def _famine_works() -> tuple:
    w = data.load("historiography")
    return (set(w.loc[w["debate"] == "The famine of 1932–33", "source_id"]),)


def _growth_15_17() -> tuple:
    t = data.load("party_membership").set_index("congress")["members"]
    return (float((t.loc[17] - t.loc[15]) / t.loc[15] * 100),)


def _growth_slips() -> tuple:
    """Checkpoint 01.1's usual slips, each with the value it gives: a share, the wrong column, the wrong base."""
    t = data.load("party_membership").set_index("congress")
    m, c = t["members"], t["candidates"]
    return (
        (lambda: (float((m.loc[17] - m.loc[15]) / m.loc[15]),),
         "your value is a share, 100 times smaller than a percentage: multiply it by 100."),
        (lambda: (float((c.loc[17] - c.loc[15]) / c.loc[15] * 100),),
         "you took the column candidates; the question asks about full members, the column members."),
        (lambda: (float((m.loc[17] - m.loc[15]) / m.loc[17] * 100),),
         "you divided by the later figure; a growth is measured against where it started: divide by the earlier one."),
    )


def _fewest_offices() -> tuple:
    return (next(n for n in range(1, chain.MAX_LEVELS + 1) if chain.simulate(levels=n, bias=0.05).gap > 0.25),)


def _largest_gap() -> tuple:
    h = data.load("grain_harvest")
    gap = h["harvest_official_mt"] - h["harvest_revised_mt"]
    i = gap.idxmax()
    return int(h.loc[i, "year"]), float(gap.loc[i])


def _plan_shares_1931() -> tuple:
    h = data.load("grain_harvest").set_index("year")
    plan = _plan_1931_mt()
    return plan / float(h.loc[1931, "harvest_official_mt"]), plan / float(h.loc[1931, "harvest_western_low_mt"])


def _plan_1931_mt() -> float:
    p = data.load("grain_procurement")
    row = p[(p["harvest_year"] == 1931) & (p["territory"] == "USSR")]
    return float(row["grain_mt"].iloc[-1])


def _signed_documents() -> tuple:
    d = data.load("famine_decisions")
    names = d["signed_by"].fillna("").str.split(";").apply(lambda xs: [x.strip() for x in xs])
    return (int(names.apply(lambda xs: "Stalin" in xs).sum()), int(names.apply(lambda xs: "Molotov" in xs).sum()))


def _repression_share(year: int) -> float:
    r = data.load("repression_by_year").set_index("year")
    return float(r.loc[year, "death_sentences"] / r.loc[year, "convicted"])


def _export_share_1931() -> tuple:
    e = data.load("grain_exports")
    h = data.load("grain_harvest").set_index("year")
    reported = e[(e["kind"] == "reported") & (e["period"] == "1931")]["exports_mt"]
    return (float(reported.iloc[0] / h.loc[1931, "harvest_revised_mt"] * 100),)


def _ukraine_range() -> tuple:
    f = data.load("famine_losses")
    row = f[f["estimate_id"] == "ua_range"].iloc[0]
    return (float(row["deaths_high_m"] - row["deaths_low_m"]),)


def _harvest():
    return data.load("grain_harvest")


def _first_year_above(harvest, threshold):
    for _, row in harvest.sort_values("year").iterrows():
        if row["harvest_official_mt"] - row["harvest_revised_mt"] > threshold:
            return int(row["year"])
    return None



def _leader_share(table: str, leader: str) -> float:
    """The share of a table's documents with a checked signature that name the leader in signed_by."""
    d = data.load(table)
    checked = d[d["signed_by"] != data.NOT_CHECKED]
    return float(checked["signed_by"].str.contains(leader).mean())


def _hitler_roles() -> tuple:
    d = data.load("nazi_documents")
    return int(d["signed_by"].str.contains("Hitler").sum()), int(d["actors"].str.contains("Hitler").sum())


def _percent(share: float) -> str:
    """A share as a percentage with one decimal where it has one (1 of 8: 12.5%, not a rounded 12%)."""
    return f"{share:.1%}".replace(".0%", "%")


def _stepped_out_share() -> tuple:
    f = data.load("killing_figures").set_index("figure_id")
    # the middle of the table's range (11 to 13 men: Schimke and "some ten or twelve other men", Browning's "a
    # dozen") over the battalion's 500 men; the tolerance of 04.4 accepts any count in that range
    men = f.loc["jozefow_stepped_out"]
    return ((float(men["persons_low"]) + float(men["persons_high"])) / 2 / float(f.loc["rpb101_men", "persons_low"]),)


def _role_count(actor: str, role: str) -> int:
    r = data.load("decision_roles")
    return int(((r["actor"] == actor) & (r["role"] == role)).sum())


def _documents_of(*actors: str) -> tuple:
    from . import network

    summary = network.actor_summary(data.load("decision_roles")).set_index("actor")
    return tuple(int(summary.loc[a, "documents"]) for a in actors)


def _claim_types_of_a() -> tuple:
    s = data.load("comment_sentences")
    a = s[s["comment"] == "A"]
    return int((a["key_type"] == "normative").sum()), int((a["key_type"] == "interpretive").sum())


_P3_CALLS = ((10,), (20,), (30,), (0,))  # 0: every gap before 1933 is exactly 0, so ">=" for "more than" shows
_P2_CALLS = ((89.8, 68.4), (120.0, 80.0), (50.0, 50.0))


CHECKPOINTS: dict[str, Checkpoint] = {
    "P.1": Checkpoint(
        blanks=("sentences_in_B",),
        key=lambda: (int((data.load("comment_sentences")["comment"] == "B").sum()),),
        turn="replace None with a count: how many sentences of the table `sentences` belong to comment B.",
        hint="make the True/False column `sentences[\"comment\"] == \"B\"` and count its Trues with .sum().",
        praise=lambda k: f"comment B has {k[0]} sentences. Counting the Trues of a condition is the most common "
                         "step in this course's exercises.",
        kinds=(numbers.Integral,),
    ),
    "P.2": Checkpoint(
        blanks=("overstatement",),
        key=lambda: ([(o - r) / r * 100 for o, r in _P2_CALLS],),
        turn="write the function `overstatement(official, revised)` in the cell above: replace `return None` with "
             "`return` and the formula, then run that cell and this one.",
        hint="the percentage by which the official figure exceeds the revised one is "
             "(official - revised) / revised * 100.",
        praise=lambda k: "your function gives back the percentage, so other code can use it: for 1933, "
                         f"{k[0][0]:.1f} %.",
        kinds=(object,),
        calls=_P2_CALLS,
        tolerance=0.05,
    ),
    "P.3": Checkpoint(
        blanks=("first_year_above",),
        key=lambda: ([_first_year_above(_harvest(), *a) for a in _P3_CALLS],),
        turn="write the function `first_year_above(threshold)` in the cell above, then run that cell and this one.",
        hint="loop over the years in order; return the first year whose gap is greater than the threshold; after "
             "the loop, when no year qualified, return None.",
        praise=lambda k: f"the first year with a gap above 10 million tonnes is {k[0][0]}; no year has a gap above "
                         "30, and your function says so with None instead of guessing.",
        kinds=(object,),
        calls=_P3_CALLS,
    ),
    "P.4": Checkpoint(
        blanks=("revised_1933",),
        key=lambda: (float(_harvest().set_index("year").loc[1933, "harvest_revised_mt"]),),
        turn="replace None with one number: the revised harvest of 1933, taken out of the table `harvest`.",
        hint="the revised harvest of 1933 is one value of the column harvest_revised_mt. Section 5 shows two ways to "
             "reach one value: by the row's label (make the year the label first) and the column's name, or by "
             "keeping the row of 1933 and taking the one value out of that column.",
        praise=lambda k: f"the revised harvest of 1933 is {k[0]} million tonnes: one plain number, ready to compute with.",
        tolerance=1e-6,
    ),
    "P.5": Checkpoint(
        blanks=("letters_1933",),
        key=lambda: (set(data.load("famine_decisions").query("kind == 'letter' and date >= '1933-01-01'")["decision_id"]),),
        turn="replace None with the list of decision_id values of the documents in `decisions` whose kind is "
             "\"letter\" and whose date is in 1933.",
        hint="make two True/False columns, one for the kind and one for the date (`decisions[\"date\"] >= \"1933-01-01\"`), "
             "combine them with &, each in brackets, keep those rows and take their decision_id with .tolist().",
        praise=lambda k: f"{len(k[0])} letters: " + ", ".join(sorted(k[0])) + ".",
        kinds=((list, tuple, set),),
    ),

    "00.1": Checkpoint(
        blanks=("share_normative_A", "share_normative_B"),
        key=_normative_shares,
        turn="replace each None with a calculation from the table `sentences`: the share of each comment's "
             "sentences whose key_type is \"normative\".",
        hint="for each comment, keep its rows, then divide its number of normative sentences by its number of "
             "sentences (a share between 0 and 1; `.mean()` of a True/False column gives exactly that).",
        praise=lambda k: f"{k[0]:.0%} of comment A's sentences are mainly normative, and {k[1]:.0%} of comment B's.",
        tolerance=0.005,
    ),
    "00.2": Checkpoint(
        blanks=("famine_works",),
        key=_famine_works,
        turn="replace None with the list of source_id values of the works whose debate is \"The famine of 1932–33\".",
        hint="keep the rows of `works` whose debate is 'The famine of 1932–33' and take their source_id column "
             "with .tolist().",
        praise=lambda k: f"{len(k[0])} works, by " + ", ".join(sorted(data.cite(s) for s in k[0])) + ".",
        kinds=((list, tuple, set),),
    ),
    "01.1": Checkpoint(
        blanks=("growth_15_to_17",),
        key=_growth_15_17,
        turn="replace None with a calculation: the percentage growth of full members from the Fifteenth to the "
             "Seventeenth Congress.",
        hint="subtract the earlier figure from the later one, divide by the earlier one, and multiply by 100.",
        praise=lambda k: f"full membership grew by {k[0]:.1f} % in six years, although the party purged its ranks "
                         "in 1933.",
        tolerance=0.05,
        slips=_growth_slips,
    ),
    "01.2": Checkpoint(
        blanks=("fewest_offices",),
        key=_fewest_offices,
        turn="replace None with a whole number of offices, found with a loop over n = 1, 2, 3, …",
        hint="try n = 1, 2, 3, … and stop at the first n whose gap is greater than 0.25.",
        praise=lambda k: f"{k[0]} offices: a small, steady bias compounds at every level.",
        kinds=(numbers.Integral,),
    ),
    "02.1": Checkpoint(
        blanks=("gap_year", "gap_mt"),
        key=_largest_gap,
        turn="replace each None: the year with the largest gap between the official and the revised harvest "
             "(a whole number), and the size of that gap in million tonnes.",
        hint="subtract the revised column from the official one, find the largest difference with .max(), and "
             "the row it is in with .idxmax(); then read that row's year.",
        praise=lambda k: f"in {k[0]} the official figure stood {k[1]:.1f} million tonnes above the revised one.",
        tolerance=0.05,
    ),
    "02.2": Checkpoint(
        blanks=("share_of_official", "share_of_barns"),
        key=_plan_shares_1931,
        turn="replace each None with a share between 0 and 1: the 1931 plan divided by the official harvest, "
             "and the same plan divided by the Western low estimate of the grain in the barns.",
        hint="divide the plan (22.7 million tonnes) by each harvest figure; a share is between 0 and 1, not a "
             "percentage.",
        praise=lambda k: f"the plan took {k[0]:.0%} of the harvest Moscow believed in, but {k[1]:.0%} of the "
                         "grain actually in the barns on the Western low estimate.",
        tolerance=0.005,
    ),
    "02.3": Checkpoint(
        blanks=("stalin_signed", "molotov_signed"),
        key=_signed_documents,
        turn="replace each None with a count from the table `decisions`: how many documents in the time line "
             "Stalin signed, and how many Molotov signed.",
        hint="a document can have several signatories in its signed_by cell, separated by ';'. Count the rows "
             "whose signed_by contains the name, e.g. with .str.contains(\"Stalin\").sum().",
        praise=lambda k: f"Stalin's name stands under {k[0]} of the documents and Molotov's under {k[1]}. Several of "
                         "Stalin's are his own letters and telegrams, and for some decrees the course read the names "
                         "in secondary accounts (see signed_by_basis): compare initiated_by and carried_out_by too "
                         "before you draw a conclusion.",
        kinds=(numbers.Integral,),
    ),
    "02.4": Checkpoint(
        blanks=("stalin_reply",),
        key=lambda: ({"a", "b"},),
        turn="replace None with the set of letters of the statements that Stalin's letter of 6 May 1933, as "
             "quoted above, makes, e.g. {\"a\", \"c\"}.",
        hint="read the quotation again, sentence by sentence: which statements are in Stalin's own words, and "
             "which would you have to add yourself?",
        praise=lambda k: "Stalin concedes that officials 'sink to sadism' and in the same letter blames the "
                         "grain-growers' 'Italian strike'. Ask whom each half of the letter makes responsible.",
        kinds=((set, list, tuple),),
    ),
    "02.5": Checkpoint(
        blanks=("ukraine_width_m",),
        key=_ukraine_range,
        turn="replace None with the width of the range of published estimates for excess deaths in the Ukrainian "
             "SSR (the row ua_range): its high figure minus its low figure, in millions.",
        hint="keep the row of `losses` whose estimate_id is 'ua_range' and subtract its deaths_low_m from its "
             "deaths_high_m.",
        praise=lambda k: f"the published estimates for Ukraine lie {k[0]:.1f} million deaths apart. Whenever you "
                         "give a number, say which estimate it is and whose.",
        tolerance=0.005,
    ),
    "02.6": Checkpoint(
        blanks=("export_pct_1931",),
        key=_export_share_1931,
        turn="replace None with a percentage: the reported grain exports of 1931 as a share of the revised "
             "harvest of 1931, times 100.",
        hint="take the 1931 row of `exports` whose kind is 'reported', divide its exports_mt by the revised harvest "
             "of 1931, and multiply by 100.",
        praise=lambda k: f"about {k[0]:.1f} % of the revised harvest of 1931 went abroad.",
        tolerance=0.05,
    ),
    "02.7": Checkpoint(
        blanks=("who_wrote",),
        key=lambda: ({"q1": "Serbyn", "q2": "Tauger", "q3": "Davies and Wheatcroft"},),
        turn="replace None with a dictionary that gives, for each quotation q1, q2 and q3, the historian who "
             "wrote it, spelt as in the list above: \"Davies and Wheatcroft\", \"Serbyn\" or \"Tauger\" (in the "
             "order of the alphabet, not of the quotations).",
        hint="find each quotation in the list of positions above and copy the name that goes with it.",
        praise=lambda k: "Serbyn finds the famine intended; Davies and Wheatcroft find policy to blame but no plan "
                         "to starve; Tauger, a minority view, finds it not fundamentally man-made. Which evidence "
                         "would decide between them?",
        kinds=(dict,),
    ),
    "03.1": Checkpoint(
        blanks=("order_facts",),
        key=lambda: ({"a", "b", "d"},),
        turn="replace None with the set of letters of the true statements, e.g. {\"a\", \"c\"}.",
        hint="reread section 1: who sent the order, who signed it, who approved it, and when was it first published?",
        praise=lambda k: "the Politburo's telegram to the regions, the NKVD's draft sent on for a vote, the Politburo's "
                         "approval: many hands, each of them named. Who moved first, Moscow or a region, is the "
                         "question the lesson leaves open.",
        kinds=((set, list, tuple),),
    ),
    "03.2": Checkpoint(
        blanks=("death_share_1937",),
        key=lambda: (_repression_share(1937),),
        turn="replace None with a share between 0 and 1: the death sentences of 1937 divided by the people convicted "
             "in 1937, from the table `repression`.",
        hint="take the 1937 row (repression.set_index(\"year\").loc[1937]) and divide its death_sentences by its "
             "convicted; a share is between 0 and 1.",
        praise=lambda k: f"{k[0]:.0%} of those convicted in 1937 were sentenced to death.",
        tolerance=0.005,
    ),
    "03.3": Checkpoint(
        blanks=("first_limit_cat1",),
        key=lambda: (int(data.load("order_00447_limits")["category1_limit"].sum()),),
        turn="replace None with a whole number: the first limits of category 1 (to be shot), added up over the "
             "table `limits`.",
        hint="add up the column category1_limit (the first limits of category 1) with .sum().",
        praise=lambda k: f"the first limits allowed for {k[0]:,} people to be shot.",
        kinds=(numbers.Integral,),
    ),
    "03.4": Checkpoint(
        blanks=("times_first_limit",),
        key=lambda: (387_000 / 75_950,),
        turn="replace None with a number: how many times the first limit of category 1 the number actually shot "
             "under Order 00447 was (both numbers are in the text above).",
        hint="divide the number shot under the order by the first limit of category 1.",
        # the high end of the range the lesson has just given is a reading of its own, not a slip of arithmetic
        slips=lambda: ((lambda: (445_000 / 75_950,),
                        "that is the high end of the range (445,000, Roginsky and Petrov's estimate). The question "
                        "asks for the low end, the NKVD's own count of 387,000: divide that by the first limit."),),
        praise=lambda k: f"about {k[0]:.1f} times the first limit on the NKVD's own accounts, and up to "
                         f"{445_000 / 75_950:.1f} times on Roginsky and Petrov's estimate. Ask which model settings give "
                         "that, and what the documents say about who asked for the increases.",
        tolerance=0.05,
    ),
    "03.5": Checkpoint(
        blanks=("most_lists",),
        key=lambda: (str(data.load("stalin_lists").sort_values("lists_low").iloc[-1]["signatory"]),),
        turn="replace None with a name, in quotes: the member of the Politburo who signed the most lists even on the "
             "lowest count any source gives.",
        hint="sort the table `lists` by lists_low, or find the row with the largest lists_low with .idxmax(), and "
             "read its signatory.",
        praise=lambda k: f"{k[0]}, on every count the course has read. Does the man at the top sign the most, or "
                         "another member of the Politburo? What does a signature on a list of names mean?",
        kinds=(str,),
    ),
    "04.1": Checkpoint(
        blanks=("command_facts",),
        key=lambda: ({"a", "c"},),
        turn="replace None with the set of letters of the true statements, each in quotes, such as {\"x\", \"y\"}.",
        hint="reread section 1: who signed the commission of 31 July 1941, where Eichmann said it was drafted, what "
             "Himmler said at Posen, and where Göth was tried.",
        praise=lambda k: "Göring signed what the RSHA drafted; Himmler spoke openly to his generals. Even comment B's "
                         "three names were not the same kind of hand.",
        kinds=((set, list, tuple),),
    ),
    "04.2": Checkpoint(
        blanks=("model_shows",),
        key=lambda: ({"a", "b"},),
        turn="replace None with the set of letters of the statements the model shows.",
        hint="move the sliders: what happens with the leader fully explicit, and with a vague leader and some zeal? "
             "Then ask where the model's numbers come from.",
        praise=lambda k: "the model shows what vagueness and competition would do; what Hitler ordered, and when, only "
                         "the documents can show.",
        kinds=((set, list, tuple),),
    ),
    "04.3": Checkpoint(
        blanks=("hitler_signed", "hitler_took_part"),
        key=_hitler_roles,
        turn="replace each None with a whole number: the documents whose signed_by names Hitler, and those whose "
             "actors name him.",
        hint="make the True/False column the question shows, for signed_by, and count its Trues; then do the same "
             "for the column actors. Each count is one whole number.",
        praise=lambda k: f"Hitler signed {k[0]} of the documents and had a role in {k[1]}. What kind of role, when it "
                         "was not a signature?",
        kinds=(numbers.Integral,),
    ),
    "04.4": Checkpoint(
        blanks=("share_stepped_out",),
        key=_stepped_out_share,
        turn="replace None with a share between 0 and 1: the men who stepped out divided by the men in the battalion.",
        hint="divide the number of men who stepped out by the number in the battalion; a share is between 0 and 1, "
             "not a percentage.",
        praise=lambda k: "between 2.2% (11 men) and 2.6% (13 men) of 500: about one man in forty, at once. They were "
                         "told to await other duties.",
        tolerance=0.0021,  # 11/500 to 13/500 around 12/500: the range of the table figures and of the lesson's text
    ),
    "04.5": Checkpoint(
        blanks=("structure_positions",),
        key=lambda: ({"a", "c"},),
        turn="replace None with the set of letters of the positions that stress structures and initiative below.",
        hint="reread section 5: which historians explain the killing by a plan or by orders of Hitler's, and which "
             "by competing offices and radicalisation?",
        praise=lambda k: "Mommsen and Broszat stress structure; Dawidowicz and Fleming the leader's plan and orders. "
                         "Kershaw's synthesis takes something from each.",
        kinds=((set, list, tuple),),
    ),
    "04.6": Checkpoint(
        blanks=("stalin_share", "hitler_share"),
        key=lambda: (_leader_share("famine_decisions", "Stalin"), _leader_share("nazi_documents", "Hitler")),
        turn="replace each None with a share between 0 and 1, computed from the rows whose signatures the course has "
             "checked.",
        hint="keep the rows whose signed_by is not \"not checked by the course\", then count those naming the leader "
             "and divide by the number of rows kept (or take .mean() of the True/False column).",
        praise=lambda k: f"Stalin signed {_percent(k[0])} of the checked Soviet documents, Hitler {_percent(k[1])} of the checked "
                         "Nazi ones. A selection, not a sample: what kind of paper did each leader leave?",
        tolerance=0.005,
    ),
    "05.1": Checkpoint(
        blanks=("guilt_kinds",),
        key=lambda: ({"a": "criminal", "b": "political", "c": "moral", "d": "metaphysical"},),
        turn="replace None with a dict that gives, for each statement a to d, one of \"criminal\", \"political\", "
             "\"moral\" or \"metaphysical\".",
        hint="ask who judges each: a court, the victor, your own conscience, or none on earth.",
        praise=lambda k: "the court, the victor, the conscience, and no tribunal on earth: four questions, not one. "
                         "Which of them can evidence settle?",
        kinds=(dict,),
    ),
    "05.2": Checkpoint(
        blanks=("stalin_initiated", "hitler_initiated"),
        key=lambda: (_role_count("Stalin", "initiated"), _role_count("Hitler", "initiated")),
        turn="replace each None with a whole number: the rows of `roles` in which Stalin, and then Hitler, initiated "
             "a document.",
        hint="combine two conditions with &: (roles[\"actor\"] == \"Stalin\") & (roles[\"role\"] == \"initiated\"), "
             "then count the Trues with .sum().",
        praise=lambda k: f"Stalin initiated {k[0]} of the documents, Hitler {k[1]}: in tables of 15 and 10 documents "
                         "the course chose. Initiating is a different hand from signing.",
        kinds=(numbers.Integral,),
    ),
    "05.3": Checkpoint(
        blanks=("stalin_documents", "hitler_documents"),
        key=lambda: _documents_of("Stalin", "Hitler"),
        turn="replace each None with a whole number from the column `documents` of the table `summary`.",
        hint="make the actors' names the row labels with set_index, find each leader's row by name with .loc, and read "
             "the column documents.",
        praise=lambda k: f"Stalin appears in {k[0]} documents, Hitler in {k[1]}. Who stands next to each of them in "
                         "the network, and in which roles?",
        kinds=(numbers.Integral,),
    ),
    "05.4": Checkpoint(
        blanks=("normative_a", "interpretive_a"),
        key=_claim_types_of_a,
        turn="replace each None with a whole number: comment A's sentences that lesson 00's key calls normative, and "
             "those it calls interpretive.",
        hint="keep comment A's rows (sentences[\"comment\"] == \"A\"), then count those whose key_type is "
             "\"normative\", and those whose key_type is \"interpretive\".",
        praise=lambda k: f"{k[0]} normative and {k[1]} interpretive sentences: most of comment A is argument and "
                         "judgement, which evidence can inform but not settle alone.",
        kinds=(numbers.Integral,),
    ),
}


class Message:
    """One checkpoint message, shown once: a coloured box in JupyterLab, plain text elsewhere."""

    STYLES = {
        "yes": ("Yes", "#0b6e4f", "#e8f5ef"),
        "no": ("Not yet", "#8a3b00", "#fdf0e6"),
        "turn": ("Your turn", "#1f4e8c", "#eaf1fb"),
    }

    def __init__(self, kind: str, text: str, checkpoint: str):
        self.kind, self.text, self.checkpoint = kind, text, checkpoint

    @property
    def label(self) -> str:
        return self.STYLES[self.kind][0]

    def __repr__(self) -> str:
        return f"{self.label}: {self.text}"

    def _repr_html_(self) -> str:
        label, fg, bg = self.STYLES[self.kind]
        return (f'<div class="mh-check mh-check-{self.kind}" role="status" style="border-left:4px solid {fg};'
                f'background:{bg};color:#222;padding:6px 10px;margin:4px 0;max-width:60em">'
                f'<strong style="color:{fg}">{label}:</strong> {_code(html.escape(self.text))}</div>')


def _code(text: str) -> str:
    """`name` in a message, as code (the backticks are Markdown, which a message box does not render)."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", text)


def _is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _close(value, expected, tolerance: float) -> bool:
    if isinstance(expected, set):
        try:
            if not isinstance(value, (list, tuple, set)) or len(set(value)) != len(value):
                return False
            # letters of statements: "A" is "a"
            given = {v.strip().lower() if isinstance(v, str) and len(v.strip()) == 1 else v for v in value}
            return given == expected
        except TypeError:
            return False
    if isinstance(expected, dict):
        fold = lambda v: v.strip().casefold() if isinstance(v, str) else v  # noqa: E731  (capitals do not matter)
        return isinstance(value, dict) and {str(k).strip(): fold(v) for k, v in value.items()} == \
            {k: fold(v) for k, v in expected.items()}
    if isinstance(expected, str):  # a name: spaces around it and capital letters do not matter
        return isinstance(value, str) and value.strip().casefold() == expected.casefold()
    if isinstance(expected, bool) or not _is_number(expected):
        return value == expected
    if not _is_number(value) or (isinstance(value, float) and math.isnan(value)):
        return False
    if isinstance(expected, int) and not isinstance(value, numbers.Integral) and float(value) != int(value):
        return False
    return abs(float(value) - float(expected)) <= tolerance


def _form_problem(cp: Checkpoint, values: Sequence) -> str | None:
    """A plain message when a value has the wrong form (not the wrong content)."""
    kinds = cp.kinds if len(cp.kinds) == len(cp.blanks) else cp.kinds * len(cp.blanks)
    for name, value, kind in zip(cp.blanks, values, kinds):
        if value is None:
            return f"`{name}` is still None: {cp.turn}"
        collection = isinstance(kind, tuple) and list in kind
        if collection and type(value).__name__ == "Series":
            return (f"`{name}` is a pandas Series (a column). Turn it into a list with .tolist() at the end.")
        if collection and type(value).__name__ == "DataFrame":
            return (f"`{name}` is a pandas DataFrame (a whole table), not a list. Pick the one column you need with "
                    "table[\"column\"] and turn it into a list with .tolist() at the end.")
        if collection and isinstance(value, dict) and not value:
            return (f"`{name}`: {{}} makes an empty dictionary, not a set. Write the letters inside the braces, each in "
                    "quotes, such as {\"x\", \"y\"}.")
        if collection and isinstance(value, str):
            return (f"`{name}` should be several values in brackets, each in quotes, such as "
                    f"{{\"a\", \"c\"}} or [\"x\", \"y\"], not one piece of text.")
        if kind is numbers.Integral and isinstance(value, float) and value.is_integer():
            continue  # 9.0 is a whole number to a historian; the comparison takes it as 9
        if (isinstance(value, tuple) and value and all(_is_number(v) for v in value)
                and not (isinstance(kind, tuple) and tuple in kind)):
            return f"`{name}` is several numbers, not one. {feedback.NUMBER_FORMAT}"
        uncalled = feedback.uncalled_method(name, value)
        if uncalled and not (isinstance(kind, type) and isinstance(value, kind)):
            return uncalled
        if not isinstance(value, kind) or isinstance(value, bool):
            what = type(value).__name__
            if what == "Series" and str(value.dtype) in ("bool", "boolean") and len(value) > 1 and not value.any():
                # (a == x) & b == y without brackets: every row False, and .sum() would only give 0 (L05-2)
                return (f"`{name}` is a True/False column in which no row is True. If you joined two conditions with "
                        "&, put each one in its own brackets first, (table[\"a\"] == x) & (table[\"b\"] == y): "
                        "without them Python joins the wrong pieces. Then count the Trues with .sum().")
            if what in ("Series", "DataFrame"):
                return f"`{name}` is a pandas {what}, not one value." + feedback._pandas_hint(value)
            if isinstance(value, str):
                comma = re.fullmatch(r"\s*-?[\d.]*\d,\d[\d,.]*\s*", value)  # "68,4" or "1,500,000" (P-4)
                return (f"`{name}` is text (in quotes). Give the value itself, without quotes."
                        + (f" {feedback.NUMBER_FORMAT}" if comma else ""))
            plain = {"dict": "a dictionary", "list": "a list", "set": "a set", "tuple": "a tuple", "int": "a whole number",
                     "float": "a number with a decimal point", "NoneType": "None"}.get(what, f"a {what}")
            return f"`{name}` is {plain}, which is not the kind of value asked for: {cp.turn}"
    return None


def evaluate(checkpoint: str, *values) -> Message:
    """The message a learner's values earn at a checkpoint (never raises for a learner's input)."""
    try:
        cp = CHECKPOINTS[checkpoint]
    except KeyError:
        raise ValueError(f"no checkpoint {checkpoint!r}; known: {', '.join(CHECKPOINTS)}") from None
    if len(values) != len(cp.blanks):
        return Message("no", f"this check needs {len(cp.blanks)} value(s), in this order: "
                             f"{', '.join(cp.blanks)}. Do not change the line that calls check.", checkpoint)
    if all(v is None for v in values):
        looped = _set_in_a_loop(cp.blanks)
        if looped:  # the learner wrote a loop, and no round of it set the answer (L01-2)
            return Message("no", f"`{looped}` is still None after your loop: no round of the loop set it, so the "
                                 "condition in front of it was never true. Print what the condition compares for the "
                                 f"first rounds and look at the numbers. The question: {cp.hint}", checkpoint)
        return Message("turn", cp.turn[0].upper() + cp.turn[1:], checkpoint)
    if cp.calls:
        return _evaluate_function(checkpoint, cp, values[0], cp.key()[0])
    problem = _form_problem(cp, values)
    if problem:
        return Message("no", problem, checkpoint)
    key = cp.key()
    for name, value, expected in zip(cp.blanks, values, key):
        letters = isinstance(expected, (set, frozenset)) and all(isinstance(k, str) and len(k) == 1 for k in expected)
        if letters and isinstance(value, (set, list, tuple)) and any(
                isinstance(v, str) and len(v) > 1 and v.isalpha() for v in value):
            joined = next(v for v in value if isinstance(v, str) and len(v) > 1 and v.isalpha())
            if not ((joined.islower() or joined.isupper()) and len(joined) <= 6 and set(joined.lower()) <= set("abcdefgh")):
                return Message("no", f"`{name}` holds \"{joined}\": the question asks for the letters in front "
                                     "of the statements (a, b, c …), each in quotes, such as {\"a\", \"c\"}, not "
                                     "names or words.", checkpoint)
            return Message("no", f"`{name}` holds \"{joined}\", several letters in one piece of text: a comma is "
                                 "probably missing. Python joins two texts written side by side, so {\"a\" \"c\"} "
                                 "becomes {\"ac\"}. Put a comma between the letters: {\"a\", \"c\"}.", checkpoint)
        if isinstance(value, (list, tuple, set, dict)) and len(value) == 0:
            if isinstance(expected, set) and all(isinstance(k, str) and len(k) == 1 for k in expected):
                return Message("no", f"`{name}` is an empty set: put in the letters of the statements, each in quotes.",
                               checkpoint)
            return Message("no", f"`{name}` is empty: no row matched your condition. Copy the value you compare with "
                                 "exactly from the table (spaces, capitals and dashes count: – is not -).", checkpoint)
    for name, value, expected in zip(cp.blanks, values, key):
        if isinstance(expected, dict) and isinstance(value, dict):
            missing = [k for k in expected if k not in {str(x).strip() for x in value}]
            extra = [str(k) for k in value if str(k).strip() not in expected]
            if missing or extra:
                return Message("no", f"`{name}` should give one answer for each of {', '.join(expected)}"
                               + (f"; missing: {', '.join(missing)}" if missing else "")
                               + (f"; not asked for: {', '.join(extra)}" if extra else "") + ".", checkpoint)
            words = sorted(set(expected.values()))
            folded = {w.casefold() for w in words if isinstance(w, str)}
            odd = [f"{k}: {v!r}" for k, v in value.items() if not isinstance(v, str) or v.strip().casefold() not in folded]
            if odd:
                return Message("no", f"each answer in `{name}` should be one of {', '.join(words)}, spelled "
                                     f"so; look at {'; '.join(odd)}.", checkpoint)
    counts = [v for v in values if _is_number(v)]
    if counts and len(counts) == len(values) and all(v == 0 for v in counts) and not all(k == 0 for k in key):
        return Message("no", "no row matched your condition, so every count is 0. Check the value you compare with: "
                             "spelling and capitals count (\"A\", not \"a\"; \"Stalin\", not \"stalin\").", checkpoint)
    # a share (between 0 and 1) answered with a percentage or a count
    shares = [name for name, value, expected in zip(cp.blanks, values, key)
              if isinstance(expected, float) and 0 <= expected <= 1 and _is_number(value) and value > 1]
    upside = [name for name, value, expected in zip(cp.blanks, values, key) if name in shares and expected
              and abs(1 / float(value) - expected) <= max(cp.tolerance, 0.005)]
    if shares and upside == shares:
        names = " and ".join(f"`{n}`" for n in shares)
        return Message("no", f"{names} {'is' if len(shares) == 1 else 'are'} more than 1 because the division is upside "
                             "down: the part goes on top and the whole below, so that a share comes out between 0 "
                             "and 1.", checkpoint)
    if shares:
        names = " and ".join(f"`{n}`" for n in shares)
        what = "is more than 1: that looks like a percentage or a count" if len(shares) == 1 else \
            "are more than 1: they look like percentages or counts"
        return Message("no", f"{names} {what}. A share is between 0 and 1 (divide the part by the whole).", checkpoint)
    # two values in the right places? the same two, swapped, get a word of their own
    if len(values) == 2 and not _close(values[0], key[0], cp.tolerance) and _close(values[0], key[1], cp.tolerance) \
            and _close(values[1], key[0], cp.tolerance):
        return Message("no", f"you have computed both values, but each is in the other's name: the value now in "
                             f"`{cp.blanks[0]}` belongs in `{cp.blanks[1]}`, and the other way round. Swap what you "
                             "put after each = sign (the check line itself is right).", checkpoint)
    for slip, words in (cp.slips() if callable(cp.slips) else cp.slips):
        if all(_close(v, k, cp.tolerance) for v, k in zip(values, slip())) and \
                not all(_close(v, k, cp.tolerance) for v, k in zip(values, key)):
            return Message("no", words, checkpoint)
    wrong = [name for name, v, k in zip(cp.blanks, values, key) if not _close(v, k, cp.tolerance)]
    if wrong:
        which = "" if len(cp.blanks) == 1 else f"look again at {', '.join(f'`{w}`' for w in wrong)}: "
        return Message("no", which + cp.hint, checkpoint)
    return Message("yes", cp.praise(key), checkpoint)


def _cells_just_run() -> list[str]:
    """The source of the cell that is running (a checkpoint cell) and of the cell run before it."""
    sources = [feedback._LAST_CELL.get("source", "")]
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:  # pragma: no cover
        shell = None
    if shell is not None:
        history = shell.user_ns.get("_ih") or [""]
        sources.append(history[-1])
    return [s for s in sources if s]


def _assigned(tree, blanks: Sequence[str]) -> list[str]:
    import ast

    return [t.id for node in ast.walk(tree) if isinstance(node, ast.Assign)
            for t in node.targets if isinstance(t, ast.Name) and t.id in blanks]


def _set_in_a_loop(blanks: Sequence[str]) -> str:
    """The blank that a loop sets (``for ...: ... blank = n``) in the cell being run or, when that cell does not set
    the blank at all, in the cell run before it; or ''."""
    import ast

    for source in reversed(_cells_just_run()):  # the running cell first
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        if not _assigned(tree, blanks):
            continue
        for loop in ast.walk(tree):
            if isinstance(loop, (ast.For, ast.While)):
                named = _assigned(loop, blanks)
                if named:
                    return named[0]
        return ""  # this cell sets the blank, outside any loop: it is what the learner ran
    return ""


def _evaluate_function(checkpoint: str, cp: Checkpoint, func, expected: list) -> Message:
    """Try a learner's function on the checkpoint's arguments; never raises."""
    name = cp.blanks[0]
    last = feedback._LAST_CELL.get("error")
    if isinstance(last, SyntaxError):
        return Message("no", f"the cell above has {feedback._a(type(last).__name__)} (line {last.lineno}: {last.msg}), so Python did "
                             "not run it and this check would test your previous version. Fix that line, run that "
                             "cell again, then run this check.", checkpoint)
    if not callable(func):
        return Message("no", f"`{name}` should be a function, written with def in the cell above.", checkpoint)
    results, printed = [], io.StringIO()
    for args in cp.calls:
        try:
            with contextlib.redirect_stdout(printed):
                results.append(feedback.call(func, *args, name=name, seconds=5, none_ok=True))
        except feedback.AnswerError as err:
            return Message("no", str(err), checkpoint)
    if all(r is None for r in results) and not all(e is None for e in expected):
        if printed.getvalue().strip():
            return Message("no", f"your `{name}` printed its result but gave back nothing (None): write `return` "
                                 "instead of `print`, so that the check (and any other code) receives the value.",
                           checkpoint)
        if feedback._function_tree(func) is None or feedback.is_skeleton(func):  # still the lesson's skeleton
            return Message("turn", f"your `{name}` gives back None for every try: " + cp.turn, checkpoint)
        slip = feedback.slip_in(func, name) or f"your `{name}` gives back None for every try."
        return Message("no", slip, checkpoint)
    wrong = [args for args, r, e in zip(cp.calls, results, expected) if not _close(r, e, cp.tolerance) and not (r is None and e is None)]
    if wrong:
        slip = feedback.slip_in(func, name)
        if " inside the loop" in slip:  # the loop stops in its first round: say so before the formula
            return Message("no", slip, checkpoint)
        tried = ", ".join(f"{name}{a if len(a) > 1 else '(' + repr(a[0]) + ')'}" for a in wrong)
        pairs = [(r, e) for args, r, e in zip(cp.calls, results, expected) if args in wrong]
        if all(isinstance(r, (int, float)) and isinstance(e, (int, float)) and e and _close(r * 100, e, cp.tolerance)
               for r, e in pairs):  # every answer a hundred times too small: a share where a percentage is asked
            return Message("no", f"{tried} gives a share, 100 times smaller than the percentage asked: multiply by "
                                 "100.", checkpoint)
        if len({repr(r) for r, _ in pairs}) == 1 and len({repr(e) for _, e in pairs}) > 1:
            return Message("no", f"{tried} all give the same answer, whatever figures they receive: your function "
                                 "must compute from its arguments (its names in the brackets after def), not from "
                                 "numbers typed in.", checkpoint)
        return Message("no", f"the answer is not yet right for {tried}: {cp.hint}", checkpoint)
    return Message("yes", cp.praise((expected,)), checkpoint)


def check(checkpoint: str, *values) -> None:
    """Show the message for a lesson checkpoint, once (the function returns nothing, so no Out[] repeats it)."""
    message = evaluate(checkpoint, *values)
    try:
        from IPython.display import display
    except ImportError:  # pragma: no cover
        print(repr(message))
    else:
        display(message)


# ---- the errors a beginner meets first, in one plain box -------------------------------------------------------

def explain_error(etype, evalue, names: dict | None = None) -> str | None:
    """A plain explanation of a common beginner's error in a lesson cell, or None for any other error.

    ``names``: the learner's names used on the line that failed (name: value), so that a method given without its
    brackets is named."""
    text = str(evalue)
    if etype is ValueError and "truth value of a Series is ambiguous" in text:
        return ("to join two conditions on a table, use & (not `and`) and put each condition in brackets, such as "
                "(roles[\"actor\"] == \"Stalin\") & (roles[\"role\"] == \"initiated\").")
    # conditions joined without their brackets: Python's own words, or pandas' ("operation 'rand_' not supported",
    # "Cannot perform 'rand_'") from five frames deep inside pandas
    joined = re.search(r"unsupported operand type\(s\) for ([&|])|'(rand_|ror_)'", text)
    if etype is TypeError and joined:
        op = "|" if joined.group(1) == "|" or joined.group(2) == "ror_" else "&"
        return (f"put each condition in brackets before joining them with {op}: (table[\"a\"] == x) {op} "
                "(table[\"b\"] == y). Without brackets Python joins the wrong pieces first.")
    if etype is TypeError and re.search(r"'(method|builtin_function_or_method)'", text):
        named = [feedback.uncalled_method(n, v) for n, v in (names or {}).items()]
        named = [m for m in named if m]
        if len(named) == 1:
            return named[0]
        return ("a method was used without its brackets, such as .tolist instead of .tolist(): a method runs only "
                "with brackets. Add () after the method's name.")
    placed = feedback.value_not_label(evalue, names or {}) if etype is KeyError else None
    if placed:
        table, column, key = placed
        shown = f'"{key}"' if isinstance(key, str) else repr(key)
        rows = "numbered 0, 1, 2 …" if type(names[table].index).__name__ == "RangeIndex" else \
            f"labelled by {names[table].index.name or 'their index'}"
        return (f"there is no row labelled {shown} in `{table}`: its rows are {rows}, and {shown} is a "
                f"value in its column {column}, not a row label. Make that column the row labels first, "
                f"{table}.set_index(\"{column}\").loc[{shown}, ...], or keep the row whose {column} it is, "
                f"{table}[{table}[\"{column}\"] == {shown}].")
    if etype is KeyError and evalue.args and isinstance(evalue.args[0], int) and 1000 <= evalue.args[0] <= 2100:
        return (f"there is no row labelled {text}: the table's rows are numbered 0, 1, 2 ..., and the year is a "
                "column, not the rows' label. Make the year the label first, table.set_index(\"year\").loc[" + text
                + ", ...], or keep the row whose year it is, table[table[\"year\"] == " + text + "].")
    if etype is KeyError:
        close = feedback.column_suggestion(evalue.args[0] if evalue.args else None, (names or {}).values())
        return (f"there is no row or column named {text}. A name must match the table exactly, capitals and spaces "
                "included: look at the table and copy the name." + close)
    if etype is NameError and "is not defined" in text:
        word = text.split("'")[1] if text.count("'") >= 2 else ""
        return (f"Python does not know the name {word!r}. If you meant a piece of text or a letter, put it in quotes, "
                f"such as \"{word}\"; if you meant a table or a variable, run the cells above first.")
    return None


def _names_on_failing_line(shell, tb) -> dict:
    """The learner's names (and their values) that stand on the line of the cell where the error arose."""
    import linecache

    line = ""
    while tb is not None:  # the cell's own frame is the last one whose code is not in a file on disk
        filename = tb.tb_frame.f_code.co_filename
        if "site-packages" not in filename and (filename.startswith("<") or "ipykernel_" in filename):
            line = linecache.getline(filename, tb.tb_lineno)
        tb = tb.tb_next
    words = _code_names(line)
    namespace = getattr(shell, "user_ns", {}) or {}
    return {w: namespace[w] for w in words if w in namespace and not w.startswith("_")}


def _code_names(line: str) -> list[str]:
    """The names a line of code uses, in order, leaving out words inside quotes: in summary.loc["Stalin",
    "documents"], the table is summary, not the lesson's other table called documents."""
    import io
    import tokenize

    try:
        return list(dict.fromkeys(t.string for t in tokenize.generate_tokens(io.StringIO(line).readline)
                                  if t.type == tokenize.NAME))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return list(dict.fromkeys(re.findall(r"[A-Za-z_]\w*", re.sub(r"(['\"]).*?\1", "", line))))


def _friendly_errors(shell, etype, evalue, tb, tb_offset=None):
    """IPython's handler for the errors above: one "Not yet" box, with Python's own last line under it."""
    words = explain_error(etype, evalue, _names_on_failing_line(shell, tb))
    if words is None:
        return shell.showtraceback((etype, evalue, tb), tb_offset=tb_offset)
    from IPython.display import display

    display(Message("no", words + f" (Python said: {etype.__name__}: {evalue})", "error"))
    return None


def _install_friendly_errors() -> None:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return
    shell = get_ipython()
    if shell is not None and hasattr(shell, "set_custom_exc"):
        shell.set_custom_exc((ValueError, TypeError, KeyError, NameError), _friendly_errors)


_install_friendly_errors()
