from test_browser import lab, page, shots, _run_lesson, axe_violations
import pytest

@pytest.mark.parametrize("nb,sel,n", [("00_two_comments.ipynb", ".mh-debate-dropdown select", 3),
                                      ("01_the_bureaucracy.ipynb", ".mh-chain-levels", 3),
                                      ("02_grain.ipynb", ".mh-timeline-actor select", 4)])
def test_axe(lab, page, shots, nb, sel, n):
    base, _ = lab
    _run_lesson(page, base, nb, sel, charts=n)
    page.wait_for_timeout(2000)
    ours, theirs = axe_violations(page)
    print("\n##", nb)
    for v in ours:
        print("OURS", v["impact"], v["id"], len(v["nodes"]), v["help"], "|", v["nodes"][0]["html"][:120])
    for v in theirs:
        print("LAB ", v["impact"], v["id"], len(v["nodes"]), v["help"], "|", v["nodes"][0]["html"][:100])
