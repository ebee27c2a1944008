"""Sources a learner can reach: every lesson ends with a Sources list rendered from the reference
list; every citation in its text resolves to an entry; every entry listed is cited in the lesson's
text, tables or charts; every short citation names one work only."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from manyhands import data, sources

LESSONS = sorted(sources.LESSONS.glob("*.ipynb"))


def test_every_short_citation_names_one_work():
    forms = [data.cite(r) for r in data.references()]
    doubled = sorted({f for f in forms if forms.count(f) > 1})
    assert not doubled, f"two works share a short citation (give one a title-short): {doubled}"


def test_every_reference_says_what_kind_of_source_it_is():
    kinds = {r: item.get("source-kind") for r, item in data.references().items()}
    assert all(kinds.values()), [r for r, k in kinds.items() if not k]


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_every_citation_in_the_text_resolves(path):
    nb = nbformat.read(path, 4)
    assert sources.unresolved_citations(sources._prose(nb)) == []


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_the_lesson_ends_with_its_sources_and_lists_only_what_it_cites(path):
    nb = nbformat.read(path, 4)
    assert nb.cells[-1].cell_type == "markdown" and nb.cells[-1].source.startswith("## Sources")
    cited = sources.lesson_references(nb)
    assert nb.metadata["manyhands"]["references"] == cited, "run python -m manyhands.sources"
    assert nb.cells[-1].source == sources.sources_markdown(cited), "run python -m manyhands.sources"
    for ref_id in cited:
        assert f"**{data.cite(ref_id)}**" in nb.cells[-1].source


def test_the_detector_catches_a_citation_with_no_entry():
    assert sources.unresolved_citations("as he said (Smith 1999, p. 4).") == ["Smith 1999, p. 4"]
    assert sources.unresolved_citations("(Getty 1985; Khlevniuk 2009)") == []
    assert sources.unresolved_citations("in (March 1921) and (1933)") == []
