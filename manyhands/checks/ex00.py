"""Exercise 00's visible checks (Two comments), one function per question: see ``manyhands.checks``."""

from __future__ import annotations

import pandas as pd

from manyhands import feedback


def q1(ns) -> None:
    """Question 1: What kind of claim?"""
    CLAIM_TYPES = ns.get("CLAIM_TYPES")
    my_claim_types = feedback.defined(ns, "my_claim_types")
    feedback.check_labels(my_claim_types, ["e1", "e2", "e3", "e4", "e5", "e6"], CLAIM_TYPES, "my_claim_types")
    feedback.check_items(
        my_claim_types,
        {
            "e1": "2f7248c3455ccbdfcc34d0f3af17cdd4ec5a3ea57fb29559a6c4a126e20ca7bf",
            "e2": "501f778f90ad42d771944c387f3634ac228d9d059985c65b17169a50f93a102a",
            "e3": "239e133e9d700b76f6c0b1782a4d275ebded9345c8d4f325ba17032ebe637189",
            "e4": "6d58f34ccfee19d247515d847deb01af9ad4badb219bb0ae6feb7a13d3d3caf1",
            "e5": "ada9b5ce6c08f0b42c063fcb4629ed186ff3dc2458cf7d52deeb2cb5e38f79c9",
            "e6": "2efeecca346e65df5f49a38fa145c30c276ff280e27da5916261e6a25019dfa9",
        },
        "my_claim_types",
        hint="For each claim ask: could a document or a count settle it (empirical)? Does it argue about causes or "
        "weight, beyond any single fact (interpretive)? Does it say what is right, fair or owed (normative)?",
    )
    print("Question 1: well done.")


def q2(ns) -> None:
    """Question 2: Which evidence would test it?"""
    EVIDENCE_TYPES = ns.get("EVIDENCE_TYPES")
    evidence_for = feedback.defined(ns, "evidence_for")
    feedback.check_labels(evidence_for, ["m1", "m2", "m3", "m4", "m5"], EVIDENCE_TYPES, "evidence_for")
    feedback.check_items(
        evidence_for,
        {
            "m1": "c5b82c6370e771f8a566bd2fc044896f0da5f13430dc2a6a7a2f283aae4226ac",
            "m2": "926ec98f54d1ae1c5213133779dca3804857028490ec3d025607c14e49af875d",
            "m3": "4da9729152cb6932bbc751c2e2fa2320f5dcd8bb7d4da0215345fbbf843fbfb4",
            "m4": "e72ebfdb3f730c10ab1e0d0d63ba6ddbe4f9e9fc27d0e0b51d22d653f37e5e93",
            "m5": "284290a147d026b285c65f5d8ad04f7062c53f39a5761913268b4f413ed80b2d",
        },
        "evidence_for",
        hint="Ask who would have written the answer down: the people who decided, the people who carried it out, "
        "the people who counted, the author of a book, or nobody, because it is a question of judgement.",
    )
    print("Question 2: well done.")


def q3(ns) -> None:
    """Question 3: Counting the kinds of claim."""
    sentences = ns.get("sentences")
    CLAIM_TYPES = ns.get("CLAIM_TYPES")
    count_by_type = ns.get("count_by_type")
    result = feedback.call(feedback.defined(ns, "count_by_type"), sentences, "A", name="count_by_type")
    feedback.check_keys(result, CLAIM_TYPES, "count_by_type(sentences, 'A')")
    feedback.check_values(
        result, int, "count_by_type(sentences, 'A')",
        hint="Each count should be a whole number (int): count rows, not shares, and use int(...) around a count.",
    )
    feedback.check_digest(
        result, "188c297af133a1a1548f958f0d9f69c52a6768efe0f323da40d350d94b1b7945", "count_by_type(sentences, 'A')",
        hint="Keep only the rows of the comment you were given, then count, for each kind, the rows whose "
        "key_type is that kind.",
    )
    # a small table of the same shape, in which comment B has sentences of one kind only
    toy = pd.DataFrame({"comment": ["A", "B", "B", "A", "B"],
                        "key_type": ["normative", "normative", "normative", "empirical", "normative"]})
    result = feedback.call(count_by_type, toy, "B", name="count_by_type")
    feedback.check_keys(result, CLAIM_TYPES, "count_by_type(toy, 'B')")
    feedback.check_digest(
        result, "4c82a52151edc4ef0149219d76a3b278729f0c9b940a1073b52a54957034c8b3", "count_by_type(toy, 'B')",
        hint="On this small table comment B has three normative sentences and nothing else. Use only the columns "
        "comment and key_type, which every such table has, and give 0 for the kinds that do not occur.",
    )
    print("Question 3: well done; the hidden checks will try other data.")


def q4(ns) -> None:
    """Question 4: What do the comments get wrong or leave out?"""
    true_statements = feedback.defined(ns, "true_statements")
    feedback.check_choice_set(true_statements, ["a", "b", "c", "d", "e", "f"], "true_statements")
    feedback.check_items(
        {letter: letter in true_statements for letter in "abcdef"},
        {
            "a": "137f00e25d7b69e8b487b9b6bc2d875844634418b2a0e3d9c5e586f127055799",
            "b": "9b63ba46a302d0f8b1f2bb34d4fbd36a0b0a65c1f1ebfb54a561beccd6b010a9",
            "c": "06e939ceabc4043267acb10ff5886e554b2b5ae8853d3cdaed4cab24a4e46077",
            "d": "956af289aeacfcfdf4adbad77a55f31b56d8cbc93f82eff428c77093ca64c561",
            "e": "8f0b66fa9bfe69b76deb56fa10e75890e313595d1cfd7a1a70455d011ffc4989",
            "f": "3f906d5c31fa87a04f8cd6fe5710c751db67d4cfebdacac22eb2b523c6b0d9d0",
        },
        "the statements you judged",
        hint="Check each statement against section 6 of lesson 00 and against the two comments themselves.",
    )
    print("Question 4: well done.")
